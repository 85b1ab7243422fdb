"""The duplicates review queue, a pair's side-by-side page, dismissing and merging a pair."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, MERGE
from clientbase.accounts.models import Account, Contact, LifecycleStatus
from clientbase.activities.models import Activity
from clientbase.identity.models import CandidateStatus, DuplicateCandidate
from clientbase.identity.selectors import get_candidate, open_candidates
from clientbase.identity.services import dismiss_candidate
from clientbase.sales.models import Deal, Order
from clientbase.web.auth import allow, is_htmx_swap
from clientbase.web.templatetags.cb_dedupe import may_review_duplicates
from clientbase.web.templatetags.cb_ui import choice_label, tax_kind
from clientbase.web.views import acting_user

PAGE_SIZE = 100
THRESHOLDS = (50, 80, 90, 95, 99)
DEFAULT_THRESHOLD = 80

AGREEMENT_LABELS = {
    "name": _("Name"),
    "city": _("City"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "domain": _("Web/e-mail domain"),
    "tax_id": _("Tax id"),
}
LEVEL_LABELS = {
    "exact": _("same"),
    "skeleton": _("same in another script"),
    "fuzzy_high": _("very similar"),
    "fuzzy": _("similar"),
    "differs": _("differs"),
}
# The fields put side by side, in the order shown, with the label each row gets.
COMPARED = (
    ("legal_name", _("Legal name")),
    ("display_name", _("Display name")),
    ("tax_ids", _("Tax ids")),
    ("status", _("Status")),
    ("phone", _("Phone")),
    ("email", _("E-mail")),
    ("website", _("Website")),
    ("industry", _("Industry")),
    ("country", _("Country")),
    ("region", _("Region")),
    ("city", _("City")),
    ("address", _("Address")),
    ("owner", _("Owner")),
)
# Fields the merge takes from one side as a whole; tax ids are combined, never chosen.
CHOOSABLE = frozenset(name for name, _label in COMPARED) - {"tax_ids"}


def _reviewer(request: HttpRequest) -> User:
    """The same rule identity's dedupe uses: only a base-wide role reviews the whole base."""
    actor = acting_user(request)
    if not may_review_duplicates(actor):
        raise PermissionDenied(_("Reviewing duplicates needs a base-wide role."))
    return actor


class QueueForm(forms.Form):
    min = forms.TypedChoiceField(
        label=_("Minimum probability"),
        choices=[(t, f"{t}%") for t in THRESHOLDS],
        coerce=int,
        required=False,
    )

    after = forms.RegexField(regex=r"^[0-9.eE-]{1,30}:[0-9]{1,18}$", required=False)

    def threshold(self) -> int:
        self.is_valid()
        return int(self.cleaned_data.get("min") or DEFAULT_THRESHOLD)

    def cursor(self) -> tuple[float, int] | None:
        """The last pair of the previous page (probability, id), or None for the first page."""
        self.is_valid()
        raw = str(self.cleaned_data.get("after") or "")
        if not raw:
            return None
        probability, _sep, pk = raw.partition(":")
        try:
            return float(probability), int(pk)
        except ValueError:
            return None


def _agreements(candidate: DuplicateCandidate) -> list[dict[str, Any]]:
    found = candidate.agreements or {}
    return [
        {
            "field": AGREEMENT_LABELS[name],
            "level": LEVEL_LABELS.get(str(found[name]), str(found[name])),
            "agrees": found[name] != "differs",
        }
        for name in AGREEMENT_LABELS
        if name in found
    ]


@dataclass(frozen=True)
class PairRow:
    candidate: DuplicateCandidate
    percent: int
    agreements: list[dict[str, Any]]


@allow(MERGE, ACCOUNT)
@require_GET
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    actor = _reviewer(request)
    form = QueueForm(request.GET)
    threshold = form.threshold()
    pairs = open_candidates(actor=actor, min_probability=threshold / 100)
    cursor = form.cursor()
    if cursor is not None:  # keyset paging along the queue's own order (-probability, id)
        probability, pk = cursor
        pairs = pairs.filter(Q(probability__lt=probability) | Q(probability=probability, pk__gt=pk))
    page = list(pairs[: PAGE_SIZE + 1])
    rows = [
        PairRow(candidate=c, percent=int(c.probability * 100), agreements=_agreements(c))
        for c in page[:PAGE_SIZE]
    ]
    context = {
        "form": form,
        "threshold": threshold,
        "thresholds": THRESHOLDS,
        "rows": rows,
        "next_cursor": (
            f"{rows[-1].candidate.probability!r}:{rows[-1].candidate.pk}"
            if len(page) > PAGE_SIZE
            else ""
        ),
        "is_first": cursor is None,
    }
    return render(request, "web/duplicates.html", context)


def _candidate(actor: User, candidate_id: int) -> DuplicateCandidate:
    return get_candidate(actor=actor, candidate_id=candidate_id)


