"""Stored XSS (issue 5): script payloads stored through every user text field render inert.

The tour's client base is built, a file whose header and cells carry payloads is imported
(some rows parked), a duplicate pair, an export, a questionnaire, a metrics run and saved
segments are added; then every CharField and TextField of every clientbase model (found
through the model registry, not listed by hand) and the JSON fields that hold user text are
overwritten with payloads. Every page of the web interface (found through the URL resolver)
is then opened in Chromium for each stored object, with the Content-Security-Policy bypassed,
so that only the escaping stands between a payload and a running script. For each page:
window.__xss stays undefined, no dialog opens, and the DOM holds no element the payloads would
have created (an event-handler attribute, a javascript: link, a script without the nonce, an
iframe, an hx- attribute from data)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account, CustomFieldDefinition, CustomFieldType
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import _plant_duplicates, browser, tour  # noqa: F401
from tests.browser.tour_data import Tour

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = (
    "<script>window.__xss=1</script>",
    '"><img src=x onerror=window.__xss=1>',
    "'><svg onload=window.__xss=1>",
    "</textarea><svg onload=window.__xss=1>",
    '<a href="javascript:window.__xss=1">x</a>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<div hx-get="/" hx-trigger="load" hx-on::load="window.__xss=1">x</div>',
    "{{7*7}}<details open ontoggle=window.__xss=1>",
)
LINK_PAYLOAD = "javascript:window.__xss=1"  # for fields shown as links (website, e-mail)
SHORT_PAYLOAD = "<svg onload=alert(1)>"  # 21 characters, for short fields

# Text fields not overwritten, each with the reason. Everything else is.
NOT_POISONED = {
    "access.User.password": "a hash, never shown",
    "access.User.username": "the viewer signs in with it (other users' names are poisoned)",
    "access.AuditEvent.*": "append-only by database trigger; its view belongs to the audit work",
    "identity.NameKey.*": "a derived search index, never shown",
    "imports.ImportBatch.file_sha256": "a digest the server computes",
    "imports.ImportBatch.target": "a code the server checks against its list",
    "imports.ImportBatch.mode": "a code the server checks against its list",
    "imports.ImportBatch.progress_stage": "a code the server sets",
    "imports.RecordHistory.model": "a model name the server writes",
    "imports.RecordHistory.field": "a field name the server writes",
    "exports.Export.object_type": "a code the server checks against its list",
    "exports.Export.fmt": "a code the server checks against its list",
    "exports.Export.file_path": "a server path, never shown",
    "accounts.CustomFieldDefinition.key": "the key of every account's custom values",
    "questionnaires.Question.code": "a slug, the key of the answers",
    "analytics.MetricRun.trigger": "a code the server sets",
    "login.LoginThrottle.*": "lockout counters keyed by the server, never shown",
    "login.TwoFactor.*": "the second factor's secret",
    "login.RecoveryCode.*": "digests",
    "login.ApiToken.digest": "a digest, never shown",
    "privacy.SubjectKey.*": "the crypto-shredding keys",
    "privacy.DestructionAct.subject_type": "a model label the server writes",
}
TIME_ZONE_FIELDS = {"time_zone", "default_time_zone"}  # chosen from the zone list

# JSON fields that carry user text: every string inside is overwritten (keys too, where the
# keys are user text: the headers of an imported file).
JSON_TEXT = {
    "accounts.Account.aliases": False,
    "accounts.Contact.phones": False,
    "accounts.Contact.emails": False,
    "accounts.Contact.messengers": False,
    "accounts.CustomFieldDefinition.choices": False,
    "imports.ParkedRow.raw": True,
    "imports.ParkedRow.errors": False,
    "imports.RecordHistory.old": False,
    "imports.RecordHistory.new": False,
    "imports.ImportMapping.columns": True,
    "privacy.DestructionAct.categories": False,
}

# Routes that are not pages to open: each with the reason. Every other route of the web
# interface is opened for every stored object it takes.
# Routes that answer GET with 405 (POST only) or with a file are found by asking, not listed.
NOT_PAGES = {
    "logout": "ends the session (POST)",
    "set_language": "POST only",
    "login": "the viewer is signed in; the form shows no stored text",
    "login_verify": "a sign-in step before the session (the second factor)",
    "login_enrol": "a sign-in step before the session (enrolling the second factor)",
    "account_export": "a file download (formula safety is the export sweep's)",
    "import_report": "a CSV download",
    "export_download": "a file download",
    "analytics_csv": "a CSV download",
    "analytics_recompute": "POST only",
    "merge_undo": "POST only",
    "duplicate_dismiss": "POST only",
    "duplicate_merge": "POST only",
    "import_rollback": "POST only",
    "import_parked_resubmit": "POST only",
    "import_parked_discard": "POST only",
    "segment_delete": "POST only",
    "segment_builder": "POST only (an htmx swap)",
    "segment_count": "POST only (an htmx swap)",
}

INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on") || name === "srcdoc")
        found.push(`${el.tagName} ${name}`);
    }
    if (el.tagName === "A" && /^\\s*javascript:/i.test(el.getAttribute("href") || ""))
      found.push(`A href=${el.getAttribute("href")}`);
    if (el.tagName === "SCRIPT" && !el.nonce && el.type !== "application/json")
      found.push(`SCRIPT ${el.outerHTML.slice(0, 80)}`);
    if (el.tagName === "IFRAME" || el.tagName === "DETAILS" && el.hasAttribute("ontoggle"))
      found.push(el.tagName);
  }
  return found;
}"""


