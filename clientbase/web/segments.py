"""Segment pages: the builder (conditions in and / or / not groups, a live count as they
change), saved segments with live counts, and movements between segments this quarter.

The builder is a plain form: adding or removing a row re-renders it through htmx, so the page
needs no script of its own. What it saves is a spec of clientbase.analytics.filters, the one
filter language the account list, its exports and the API read too.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.roles import CREATE, DELETE, EDIT, SEGMENT, VIEW
from clientbase.access.selectors import EXPORT, can
from clientbase.accounts.models import LifecycleStatus, SizeBand
from clientbase.accounts.selectors import AccountListQuery
from clientbase.analytics.filters import (
    KIND_OPS,
    OP_LABELS,
    OPS,
    Field,
    Group,
    Leaf,
    Not,
    Registry,
    Spec,
    SpecError,
    parse_spec,
    registry_for,
    segment_accounts,
)
from clientbase.analytics.models import Segment
from clientbase.analytics.playbooks import QUADRANT_LABELS, RFM_LABELS
from clientbase.analytics.segment_selectors import (
    get_segment,
    movement_counts,
    quarter_runs,
    segment_counts,
    segment_movements,
)
from clientbase.analytics.segment_services import create_segment, delete_segment, update_segment
from clientbase.exports.cells import csv_rows
from clientbase.web import analytics_charts as charts
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

MAX_GROUPS = 10
MAX_ROWS = 12


@dataclass
class Row:
    field: str = "status"
    op: str = "eq"
    value: str = ""


@dataclass
class GroupForm:
    match: str = "all"
    negate: bool = False
    rows: list[Row] = field(default_factory=lambda: [Row()])


@dataclass
class Builder:
    """The builder's form: groups of conditions, combined by `match`."""

    match: str = "all"
    groups: list[GroupForm] = field(default_factory=lambda: [GroupForm()])

    @classmethod
    def from_post(cls, data: QueryDict) -> Builder:
        groups = []
        for g in range(int(data.get("groups", "1") or 1) if _digits(data.get("groups")) else 1):
            if g >= MAX_GROUPS:
                break
            count = data.get(f"g{g}-rows", "0")
            rows = [
                Row(
                    data.get(f"g{g}-r{r}-field", ""),
                    data.get(f"g{g}-r{r}-op", "eq"),
                    # A list of choices comes as several values of one name.
                    ", ".join(v.strip() for v in data.getlist(f"g{g}-r{r}-value") if v.strip()),
                )
                for r in range(min(int(count) if _digits(count) else 0, MAX_ROWS))
            ]
            groups.append(
                GroupForm(_match(data.get(f"g{g}-match")), data.get(f"g{g}-negate") == "on", rows)
            )
        return cls(_match(data.get("match")), groups)

    @classmethod
    def from_spec(cls, spec: Spec) -> Builder | None:
        """The builder showing `spec`, or None when it is deeper than the builder draws."""
        items = spec.items if isinstance(spec, Group) else (spec,)
        match = spec.match if isinstance(spec, Group) else "all"
        groups = []
        for item in items:
            negate = isinstance(item, Not)
            inner = item.item if isinstance(item, Not) else item
            if isinstance(inner, Leaf):
                inner = Group("all", (inner,))
            if not isinstance(inner, Group) or not all(isinstance(i, Leaf) for i in inner.items):
                return None
            rows = [Row(i.field, i.op, _text(i.value)) for i in inner.items if isinstance(i, Leaf)]
            groups.append(GroupForm(inner.match, negate, rows))
        return cls(match, groups or [GroupForm()])

    def spec_data(self) -> dict[str, Any]:
        groups: list[dict[str, Any]] = []
        for group in self.groups:
            # a row still without a value is not a condition yet (nor saved)
            leaves = [
                _leaf_data(row)
                for row in group.rows
                if row.field and (row.value or row.op == "isnull")
            ]
            if not leaves:
                continue
            data: dict[str, Any] = {group.match: leaves}
            groups.append({"not": data} if group.negate else data)
        return {self.match: groups}

    def act(self, action: str) -> None:
        """Add or remove a row or a group, as the pressed button says."""
        kind, _sep, where = action.partition(":")
        parts = [int(p) for p in where.split("-") if p.isdigit()]
        if kind == "add-group" and len(self.groups) < MAX_GROUPS:
            self.groups.append(GroupForm())
        elif kind == "add-row" and parts and parts[0] < len(self.groups):
            rows = self.groups[parts[0]].rows
            if len(rows) < MAX_ROWS:
                rows.append(Row())
        elif kind == "remove-row" and len(parts) == 2 and parts[0] < len(self.groups):
            rows = self.groups[parts[0]].rows
            if parts[1] < len(rows):
                rows.pop(parts[1])
            if not rows:
                self.groups.pop(parts[0])
        if not self.groups:
            self.groups.append(GroupForm())


