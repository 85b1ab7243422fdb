"""Erasing a person: anonymised everywhere, keys shredded, aggregates kept, an act written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account, Contact
from clientbase.activities.models import Activity
from clientbase.activities.services import complete_activity, plan_activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.imports.models import ImportBatch, ParkedRow, RecordHistory
from clientbase.privacy import erasure
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import ConsentText, DestructionAct, SubjectKey
from clientbase.privacy.sealing import ERASED, reveal
from clientbase.privacy.services import record_consent
from clientbase.privacy.tests.conftest import EMAIL, NAME, PHONE, SECOND_EMAIL, TELEGRAM
from clientbase.privacy.tests.traces import places_holding
from clientbase.sales.models import Deal, Order, Pipeline, PipelineKind, Stage
from clientbase.sales.services import LineInput, open_deal, record_order


@pytest.fixture
def pipeline(db: None) -> Pipeline:
    pipeline = Pipeline.objects.create(name="Sales", kind=PipelineKind.NEW_BUSINESS)
    Stage.objects.create(pipeline=pipeline, name="First call", position=1, probability=10)
    return pipeline


@pytest.fixture
def footprint(
    person: Contact,
    account: Account,
    owner: User,
    pipeline: Pipeline,
    texts: dict[str, ConsentText],
) -> dict[str, object]:
    """The person as the app comes to know them: a call, a deal, an order, consent, an import
    that changed their e-mail, a parked import row."""
    call = plan_activity(
        actor=owner,
        kind="call",
        subject=f"Call {NAME} about the invoice",
        account=account,
        contact=person,
    )
    complete_activity(actor=owner, activity=call, outcome=f"{NAME} asked to write to {EMAIL}")
    deal = open_deal(
        actor=owner,
        account=account,
        pipeline=pipeline,
        title=f"Supply for {NAME}",
        contact=person,
    )
    category = ProductCategory.objects.create(name="Pumps")
    product = Product.objects.create(sku="P-1", name="Pump", category=category)
    order = record_order(
        actor=owner,
        account=account,
        date=dt.date(2026, 3, 1),
        lines=[
            LineInput(
                product=product,
                quantity=Decimal(2),
                net_revenue=Decimal("100.00"),
                cost=Decimal("60.00"),
            )
        ],
    )
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )
    batch = ImportBatch.objects.create(source_system="amocrm", target="contacts")
    RecordHistory.objects.create(
        batch=batch,
        model="accounts.contact",
        object_id=person.pk,
        field="email",
        old="old.address@example.ru",
        new=EMAIL,
    )
    ParkedRow.objects.create(
        batch=batch,
        row_number=7,
        raw={"ФИО": NAME, "Телефон": "8 916 123-45-67 / " + PHONE},
        errors=["phone: ambiguous"],
    )
    return {"call": call, "deal": deal, "order": order}


def test_after_erasure_the_persons_strings_appear_nowhere_in_the_database(
    person: Contact, footprint: dict[str, object], director: User
) -> None:
    needles = (NAME, EMAIL, PHONE, SECOND_EMAIL, TELEGRAM)
    assert places_holding(*needles)  # the sweep finds them before (it can fail)

    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    assert places_holding(*needles) == []


def test_it_keeps_orders_deals_and_activities_but_not_what_named_the_person(
    person: Contact, footprint: dict[str, object], director: User
) -> None:
    order = footprint["order"]
    assert isinstance(order, Order)

    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    person.refresh_from_db()
    assert person.full_name == ERASED
    assert (person.email, person.phone, person.emails, person.messengers) == ("", "", [], {})
    assert Order.objects.get(pk=order.pk).net_revenue_base == order.net_revenue_base
    deal = Deal.objects.get(contact=person)
    assert deal.title == f"Supply for {ERASED}"
    call = Activity.objects.get(contact=person)
    assert call.subject == f"Call {ERASED} about the invoice"
    assert call.outcome == f"{ERASED} asked to write to {ERASED}"
    assert RecordHistory.objects.get(object_id=person.pk).new == ERASED


def test_audit_rows_stay_but_their_personal_values_read_as_erased(
    person: Contact, footprint: dict[str, object], director: User
) -> None:
    created = AuditEvent.objects.get(action="contact.create", object_id=str(person.pk))
    stored_before = created.changes
    assert reveal(stored_before)["full_name"] == NAME

    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    created.refresh_from_db()
    assert created.changes == stored_before  # not one audit row rewritten
    assert reveal(created.changes)["full_name"] == ERASED
    assert not SubjectKey.objects.filter(contact=person).exists()


def test_it_writes_one_act_and_one_audit_row_naming_no_one(
    person: Contact, footprint: dict[str, object], director: User
) -> None:
    act = erase_contact(
        actor=director,
        contact=person,
        legal_basis="consent_withdrawn",
        reason=f"Letter from {NAME} of 2 March",
    )

    assert act.number == f"PD-{timezone.now():%Y}-{act.pk:06d}"
    assert act.actor == director
    assert act.subject_id == person.pk
    assert act.account_name == "ООО «Ромашка»"
    assert act.reason == f"Letter from {ERASED} of 2 March"
    assert set(act.categories) >= {"full_name", "email", "phone", "emails", "messengers"}
    assert act.counts["key_destroyed"] == 1
    assert act.counts["activities.activity"] == 1
    assert act.counts["sales.deal"] == 1
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.changes["act"] == act.number
    assert NAME not in str(event.changes)


def test_it_cannot_erase_twice(person: Contact, director: User) -> None:
    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    with pytest.raises(ValidationError):
        erase_contact(actor=director, contact=person, legal_basis="subject_request")
    assert DestructionAct.objects.count() == 1


def test_it_rejects_erasure_without_the_right(person: Contact, owner: User, lead: User) -> None:
    for actor in (owner, lead):
        with pytest.raises(PermissionDenied):
            erase_contact(actor=actor, contact=person, legal_basis="subject_request")

    person.refresh_from_db()
    assert person.full_name == NAME
    assert not DestructionAct.objects.exists()


def test_it_rejects_an_unknown_legal_basis(person: Contact, director: User) -> None:
    with pytest.raises(ValidationError) as error:
        erase_contact(actor=director, contact=person, legal_basis="because")

    assert "legal_basis" in error.value.message_dict


def test_an_administrator_erases_too_and_an_outsiders_id_is_unknown_to_a_rep(
    person: Contact, admin: User, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        erase_contact(actor=outsider, contact=person, legal_basis="subject_request")

    assert erase_contact(actor=admin, contact=person, legal_basis="subject_request").pk


def test_a_director_gets_a_404_for_a_contact_that_does_not_exist(director: User) -> None:
    with pytest.raises(Http404):
        erase_contact(actor=director, contact=Contact(pk=987654), legal_basis="subject_request")


@FAILURES
def test_nothing_is_erased_when_the_audit_fails(
    person: Contact,
    director: User,
    break_audit: BreakAudit,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
) -> None:
    break_audit(failure)

    def broken(**_: object) -> AuditEvent:
        raise failure

    monkeypatch.setattr(erasure, "record_audit", broken)

    with pytest.raises(type(failure)):
        erase_contact(actor=director, contact=person, legal_basis="subject_request")

    person.refresh_from_db()
    assert person.full_name == NAME
    assert SubjectKey.objects.filter(contact=person).exists()
    assert not DestructionAct.objects.exists()


def test_re_importing_the_source_row_does_not_bring_the_person_back(
    person: Contact, account: Account, director: User
) -> None:
    from clientbase.accounts.services import import_contacts

    Contact.objects.filter(pk=person.pk).update(source_system="amocrm", external_id="c-17")
    erase_contact(actor=director, contact=person, legal_basis="subject_request")
    batch = ImportBatch.objects.create(source_system="amocrm", target="contacts")

    outcome = import_contacts(
        actor=None,
        source_system="amocrm",
        batch_id=batch.pk,
        records=[
            {"external_id": "c-17", "full_name": NAME, "email": EMAIL, "account_id": account.pk}
        ],
    )

    person.refresh_from_db()
    assert person.full_name == ERASED
    assert outcome.unchanged == 1
    assert not Contact.objects.filter(full_name=NAME).exists()