SHOWN = """() => document.body.innerText.includes("__xss")
  || [...document.querySelectorAll("input, textarea, option")].some(
       el => (el.value || el.textContent || "").includes("__xss"))"""
MUST_SHOW = {
    "account_list",
    "account_detail",
    "account_new_check",
    "duplicate_queue",
    "duplicate_detail",
    "import_list",
    "import_detail",
    "import_parked",
    "import_mapping",
    "export_list",
    "account_questionnaire",
    "questionnaire_edit",
    "analytics_dashboard",
    "segment_list",
    "segment_edit",
    "segment_movements",
    "contact_detail",
    "user_list",
    "api_tokens",
    "destruction_act_list",
    "destruction_act",
}


def _payload_for(field: models.Field[Any, Any], turn: int) -> str | None:
    limit = getattr(field, "max_length", None) or 10_000
    if field.name in {"website", "email"} and len(LINK_PAYLOAD) <= limit:
        return LINK_PAYLOAD
    for k in range(len(PAYLOADS)):
        candidate = PAYLOADS[(turn + k) % len(PAYLOADS)]
        if len(candidate) <= limit:
            return candidate
    return SHORT_PAYLOAD if len(SHORT_PAYLOAD) <= limit else None


def _poisoned_json(value: Any, payloads: Iterator[str], keys: bool) -> Any:
    if isinstance(value, str):
        return next(payloads)
    if isinstance(value, list):
        return [_poisoned_json(v, payloads, keys) for v in value]
    if isinstance(value, dict):
        return {
            (f"{next(payloads)} {n}" if keys else k): _poisoned_json(v, payloads, keys)
            for n, (k, v) in enumerate(value.items())
        }
    return value


def poison_every_text_field() -> dict[str, int]:
    """Overwrite every user text field of every clientbase model; returns rows per model."""
    poisoned: dict[str, int] = {}
    payloads = itertools.cycle(PAYLOADS)
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("clientbase") or f"{label}.*" in NOT_POISONED:
            continue
        texts = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and f"{label}.{f.name}" not in NOT_POISONED
            and f.name not in TIME_ZONE_FIELDS
            and (getattr(f, "max_length", None) or 100) >= len(SHORT_PAYLOAD)
        ]
        jsons = [f for f in model._meta.concrete_fields if f"{label}.{f.name}" in JSON_TEXT]
        if not texts and not jsons:
            continue
        rows = list(model._default_manager.all())
        for turn, row in enumerate(rows):
            values: dict[str, Any] = {}
            for index, field in enumerate(texts):
                payload = _payload_for(field, turn + index)
                if payload is None:
                    continue
                # Unique per row (names, codes, e-mails may be unique); a comment in a link.
                suffix = f"//{row.pk}" if payload == LINK_PAYLOAD else f" {row.pk}"
                limit = getattr(field, "max_length", None) or 10_000
                if len(payload + suffix) > limit:
                    suffix = ""
                values[field.name] = payload + suffix
            for jfield in jsons:
                keys = JSON_TEXT[f"{label}.{jfield.name}"]
                values[jfield.name] = _poisoned_json(getattr(row, jfield.attname), payloads, keys)
            model._default_manager.filter(pk=row.pk).update(**values)
        if rows:
            poisoned[label] = len(rows)
    for account in Account.objects.all():
        custom = {**account.custom, "notes": PAYLOADS[account.pk % len(PAYLOADS)]}
        Account.objects.filter(pk=account.pk).update(custom=custom)
    return poisoned