def _digits(value: str | None) -> bool:
    return bool(value) and str(value).isdigit()


def _match(value: str | None) -> str:
    return "any" if value == "any" else "all"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parts(value: str) -> list[str]:
    """A typed list: commas separate, the Persian comma too."""
    return [part.strip() for part in re.split("[,،]", value) if part.strip()]


def _leaf_data(row: Row) -> dict[str, Any]:
    value: Any = row.value
    if row.op in ("in", "between"):
        value = _parts(row.value)
    elif row.op == "isnull":
        value = row.value.lower() not in ("false", "no", "0")
    return {"field": row.field, "op": row.op, "value": value}


_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(LifecycleStatus.choices),
    "size_band": dict(SizeBand.choices),
    "quadrant": QUADRANT_LABELS,
    "rfm_segment": RFM_LABELS,
}


@dataclass(frozen=True)
class RowView:
    """One condition as drawn: the operators its field takes, and its values to pick from
    (a list instead of a text box where the field has a fixed set of them)."""

    field: str
    op: str
    value: str
    ops: list[tuple[str, Any]]
    options: list[tuple[str, str]]
    multiple: bool
    picked: frozenset[str]

    @property
    def size(self) -> int:
        return min(len(self.options), 6)


def _options(f: Field | None, op: str) -> list[tuple[str, str]]:
    if op == "isnull" or (f is not None and f.kind == "boolean" and op in ("eq", "ne")):
        return [("true", _("yes")), ("false", _("no"))]
    if f is None or f.kind != "choice" or op not in ("eq", "ne", "in"):
        return []
    labels = _CHOICE_LABELS.get(f.name, {})
    return [(c, str(labels.get(c, c))) for c in f.choices]


def _draw(builder: Builder, registry: Registry) -> list[dict[str, Any]]:
    """The builder's groups with each row ready to draw for this actor's fields."""
    groups = []
    for group in builder.groups:
        rows = []
        for row in group.rows:
            f = registry.fields.get(row.field)
            ops = KIND_OPS[f.kind] if f is not None else OPS
            op = row.op if row.op in ops else ops[0]
            options = _options(f, op)
            picked = frozenset(_parts(row.value))
            rows.append(
                RowView(
                    row.field,
                    op,
                    row.value,
                    [(o, OP_LABELS[o]) for o in ops],
                    options,
                    op == "in" and bool(options),
                    picked,
                )
            )
        groups.append({"match": group.match, "negate": group.negate, "rows": rows})
    return groups


def _field_groups(registry: Registry) -> list[tuple[str, list[Any]]]:
    offered = registry.offered()
    return [
        (label, [f for f in offered if f.source == source])
        for source, label in (
            ("account", pgettext("segments", "Account")),
            ("custom", pgettext("segments", "Custom fields")),
            ("metric", pgettext("segments", "Metrics")),
        )
        if any(f.source == source for f in offered)
    ]


def _preview(actor: Any, builder: Builder, registry: Registry) -> dict[str, Any]:
    """The live count of the actor's accounts the builder's conditions match, or the error."""
    try:
        spec = parse_spec(builder.spec_data(), registry)
    except SpecError as error:
        return {"count": None, "error": str(error)}
    return {"count": segment_accounts(actor=actor, spec=spec, registry=registry).count()}


def _builder_context(
    request: HttpRequest, builder: Builder, segment: Segment | None, **extra: Any
) -> dict[str, Any]:
    actor = acting_user(request)
    registry = registry_for(actor)
    return {
        "builder": builder,
        "groups": _draw(builder, registry),
        "segment": segment,
        "field_groups": _field_groups(registry),
        "has_run": registry.run_id is not None,
        **_preview(actor, builder, registry),
        **extra,
    }


