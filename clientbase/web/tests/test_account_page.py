"""The account page: header facts, contacts and the timeline, and nothing for outsiders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account, CustomFieldDefinition, CustomFieldType, Tag
from clientbase.accounts.services import create_contact
from clientbase.activities.services import plan_activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.marketing.models import Campaign, Channel, ChannelKind
from clientbase.sales.models import Pipeline, PipelineKind, Stage
from clientbase.sales.services import LineInput, open_deal, record_order
from clientbase.web.presenters import client_clock
from clientbase.web.tests.conftest import text_of

pytestmark = pytest.mark.django_db

MakeAccount = Callable[..., Account]


def page_of(client: Client, account: Account) -> str:
    response = client.get(reverse("web:account_detail", args=[account.pk]))
    assert response.status_code == 200
    return text_of(response.content.decode())


@pytest.fixture
def romashka(owner: User, teammate: User, make_account: MakeAccount) -> Account:
    channel = Channel.objects.create(code="expo", name="Expo", kind=ChannelKind.EVENT)
    campaign = Campaign.objects.create(name="Spring expo", channel=channel)
    CustomFieldDefinition.objects.create(
        key="fleet", label="Fleet size", type=CustomFieldType.INTEGER
    )
    CustomFieldDefinition.objects.create(key="edi", label="Uses EDI", type=CustomFieldType.BOOLEAN)
    account = make_account(
        owner=owner,
        legal_name="ООО «Ромашка»",
        display_name="Ромашка",
        aliases=["Romashka"],
        industry="Retail",
        size_band="large",
        country="RU",
        region="Moscow region",
        city="Moscow",
        time_zone="Europe/Moscow",
        work_starts=dt.time(9),
        work_ends=dt.time(18),
        website="https://romashka.example",
        phone="+74951234567",
        email="zakupki@romashka.example",
        status="active",
        account_manager=teammate,
        source_channel=channel,
        source_campaign=campaign,
        custom={"fleet": 1250, "edi": True},
        tax_ids={"ru_inn": "7701234567"},
    )
    account.source_system, account.external_id = "1c", "000123"
    account.save(update_fields=["source_system", "external_id"])
    account.tags.add(Tag.objects.create(name="key client"))
    return account


def test_it_shows_the_header_facts(client: Client, owner: User, romashka: Account) -> None:
    client.force_login(owner)
    text = page_of(client, romashka)
    for fact in [
        "ООО «Ромашка»",
        "Ромашка",
        "Romashka",
        "Active",
        "Retail",
        "Large (250–999)",
        "Moscow, Moscow region, RU",
        "https://romashka.example",
        "+7 495 123-45-67",
        "zakupki@romashka.example",
        "owner",
        "teammate",
        "Expo",
        "Spring expo",
        "INN (Russia) 7701234567",
        "key client",
        "Fleet size 1,250",
        "Uses EDI Yes",
        "1c · 000123",
        "local time · Europe/Moscow",
    ]:
        assert fact in text, fact


def test_it_lists_the_contacts_with_their_rank_and_buying_role(
    client: Client, owner: User, romashka: Account
) -> None:
    create_contact(
        actor=owner,
        account=romashka,
        full_name="Ольга Иванова",
        position="CEO",
        rank=1,
        buying_role="decision_maker",
        phone="+74951234501",
        email="olga@romashka.example",
    )
    create_contact(actor=owner, account=romashka, full_name="Сергей", rank=3, buying_role="user")
    client.force_login(owner)
    text = page_of(client, romashka)
    assert "Ольга Иванова CEO 1 Decision maker +7 495 123-45-01 olga@romashka.example" in text
    assert text.index("Ольга Иванова") < text.index("Сергей"), "ordered by rank"


def test_it_shows_orders_deals_and_activities_in_one_timeline(
    client: Client, owner: User, romashka: Account
) -> None:
    product = Product.objects.create(
        sku="S-1", name="Sensor", category=ProductCategory.objects.create(name="Devices")
    )
    record_order(
        actor=owner,
        account=romashka,
        date=dt.date(2025, 3, 5),
        number="SO-1",
        lines=[LineInput(product, Decimal(2), Decimal("1234567.89"), Decimal(1))],
    )
    pipeline = Pipeline.objects.create(name="New", kind=PipelineKind.NEW_BUSINESS)
    Stage.objects.create(pipeline=pipeline, name="Need identification", position=1)
    open_deal(
        actor=owner, account=romashka, pipeline=pipeline, title="Rollout", amount=Decimal(500)
    )
    plan_activity(
        actor=owner,
        kind="call",
        subject="Quarterly review",
        account=romashka,
        due_at=dt.datetime(2025, 3, 6, 9, 30, tzinfo=dt.UTC),
    )
    client.force_login(owner)
    text = page_of(client, romashka)
    assert "Order SO-1 RUB 1,234,567.89 Mar 5, 2025" in text
    assert "Deal Rollout Open Need identification RUB 500.00" in text
    assert "Call Quarterly review Planned Mar 6, 2025, 09:30" in text
    assert text.index("Rollout") < text.index("Quarterly review") < text.index("SO-1")


def test_it_says_so_when_there_are_no_contacts_or_events(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    account = make_account(owner=owner)
    client.force_login(owner)
    text = page_of(client, account)
    assert "No contacts yet." in text
    assert "No orders, deals or activities yet." in text
    assert "Working hours unknown" in text


def test_it_returns_404_to_an_outsider(client: Client, outsider: User, romashka: Account) -> None:
    client.force_login(outsider)
    response = client.get(reverse("web:account_detail", args=[romashka.pk]))
    assert response.status_code == 404
    assert "Ромашка" not in response.content.decode()


def test_it_returns_the_same_404_for_an_account_that_does_not_exist(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    response = client.get(reverse("web:account_detail", args=[999_999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_account_manager_and_the_team_lead_may_see_it(
    client: Client, teammate: User, lead: User, romashka: Account
) -> None:
    for viewer in (teammate, lead):
        client.force_login(viewer)
        assert "Ромашка" in page_of(client, romashka)


def test_times_are_shown_in_the_viewers_time_zone(
    client: Client, owner: User, romashka: Account
) -> None:
    plan_activity(
        actor=owner,
        kind="meeting",
        subject="Late call",
        account=romashka,
        due_at=dt.datetime(2025, 3, 5, 22, 30, tzinfo=dt.UTC),
    )
    owner.time_zone = "Asia/Tehran"
    owner.save(update_fields=["time_zone"])
    client.force_login(owner)
    assert "Mar 6, 2025, 02:00" in page_of(client, romashka)


# --- The client's clock ----------------------------------------------------------------------


def _account(**fields: object) -> Account:
    return Account(legal_name="X", display_name="X", **fields)


def test_the_clock_tells_the_clients_local_time_and_that_they_are_at_work() -> None:
    account = _account(time_zone="Europe/Moscow", work_starts=dt.time(9), work_ends=dt.time(18))
    clock = client_clock(account, dt.datetime(2025, 3, 5, 7, 0, tzinfo=dt.UTC))
    assert clock.now.hour == 10
    assert clock.time_zone == "Europe/Moscow"
    assert clock.is_working_hours is True


def test_the_clock_knows_when_the_client_has_gone_home() -> None:
    account = _account(time_zone="Asia/Tehran", work_starts=dt.time(8), work_ends=dt.time(16))
    clock = client_clock(account, dt.datetime(2025, 3, 5, 13, 0, tzinfo=dt.UTC))  # 16:30 there
    assert clock.is_working_hours is False


def test_the_clock_handles_a_night_shift_across_midnight() -> None:
    account = _account(time_zone="UTC", work_starts=dt.time(22), work_ends=dt.time(6))
    assert client_clock(account, dt.datetime(2025, 3, 5, 23, tzinfo=dt.UTC)).is_working_hours
    assert client_clock(account, dt.datetime(2025, 3, 5, 5, tzinfo=dt.UTC)).is_working_hours
    assert not client_clock(account, dt.datetime(2025, 3, 5, 12, tzinfo=dt.UTC)).is_working_hours


def test_the_clock_does_not_guess_without_working_hours_or_a_known_zone() -> None:
    clock = client_clock(_account(time_zone="Mars/Olympus"), dt.datetime(2025, 3, 5, tzinfo=dt.UTC))
    assert clock.is_working_hours is None
    assert clock.now.utcoffset() == dt.timedelta(0)


def test_the_clock_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        client_clock(_account(), dt.datetime(2025, 3, 5))  # noqa: DTZ001