def _import_a_poisoned_file(viewer: User) -> None:
    """A file whose header and cells carry payloads, imported keeping the valid rows (the rows
    with a bad e-mail are parked, so the parked-rows page shows their raw cells); and the same
    file uploaded again and left at the column-matching step, which shows its header and cells."""
    from clientbase.imports.models import ImportBatch
    from clientbase.web.tests.imports_support import start

    client = Client()
    client.force_login(viewer)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "legal_name", "city", "email", PAYLOADS[2]])
    writer.writerows(
        [f"X-{n}", payload, payload, "not-an-email" if n % 2 else f"x{n}@example.com", payload]
        for n, payload in enumerate(PAYLOADS)
    )
    for upload in ("started", "left at the mapping step"):
        response = client.post(
            reverse("web:import_new"),
            {
                "file": SimpleUploadedFile(
                    "<svg onload=alert(1)>.csv", out.getvalue().encode(), "text/csv"
                ),
                "source_system": f"{upload} {PAYLOADS[0]}"[:64],
                "target": "accounts",
                "mode": "valid-rows",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
        if upload == "started":
            batch = ImportBatch.objects.order_by("-pk").first()
            assert batch is not None
            start(client, batch)


def _add_the_rest(viewer: User, tmp_path: Path) -> None:
    """What the tour's base lacks: an export, a questionnaire question and answer, a metrics
    run, saved segments with memberships, a text custom field."""
    from clientbase.access.models import CompanySettings, Department, DepartmentKind, Team
    from clientbase.accounts.models import Consent, ConsentPurpose, Contact
    from clientbase.analytics.segment_services import create_segment, snapshot_memberships
    from clientbase.analytics.tests.segment_fixtures import finished_run
    from clientbase.exports.models import Export
    from clientbase.imports.models import ImportBatch, ImportMapping, RecordHistory
    from clientbase.login.models import ApiToken
    from clientbase.privacy.models import ConsentText, DestructionAct, LegalBasis
    from clientbase.questionnaires.models import Dimension, Question, QuestionKind, Questionnaire

    CustomFieldDefinition.objects.create(key="notes", label="Notes", type=CustomFieldType.TEXT)
    CompanySettings.objects.get_or_create(pk=1)
    department = Department.objects.create(name="Sales", kind=DepartmentKind.values[0])
    User.objects.filter(pk=viewer.pk).update(
        team=Team.objects.create(name="A", department=department)
    )
    contact = Contact.objects.order_by("pk").first()
    assert contact is not None
    Consent.objects.create(
        contact=contact,
        purpose=ConsentPurpose.values[0],
        granted=True,
        at=timezone.now(),
        channel="web",
        text_version="v1",
    )
    batch = ImportBatch.objects.order_by("pk").first()
    assert batch is not None
    RecordHistory.objects.create(
        batch=batch,
        model="accounts.Account",
        object_id=contact.account_id or 0,
        field="city",
        old="Kazan",
        new="Perm",
    )
    ImportMapping.objects.create(
        source_system="1c", name="Mine", target="accounts", columns={"City": "city"}
    )
    ConsentText.objects.create(
        purpose=ConsentPurpose.values[0], version="v1", language="en", text="We may write."
    )
    ApiToken.objects.create(user=viewer, name="Reports", prefix="cb_abcd", digest="0" * 64)
    DestructionAct.objects.create(
        number="A-1",
        at=timezone.now(),
        subject_id=10**9,
        account_name="Gone Ltd",
        legal_basis=LegalBasis.values[0],
        reason="Asked to be forgotten",
        categories=["full_name"],
    )
    Export.objects.create(created_by=viewer, fmt="csv", status="failed", message="failed")
    from clientbase.exports.models import ExportRequest
    from clientbase.notifications.models import Notification

    ExportRequest.objects.create(
        requested_by=viewer, filter={"q": "x"}, fmt="csv", estimated_rows=900, reason="Fair"
    )
    Notification.objects.create(recipient=viewer, kind="alert", title="Alert", body="Unusual")
    from clientbase.access.services import save_role

    save_role(
        actor=None,
        key="regional",
        name="Regional manager",
        grants={"account": {"view": "department"}},
        fields=[],
    )
    questionnaire = Questionnaire.objects.filter(is_active=True).first()
    if questionnaire is None:
        questionnaire = Questionnaire.objects.create(name="Needs")
    Question.objects.create(
        questionnaire=questionnaire,
        code="xss",
        dimension=Dimension.choices[0][0],
        kind=QuestionKind.choices[0][0],
        label="Question",
    )
    accounts = list(Account.objects.order_by("pk"))
    run = finished_run(
        dt.date(2026, 11, 30),
        {
            a: {
                "revenue_ltm": 100.0 * (n + 1),
                "churn_risk": 0.9,
                "churn_flag": True,
                "recency_days": 40,
                "quadrant": "I",
                "loyalty": 0.2,
                "profitability": 0.3,
                "rfm_segment": "at_risk",
            }
            for n, a in enumerate(accounts)
        },
    )
    create_segment(
        actor=viewer,
        name="segment",
        spec={"field": "city", "op": "eq", "value": PAYLOADS[1]},
        shared=True,
    )
    create_segment(
        actor=viewer, name="big", spec={"field": "revenue_ltm", "op": "ge", "value": 100}
    )
    snapshot_memberships(run)


def _pages(viewer: User) -> tuple[list[tuple[str, str]], set[str]]:
    """(route name, URL) of every page to open, and the names of every route found."""
    from clientbase.access.models import RoleDefinition
    from clientbase.accounts.models import Contact
    from clientbase.analytics.models import Segment
    from clientbase.exports.models import Export, ExportRequest
    from clientbase.identity.models import DuplicateCandidate
    from clientbase.imports.models import ImportBatch
    from clientbase.login.models import ApiToken
    from clientbase.notifications.models import Notification
    from clientbase.privacy.models import DestructionAct

    ids: dict[str, list[Any]] = {
        "account_id": list(Account.objects.values_list("pk", flat=True)),
        "contact_id": list(Contact.objects.values_list("pk", flat=True)),
        "act_id": list(DestructionAct.objects.values_list("pk", flat=True)),
        "token_id": list(ApiToken.objects.values_list("pk", flat=True)),
        "user_id": list(User.objects.values_list("pk", flat=True)),
        "candidate_id": list(DuplicateCandidate.objects.values_list("pk", flat=True)),
        "batch_id": list(ImportBatch.objects.values_list("pk", flat=True)),
        "export_id": list(Export.objects.values_list("pk", flat=True)),
        "segment_id": list(Segment.objects.values_list("pk", flat=True)),
        "key": list(RoleDefinition.objects.values_list("key", flat=True)),
        "request_id": list(ExportRequest.objects.values_list("pk", flat=True)),
        "notification_id": list(Notification.objects.values_list("pk", flat=True)),
    }
    _prefix, web_resolver = get_resolver().namespace_dict["web"]
    web = web_resolver.url_patterns
    routes = {p.name: p for p in web if isinstance(p, URLPattern) and p.name}
    pages: list[tuple[str, str]] = []
    for name, route in routes.items():
        if name in NOT_PAGES:
            continue
        wanted = list(route.pattern.converters)
        if not wanted:
            pages.append((name, reverse(f"web:{name}")))
            continue
        if set(wanted) == {"kind", "key"}:  # playbooks: a built-in class and saved segments
            keys = [("tier", "1a"), *(("segment", str(pk)) for pk in ids.get("segment_id", []))]
            pages += [
                (name, reverse(f"web:{name}", kwargs={"kind": kind, "key": key}))
                for kind, key in keys
            ]
            continue
        assert len(wanted) == 1, f"{name} takes {wanted}"
        assert wanted[0] in ids, f"no ids for {name}: {wanted}"
        assert ids[wanted[0]], f"nothing stored to open {name} with"
        pages += [(name, reverse(f"web:{name}", kwargs={wanted[0]: pk})) for pk in ids[wanted[0]]]
    reflected = [
        ("account_list", f"{reverse('web:account_list')}?{urlencode({'q': PAYLOADS[1]})}"),
        ("account_list", f"{reverse('web:account_list')}?segment={ids['segment_id'][0]}"),
        ("segment_movements", f"{reverse('web:segment_movements')}?segment={ids['segment_id'][0]}"),
        # The new-account form's duplicate warning lists stored accounts as a name is typed.
        *(
            ("account_new_check", f"{reverse('web:account_new_check')}?{urlencode(typed)}")
            for typed in ({"legal_name": "Northwind Traders"}, {"phone": "+442071234567"})
        ),
    ]
    return pages + reflected, set(routes)


def _answered_as_pages(
    viewer: User, pages: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(the pages that answer GET with HTML, the routes excused with the reason): a route
    answering 405 (POST only) or a file is left to the sweeps of its own kind."""
    client = Client()
    client.force_login(viewer)
    kept: list[tuple[str, str]] = []
    excused: dict[str, str] = {}
    for name, url in pages:
        response = client.get(url)
        if response.status_code == 405:
            excused[name] = "POST only"
        elif response.get("Content-Disposition", "").startswith("attachment") or not response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            excused[name] = f"a file ({response.get('Content-Type')})"
        else:
            kept.append((name, url))
    return kept, excused


@pytest.fixture
def poisoned(tour: Tour, settings: Any, tmp_path: Path) -> tuple[Tour, dict[str, int]]:  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    viewer = tour.viewers["en"]
    _plant_duplicates(tour)
    _import_a_poisoned_file(viewer)
    _add_the_rest(viewer, tmp_path)
    return tour, poison_every_text_field()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_stored_payloads_in_every_text_field_render_inert_on_every_page(
    live_server: Any,
    browser: Any,  # noqa: F811 - the tour's fixture
    poisoned: tuple[Tour, dict[str, int]],
    language: str,
) -> None:
    """In English and in Persian (other code paths: Persian labels, digits, right to left)."""
    tour, rows = poisoned  # noqa: F811
    viewer = tour.viewers[language]
    for model in (
        "accounts.Account",
        "accounts.Contact",
        "sales.Deal",
        "activities.Activity",
        "analytics.Segment",
        "questionnaires.Question",
        "imports.ParkedRow",
        "imports.ImportBatch",
        "exports.Export",
        "access.User",
        "accounts.CustomFieldDefinition",
        "accounts.Consent",
        "access.Team",
        "access.Department",
        "access.CompanySettings",
        "imports.RecordHistory",
        "imports.ImportMapping",
        "privacy.ConsentText",
        "privacy.DestructionAct",
        "login.ApiToken",
        "exports.ExportRequest",
        "notifications.Notification",
        "access.RoleDefinition",
    ):
        assert rows.get(model), f"no {model} row was poisoned: the sweep would miss its pages"
    pages, routes = _pages(viewer)
    pages, excused = _answered_as_pages(viewer, pages)
    opened = {name for name, _url in pages}
    assert routes - opened - set(NOT_PAGES) - set(excused) == set(), "neither opened nor excused"

    context, page, problems = watched_page(browser, language, bypass_csp=True)
    dialogs: list[str] = []

    def dismissed(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    failures: list[str] = []
    showing: set[str] = set()  # routes whose page shows a payload as text
    try:
        page.goto(f"{live_server.url}/login/")
        sign_in(page, viewer.username)
        page.wait_for_url("**/accounts/")
        for name, url in pages:
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None
            if response.status >= 500:
                failures.append(f"{url}: HTTP {response.status}")
                continue
            page.wait_for_load_state("networkidle")  # onload, onerror, htmx load triggers
            if page.evaluate(SHOWN):
                showing.add(name)
            ran = page.evaluate("() => window.__xss")
            injected = page.evaluate(INJECTED)
            if ran is not None or injected or dialogs:
                failures.append(f"{name} {url}: ran={ran} injected={injected} dialogs={dialogs}")
                dialogs.clear()
        assert failures == [], "\n".join(failures)
        # The payloads did reach the pages (as text): the sweep is not vacuous.
        assert MUST_SHOW - showing == set(), sorted(showing)
        assert [p for p in problems if "__xss" in p] == []
        assert len(pages) > 40, len(pages)
    finally:
        context.close()
