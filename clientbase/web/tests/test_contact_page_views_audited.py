"""Opening a contact's page leaves one audit row; the audit trail shows its sealed values
opened for the auditor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, Role, User
from clientbase.access.services import create_user
from clientbase.accounts.services import create_account, create_contact

pytestmark = pytest.mark.django_db


def test_opening_a_contact_page_writes_one_view_row(client: Client, owner: User) -> None:
    account = create_account(actor=owner, legal_name="ООО Ромашка", owner=owner)
    contact = create_contact(actor=owner, full_name="Иван Петров", account=account)
    client.force_login(owner)
    before = AuditEvent.objects.filter(action="contact.view").count()
    response = client.get(reverse("web:contact_detail", args=[contact.pk]))
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(action="contact.view", object_id=str(contact.pk))
    assert rows.count() == before + 1
    assert rows.get().actor == owner


def test_the_audit_trail_shows_a_sealed_name_opened(client: Client, owner: User) -> None:
    account = create_account(actor=owner, legal_name="ООО Ромашка", owner=owner)
    create_contact(actor=owner, full_name="Иван Петров", account=account)
    assert "Иван Петров" not in str(
        AuditEvent.objects.filter(action="contact.create").get().changes
    )
    auditor = create_user(actor=None, username="auditor", password=None, role=Role.AUDITOR)
    client.force_login(auditor)
    response = client.get(reverse("web:audit_log"), {"action": "contact.create"})
    assert response.status_code == 200
    assert "Иван Петров" in response.content.decode()