def _save(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    actor = acting_user(request)
    builder = Builder.from_post(request.POST)
    name = request.POST.get("name", "")
    shared = request.POST.get("shared") == "on"
    try:
        if segment is None:
            segment = create_segment(
                actor=actor, name=name, spec=builder.spec_data(), shared=shared
            )
        else:
            segment = update_segment(
                actor=actor,
                segment_id=segment.pk,
                name=name,
                spec=builder.spec_data(),
                shared=shared,
            )
    except ValidationError as error:
        errors = {key: " ".join(messages) for key, messages in error.message_dict.items()}
        context = _builder_context(
            request, builder, segment, errors=errors, name=name, shared=shared
        )
        return render(request, "web/segments/builder.html", context, status=400)
    return redirect("web:segment_list")


@allow(VIEW, SEGMENT)
@require_GET
def segment_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    rows = segment_counts(actor=actor)
    return render(request, "web/segments/list.html", {"rows": rows, "actor": actor})


@allow(CREATE, SEGMENT)
@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return render(request, "web/segments/builder.html", _builder_context(request, Builder(), None))


@allow(EDIT, SEGMENT)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, segment_id: int) -> HttpResponse:
    actor = acting_user(request)
    segment = get_segment(actor=actor, segment_id=segment_id)
    if segment.owner_id != actor.pk:
        return redirect("web:segment_list")  # a shared segment is only changed by its owner
    if request.method == "POST":
        return _save(request, segment)
    registry = registry_for(actor, latest=False)
    try:
        builder = Builder.from_spec(parse_spec(segment.spec, registry)) or Builder()
    except SpecError:
        builder = Builder()
    context = _builder_context(request, builder, segment, name=segment.name, shared=segment.shared)
    return render(request, "web/segments/builder.html", context)


@allow(VIEW, SEGMENT)
@require_POST
def segment_builder(request: HttpRequest) -> HttpResponse:
    """The builder re-drawn after a row or group was added or removed (an htmx swap)."""
    builder = Builder.from_post(request.POST)
    builder.act(request.POST.get("action", ""))
    context = _builder_context(request, builder, None)
    return render(request, "web/segments/builder.html#conditions", context)


@allow(VIEW, SEGMENT)
@require_POST
def segment_count(request: HttpRequest) -> HttpResponse:
    """The live count for the builder's current conditions (an htmx swap)."""
    actor = acting_user(request)
    context = _preview(actor, Builder.from_post(request.POST), registry_for(actor))
    return render(request, "web/segments/builder.html#count", context)


@allow(DELETE, SEGMENT)
@require_POST
def segment_delete(request: HttpRequest, segment_id: int) -> HttpResponse:
    delete_segment(actor=acting_user(request), segment_id=segment_id)
    return redirect("web:segment_list")


@allow(VIEW, SEGMENT)
@require_GET
def segment_movements_page(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    runs = quarter_runs()
    chosen = None
    moved = None
    wanted = request.GET.get("segment", "")
    if wanted.isdigit():
        chosen = get_segment(actor=actor, segment_id=int(wanted))
        moved = segment_movements(actor=actor, segment=chosen, runs=runs)
    rows = movement_counts(actor=actor, runs=runs)
    may_export = can(actor, EXPORT, "accounts")
    if request.GET.get("format") == "csv":
        return _movements_csv(rows, may_export=may_export)
    names = [row.segment.name for row in rows]
    context = {
        "runs": runs,
        "rows": rows,
        "chosen": chosen,
        "moved": moved,
        "may_export": may_export,
        "charts": charts.payload(
            {
                "movements": charts.movement_chart(
                    names, [row.entered for row in rows], [row.left for row in rows]
                )
            },
            language=translation.get_language(),
            rtl=bool(translation.get_language_bidi()),
        ),
    }
    return render(request, "web/segments/movements.html", context)


def _movements_csv(rows: list[Any], *, may_export: bool) -> HttpResponse:
    """The movements table as CSV, for the export right (names made formula-safe)."""
    if not may_export:
        raise PermissionDenied(_("You do not have the right to export these figures."))
    table = [
        [
            pgettext("segments", "Segment"),
            pgettext("segments", "Entered"),
            pgettext("segments", "Left"),
        ]
    ]
    table += [[row.segment.name, str(row.entered), str(row.left)] for row in rows]
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(table))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="segment-movements.csv"'
    return response


def with_segment(request: HttpRequest, query: AccountListQuery) -> tuple[AccountListQuery, Any]:
    """The list query narrowed by `?segment=<id>` (404 if the user may not use it)."""
    wanted = request.GET.get("segment", "")
    if not wanted.isdigit():
        return query, None
    segment = get_segment(actor=acting_user(request), segment_id=int(wanted))
    spec = json.dumps(segment.spec, ensure_ascii=False, sort_keys=True)
    return dataclasses.replace(query, spec=spec), segment