def _value(account: Account, name: str) -> str:
    if name == "tax_ids":
        return ", ".join(f"{tax_kind(t.kind)} {t.value}" for t in account.tax_ids.all())
    if name == "status":
        return choice_label(LifecycleStatus, account.status)
    if name == "owner":
        owner = account.owner
        return (owner.get_full_name() or owner.get_username()) if owner else ""
    return str(getattr(account, name) or "")


def _comparison(candidate: DuplicateCandidate) -> list[dict[str, Any]]:
    rows = []
    for name, label in COMPARED:
        left, right = _value(candidate.left, name), _value(candidate.right, name)
        rows.append(
            {
                "name": name,
                "label": label,
                "left": left,
                "right": right,
                "differs": left != right,
                "ltr": name in ("phone", "email", "website"),
                "choosable": name in CHOOSABLE and left != right and bool(left and right),
            }
        )
    return rows


def _related_counts(candidate: DuplicateCandidate) -> list[dict[str, Any]]:
    """How many contacts, orders, deals and activities each side has: a merge keeps them all."""
    ids = [candidate.left_id, candidate.right_id]
    rows = []
    for model, label in (
        (Contact, _("Contacts")),
        (Order, _("Orders")),
        (Deal, _("Deals")),
        (Activity, _("Activities")),
    ):
        counts = dict(
            model._default_manager.filter(account_id__in=ids)
            .values("account_id")
            .annotate(n=Count("pk"))
            .values_list("account_id", "n")
        )
        rows.append(
            {
                "label": label,
                "left": counts.get(candidate.left_id, 0),
                "right": counts.get(candidate.right_id, 0),
            }
        )
    return rows


def _merge_service() -> Any:
    """The merge service if it is installed, else None: the page then says merging is not
    available rather than pretending. Looked up per request, by name, on purpose."""
    for module_name in ("clientbase.accounts.merging", "clientbase.accounts.services"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        service = getattr(module, "merge_accounts", None)
        if callable(service):
            return service
    return None


@allow(MERGE, ACCOUNT)
@require_GET
def duplicate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    actor = _reviewer(request)
    candidate = _candidate(actor, candidate_id)
    return _render_detail(request, candidate, errors=[], status=200)


def _render_detail(
    request: HttpRequest, candidate: DuplicateCandidate, *, errors: list[str], status: int
) -> HttpResponse:
    context = {
        "candidate": candidate,
        "percent": int(candidate.probability * 100),
        "agreements": _agreements(candidate),
        "related": _related_counts(candidate),
        "rows": [
            {**row, "chosen": request.POST.get(f"keep_{row['name']}", "")}
            for row in _comparison(candidate)
        ],
        "is_open": candidate.status == CandidateStatus.OPEN,
        "can_merge": _merge_service() is not None,
        "errors": errors,
        "survivor": request.POST.get("survivor", "left"),
    }
    return render(request, "web/duplicate_detail.html", context, status=status)


@allow(MERGE, ACCOUNT)
@require_POST
def duplicate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    actor = _reviewer(request)
    candidate = _candidate(actor, candidate_id)
    error = ""
    try:
        dismiss_candidate(actor=actor, candidate=candidate)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if is_htmx_swap(request):
        return render(
            request, "web/duplicates.html#dismissed", {"candidate": candidate, "error": error}
        )
    return redirect("web:duplicate_queue")


@allow(MERGE, ACCOUNT)
@require_POST
def duplicate_merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    actor = _reviewer(request)
    candidate = _candidate(actor, candidate_id)
    merge_accounts = _merge_service()
    if merge_accounts is None:
        return _render_detail(
            request, candidate, errors=[str(_("Merging is not available yet."))], status=409
        )
    left_survives = request.POST.get("survivor", "left") != "right"
    survivor, merged = (
        (candidate.left, candidate.right) if left_survives else (candidate.right, candidate.left)
    )
    # "keep_<field>" is left/right; the merge service wants survivor/merged per field.
    field_choices: dict[str, str] = {}
    for name in CHOOSABLE:
        side = request.POST.get(f"keep_{name}")
        if side in ("left", "right"):
            field_choices[name] = "survivor" if (side == "left") == left_survives else "merged"
    try:
        merge_accounts(
            actor=actor,
            survivor=survivor,
            merged=merged,
            field_choices=field_choices,
            candidate=candidate,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return _render_detail(request, candidate, errors=messages, status=400)
    return redirect("web:account_detail", survivor.pk)


@allow(MERGE, ACCOUNT)
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge from the survivor's page; the merged-away account comes back as it was."""
    from clientbase.accounts.selectors import get_undoable_merge
    from clientbase.accounts.services import undo_merge
    from clientbase.web.views import account_context

    actor = _reviewer(request)
    merge = get_undoable_merge(actor=actor, merge_id=merge_id)
    try:
        undo_merge(actor=actor, merge=merge)
    except (ValidationError, PermissionDenied) as exc:
        errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        context = account_context(actor, merge.survivor, undo_errors=errors)
        return render(request, "web/account_detail.html", context, status=400)
    return redirect("web:account_detail", merge.merged_id)
