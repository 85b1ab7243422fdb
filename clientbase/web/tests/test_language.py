"""Each user reads the interface in their own language: en, ru, or fa (right to left)."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import TextChoices
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clientbase.access.models import AuditEvent, Role, User
from clientbase.accounts.models import Account, BuyingRole, LifecycleStatus, SizeBand, TaxIdKind
from clientbase.activities.models import ActivityKind, ActivityStatus
from clientbase.sales.models import DealStatus
from clientbase.web.tests.conftest import text_of

MakeAccount = Callable[..., Account]
LOCALE = Path(settings.BASE_DIR) / "clientbase" / "locale"
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


def speak(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match is not None
    return match.group(0)


@pytest.mark.django_db
def test_it_renders_rtl_in_persian(client: Client, owner: User) -> None:
    client.force_login(speak(owner, "fa"))
    response = client.get(reverse("web:account_list"))
    assert html_tag(response.content.decode()) == '<html lang="fa" dir="rtl">'
    assert response["Content-Language"] == "fa"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_renders_left_to_right_in_english_and_russian(
    client: Client, owner: User, language: str
) -> None:
    client.force_login(speak(owner, language))
    html = client.get(reverse("web:account_list")).content.decode()
    assert html_tag(html) == f'<html lang="{language}" dir="ltr">'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Accounts", "Log out", "Sales director"]),
        ("ru", ["Клиенты", "Выйти", "Коммерческий директор", "Активный", "Крупный (250–999)"]),
        ("fa", ["مشتریان", "خروج", "مدیر فروش", "فعال", "بزرگ (۲۵۰ تا ۹۹۹)"]),
    ],
)
def test_the_pages_are_translated(
    client: Client, director: User, make_account: MakeAccount, language: str, words: list[str]
) -> None:
    account = make_account(owner=director, status="active", size_band="large")
    client.force_login(speak(director, language))
    text = text_of(client.get(reverse("web:account_list")).content.decode())
    text += text_of(client.get(reverse("web:account_detail", args=[account.pk])).content.decode())
    for word in words:
        assert word in text, word


@pytest.mark.django_db
def test_persian_shows_jalali_dates_with_persian_digits(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    account = make_account(owner=owner, phone="+74951234567", tax_ids={"ru_inn": "7701234567"})
    Account.objects.filter(pk=account.pk).update(
        created_at=dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)  # 30 Esfand 1403, Nowruz eve
    )
    owner.time_zone = "Asia/Tehran"
    owner.save(update_fields=["time_zone"])
    client.force_login(speak(owner, "fa"))
    listing = text_of(client.get(reverse("web:account_list")).content.decode())
    assert "۱۴۰۳/۱۲/۳۰" in listing
    assert "+۷ ۴۹۵ ۱۲۳-۴۵-۶۷" in listing
    assert "۷۷۰۱۲۳۴۵۶۷" in listing
    page = text_of(client.get(reverse("web:account_detail", args=[account.pk])).content.decode())
    assert "۳۰ اسفند ۱۴۰۳، ۱۵:۳۰" in page, "long Jalali date, in Tehran time (UTC+3:30)"


@pytest.mark.django_db
def test_russian_shows_russian_dates(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    account = make_account(owner=owner)
    Account.objects.filter(pk=account.pk).update(
        created_at=dt.datetime(2025, 3, 5, 12, 0, tzinfo=dt.UTC)
    )
    client.force_login(speak(owner, "ru"))
    assert "05.03.2025" in client.get(reverse("web:account_list")).content.decode()
    page = text_of(client.get(reverse("web:account_detail", args=[account.pk])).content.decode())
    assert "5 марта 2025 г., 12:00" in page  # text_of() turns the no-break space into a space


@pytest.mark.django_db
def test_the_language_switcher_changes_the_users_language_and_audits_it(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    back_to = reverse("web:account_list") + "?q=roma"
    response = client.post(reverse("web:set_language"), {"language": "fa", "next": back_to})
    assert response.status_code == 302
    assert response["Location"] == back_to
    owner.refresh_from_db()
    assert owner.language == "fa"
    event = AuditEvent.objects.get(action="user.language")
    assert event.actor == owner
    assert event.changes == {"language": ["en", "fa"]}
    html = client.get(back_to).content.decode()
    assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_the_language_switcher_is_a_post_form_offering_every_language(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    html = client.get(reverse("web:account_list")).content.decode()
    form = re.search(
        r'<form class="lang-switch" method="post" action="([^"]+)">(.*?)</form>', html, re.S
    )
    assert form is not None
    assert form.group(1) == reverse("web:set_language")
    assert "csrfmiddlewaretoken" in form.group(2)
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in form.group(2)
    assert client.get(reverse("web:set_language")).status_code == 405


@pytest.mark.django_db
def test_the_language_switcher_refuses_an_unknown_language(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(reverse("web:set_language"), {"language": "de"})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.language == "en"


@pytest.mark.django_db
def test_the_language_switcher_does_not_redirect_to_another_site(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    response = client.post(
        reverse("web:set_language"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:account_list")


@pytest.mark.django_db
def test_a_visitor_can_read_the_login_page_in_another_language(client: Client) -> None:
    response = client.get(reverse("web:login"), {"lang": "ru"})
    assert "Имя пользователя" in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    again = client.get(reverse("web:login"))
    assert 'lang="ru"' in html_tag(again.content.decode()), "the choice is remembered"


# --- The catalogues ---------------------------------------------------------------------------


def po_entries(language: str) -> list[tuple[str | tuple[str, int], str, list[str]]]:
    """(key, msgstr, flags) of each message of a .po file, the header left out.

    The key is how gettext's compiled catalogue files the message: the msgid, prefixed with
    "context\x04" when it has a context, or (msgid, n) for the n-th form of a plural.
    """
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries: list[tuple[str | tuple[str, int], str, list[str]]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = [f.strip() for line in lines if line.startswith("#,") for f in line[2:].split(",")]
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if not fields.get("msgid"):
            continue
        msgid = _unescape(fields["msgid"])
        if "msgctxt" in fields:
            msgid = f"{_unescape(fields['msgctxt'])}\x04{msgid}"
        if "msgid_plural" in fields:
            forms = sorted(k for k in fields if k.startswith("msgstr["))
            for form in forms:
                index = int(form[len("msgstr[") : -1])
                entries.append(((msgid, index), _unescape(fields[form]), flags))
        else:
            entries.append((msgid, _unescape(fields["msgstr"]), flags))
    return entries


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("language", ["ru", "fa"])
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    entries = po_entries(language)
    assert len(entries) > 200
    assert [msgid for msgid, msgstr, _flags in entries if not msgstr] == []
    assert [msgid for msgid, _msgstr, flags in entries if "fuzzy" in flags] == []


@pytest.mark.parametrize("language", ["ru", "fa"])
def test_the_compiled_catalogue_matches_the_po_file(language: str) -> None:
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled: dict[str | tuple[str, int], str] = catalogue._catalog  # type: ignore[attr-defined]
    stale = [key for key, msgstr, _flags in po_entries(language) if compiled.get(key) != msgstr]
    assert stale == [], "run `manage.py compilemessages` and commit the .mo files"


CHOICES_ON_THE_PAGES: list[type[TextChoices]] = [
    LifecycleStatus,
    Role,
    SizeBand,
    TaxIdKind,
    BuyingRole,
    ActivityKind,
    ActivityStatus,
    DealStatus,
]


@pytest.mark.parametrize("language", ["ru", "fa"])
@pytest.mark.parametrize("choices", CHOICES_ON_THE_PAGES, ids=lambda c: c.__name__)
def test_the_choice_labels_shown_on_the_pages_are_translated(
    language: str, choices: type[TextChoices]
) -> None:
    english = {value: str(label) for value, label in choices.choices}
    with translation.override(language):
        local = {value: str(label) for value, label in choices.choices}
    assert [value for value in english if local[value] == english[value]] == []


def test_a_lost_account_and_a_lost_deal_read_differently_in_russian() -> None:
    from django.utils import translation

    from clientbase.accounts.models import LifecycleStatus
    from clientbase.sales.models import DealStatus

    with translation.override("ru"):
        assert str(LifecycleStatus.LOST.label) == "Потерян"
        assert str(DealStatus.LOST.label) == "Проиграна"
