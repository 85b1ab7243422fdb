"""The duplicates review queue, a pair's side-by-side page, and "not a duplicate"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clientbase.access.models import AuditEvent, Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.identity.models import CandidateStatus, DuplicateCandidate, MatchRun
from clientbase.web.tests.conftest import text_of

MakeAccount = Callable[..., Account]
Login = Callable[[User], Client]
QUEUE = "/duplicates/"
PASSWORD = "a long enough analyst password"


@pytest.fixture
def make_pair(make_account: MakeAccount) -> Callable[..., DuplicateCandidate]:
    run: list[MatchRun] = []

    def make(
        left: Account | None = None,
        right: Account | None = None,
        probability: float = 0.97,
        **agreements: Any,
    ) -> DuplicateCandidate:
        if not run:
            run.append(MatchRun.objects.create(started_at=timezone.now(), threshold=0.5))
        left = left or make_account()
        right = right or make_account()
        if left.pk > right.pk:
            left, right = right, left
        return DuplicateCandidate.objects.create(
            run=run[0],
            left=left,
            right=right,
            probability=probability,
            agreements=agreements or {"name": "skeleton", "phone": "exact", "city": "differs"},
        )

    return make


@pytest.fixture
def pair(owner: User, make_account: MakeAccount, make_pair: Any) -> DuplicateCandidate:
    left = make_account(
        owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка", city="Казань"
    )
    right = make_account(
        owner=owner, legal_name="Romashka LLC", display_name="Romashka", city="Москва"
    )
    candidate: DuplicateCandidate = make_pair(left, right)
    return candidate


def test_the_queue_lists_pairs_with_probability_agreements_and_links(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    html = login(director).get(QUEUE).content.decode()

    text = text_of(html)
    assert "Ромашка" in text
    assert "Romashka" in text
    assert "97%" in text
    assert '<meter class="prob-bar"' in html
    assert 'value="97"' in html
    assert "Phone: same" in text
    assert "Name: same in another script" in text
    assert "City: differs" in text
    assert reverse("web:account_detail", args=[pair.left_id]) in html
    assert reverse("web:account_detail", args=[pair.right_id]) in html
    assert reverse("web:duplicate_detail", args=[pair.pk]) in html


def test_the_queue_filters_by_minimum_probability(
    director: User, login: Login, make_pair: Any, make_account: MakeAccount
) -> None:
    likely = make_pair(make_account(display_name="Likely A"), make_account(display_name="Likely B"))
    doubtful = make_pair(
        make_account(display_name="Doubtful A"),
        make_account(display_name="Doubtful B"),
        probability=0.85,
    )
    client = login(director)

    default = text_of(client.get(QUEUE).content.decode())
    strict = text_of(client.get(QUEUE, {"min": "95"}).content.decode())
    nonsense = text_of(client.get(QUEUE, {"min": "abc"}).content.decode())

    assert "Likely A" in default
    assert "Doubtful A" in default
    assert "Likely A" in strict
    assert "Doubtful A" not in strict
    assert "Doubtful A" in nonsense  # falls back to the default minimum, 80%
    assert likely.pk != doubtful.pk


def test_only_base_wide_roles_see_the_queue_in_the_navigation(
    director: User, owner: User, lead: User, login: Login, db: None
) -> None:
    analyst = create_user(actor=None, username="analyst", password=PASSWORD, role=Role.ANALYST)
    for user, shown in ((director, True), (analyst, True), (owner, False), (lead, False)):
        html = login(user).get(reverse("web:account_list")).content.decode()
        assert (f'href="{QUEUE}"' in html) is shown, user.username


@pytest.mark.parametrize("who", ["owner", "lead", "outsider", "auditor"])
def test_the_queue_and_its_actions_are_refused_to_other_roles(
    request: pytest.FixtureRequest, login: Login, pair: DuplicateCandidate, who: str
) -> None:
    if who == "auditor":  # sees the whole base, but only reads it
        user = create_user(actor=None, username="audit", password=PASSWORD, role=Role.AUDITOR)
    else:
        user = request.getfixturevalue(who)
    client = login(user)

    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{pair.pk}/").status_code == 403
    assert client.post(f"{QUEUE}{pair.pk}/dismiss/").status_code == 403
    assert client.post(f"{QUEUE}{pair.pk}/merge/").status_code == 403
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.OPEN


def test_the_queue_hides_pairs_where_one_account_is_outside_the_scope(
    director: User, login: Login, pair: DuplicateCandidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The queue reads identity's open_candidates, which keeps only pairs whose both accounts
    # the actor sees; a pair detail goes through identity's get_candidate, which checks too.
    from clientbase.identity import selectors as identity_selectors

    def only_left(*, actor: User) -> Any:
        return Account.objects.filter(pk=pair.left_id)

    monkeypatch.setattr(identity_selectors, "visible_accounts", only_left)

    assert login(director).get(f"{QUEUE}{pair.pk}/").status_code == 404


def test_not_a_duplicate_dismisses_the_pair_swaps_the_row_and_is_audited(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    response = login(director).post(f"{QUEUE}{pair.pk}/dismiss/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="pair pair-done" id="pair-{pair.pk}"')
    assert "marked as different companies" in text_of(html)
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.DISMISSED
    assert pair.decided_by == director
    event = AuditEvent.objects.get(action="identity.dismiss")
    assert event.actor == director
    assert event.object_id == str(pair.pk)
    assert str(pair.pk) not in text_of(login(director).get(QUEUE).content.decode()).split()
    assert reverse("web:duplicate_detail", args=[pair.pk]) not in (
        login(director).get(QUEUE).content.decode()
    )


def test_dismissing_without_htmx_returns_to_the_queue(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    response = login(director).post(f"{QUEUE}{pair.pk}/dismiss/")

    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_dismissing_a_decided_pair_says_so_instead_of_failing(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    client = login(director)
    client.post(f"{QUEUE}{pair.pk}/dismiss/")

    response = client.post(f"{QUEUE}{pair.pk}/dismiss/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "This pair was already decided" in text_of(response.content.decode())
    assert AuditEvent.objects.filter(action="identity.dismiss").count() == 1


def test_the_pair_page_puts_both_accounts_side_by_side_and_marks_differences(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    html = login(director).get(f"{QUEUE}{pair.pk}/").content.decode()

    assert html.count('<tr class="is-different">') >= 3  # legal name, display name, city
    assert '<tr class="is-same">' in html  # e.g. status, both prospects
    assert 'name="keep_city" value="left"' in html
    assert 'name="keep_city" value="right"' in html
    assert 'name="keep_status"' not in html  # the same on both sides: nothing to choose
    assert 'name="survivor" value="left" checked' in html


def test_the_pair_page_counts_what_each_side_brings_along(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    from clientbase.accounts.services import create_contact

    for name in ("Анна", "Олег"):
        create_contact(actor=None, account=pair.right, full_name=name)

    html = login(director).get(f"{QUEUE}{pair.pk}/").content.decode()

    assert "Contacts 0 2" in text_of(html)
    assert "Orders 0 0" in text_of(html)


def test_the_merge_button_calls_the_merge_service_when_it_exists(
    director: User, login: Login, pair: DuplicateCandidate
) -> None:
    from clientbase.web.duplicates import _merge_service

    if _merge_service() is None:
        html = login(director).get(f"{QUEUE}{pair.pk}/").content.decode()
        assert "Merging is not available yet." in text_of(html)
        response = login(director).post(f"{QUEUE}{pair.pk}/merge/")
        assert response.status_code == 409
        return
    response = login(director).post(
        f"{QUEUE}{pair.pk}/merge/", {"survivor": "right", "keep_legal_name": "left"}
    )

    assert response.status_code == 302, text_of(response.content.decode())[:3000]
    assert response["Location"] == reverse("web:account_detail", args=[pair.right_id])
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.MERGED
    survivor = Account.objects.get(pk=pair.right_id)
    assert survivor.legal_name == "ООО «Ромашка»"


def test_the_merge_page_says_so_when_merging_is_not_installed(
    director: User, login: Login, pair: DuplicateCandidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientbase.web import duplicates

    monkeypatch.setattr(duplicates, "_merge_service", lambda: None)
    client = login(director)

    assert "Merging is not available yet." in text_of(
        client.get(f"{QUEUE}{pair.pk}/").content.decode()
    )
    response = client.post(f"{QUEUE}{pair.pk}/merge/", {"survivor": "left"})
    assert response.status_code == 409
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.OPEN


@pytest.mark.parametrize("path", [QUEUE, "pair"])
def test_the_pages_render_right_to_left_in_persian(
    director: User, login: Login, pair: DuplicateCandidate, path: str
) -> None:
    director.language = "fa"
    director.save(update_fields=["language"])
    url = QUEUE if path == QUEUE else f"{QUEUE}{pair.pk}/"

    html = login(director).get(url).content.decode()

    assert '<html lang="fa" dir="rtl">' in html


def test_the_queue_makes_the_same_number_of_queries_for_many_pairs(
    director: User, login: Login, make_pair: Any
) -> None:
    client = login(director)
    make_pair()
    client.get(QUEUE)  # warm caches (session, settings)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for _ in range(12):
        make_pair()
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)

    assert response.content.decode().count('class="pair"') == 13
    assert len(many) == len(few)


def test_the_queue_pages_through_many_pairs_without_repeating_one(
    director: User, login: Login, make_pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientbase.web import duplicates

    monkeypatch.setattr(duplicates, "PAGE_SIZE", 3)
    made = [make_pair(probability=p) for p in (0.99, 0.95, 0.95, 0.95, 0.9, 0.85, 0.81)]
    client = login(director)
    seen: list[int] = []
    url = QUEUE
    for _ in range(5):
        html = client.get(url).content.decode()
        seen += [int(m) for m in re.findall(r'<li class="pair" id="pair-(\d+)"', html)]
        found = re.search(r'rel="next" href="([^"]+)"', html)
        if not found:
            break
        url = QUEUE + found.group(1).replace("&amp;", "&")

    assert seen == [c.pk for c in made]


def test_percentages_are_written_in_persian_digits_in_persian(
    make_pair: Callable[..., DuplicateCandidate], director: User
) -> None:
    pair = make_pair()
    director.language = "fa"
    director.save()
    client = Client()
    client.force_login(director)

    html = client.get(QUEUE + "?min=50").content.decode()

    percent = round(float(pair.probability) * 100)
    assert f"{percent}%" not in html
    digits = str(percent).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"{digits}%" in html
