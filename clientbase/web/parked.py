"""The "Fix parked rows" page of a valid-rows import: each error next to an editable cell,
re-submit (services.resubmit_parked) or discard a row; htmx swaps one row group at a time.

A group is one parked row, or every parked line of one order (an order is written whole), and
is one <tbody>. Access is the import pages': the import right and a batch the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_GET, require_POST

from clientbase.access.roles import ACCOUNT, IMPORT
from clientbase.imports.models import ImportBatch, ParkedRow
from clientbase.imports.selectors import parked_rows
from clientbase.imports.services import ImportRunError, discard_parked, resubmit_parked
from clientbase.web.auth import allow, is_htmx_swap
from clientbase.web.formatting import local_digits
from clientbase.web.imports import _batch, _importer

PAGE_ROWS = 50


@dataclass
class Problem:
    column: str
    value: str
    reason: str
    field: str  # the input's name, "" when the cell is not edited here
    current: str  # the cell as it is now (the error's value is cut at 200 characters)


@dataclass
class Line:
    row: ParkedRow
    problems: list[Problem]


@dataclass
class Group:
    lines: list[Line]
    note: str = ""
    error: str = ""
    done: bool = False

    @property
    def ids(self) -> str:
        return ",".join(str(line.row.pk) for line in self.lines)

    @property
    def span(self) -> int:
        return sum(len(line.problems) for line in self.lines)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _editable(row: ParkedRow) -> list[str]:
    """The columns with an error that the row has a cell for, once each, in error order."""
    raw = row.raw or {}
    columns = [str(e[0]) for e in row.errors or [] if e and e[0] and str(e[0]) in raw]
    return list(dict.fromkeys(columns))


def _line(row: ParkedRow) -> Line:
    editable = _editable(row)
    shown: set[str] = set()
    problems: list[Problem] = []
    for error in row.errors or [["", "", ""]]:
        column, value, reason = [*error, "", "", ""][:3]
        name = ""
        if column in editable and column not in shown:
            name = f"cell-{row.pk}-{editable.index(column)}"
            shown.add(column)
        current = _text((row.raw or {}).get(column)) if name else ""
        problems.append(Problem(_text(column), _text(value), _text(reason), name, current))
    return Line(row, problems)


def _groups(batch: ImportBatch, rows: list[ParkedRow]) -> list[Group]:
    header = next((h for h, f in batch.mapping.items() if f == "order_id"), None)
    if batch.target != "orders" or header is None:
        return [Group([_line(row)]) for row in rows]
    by_order: dict[str, Group] = {}
    for row in rows:
        key = _text((row.raw or {}).get(header)) or f"#{row.pk}"
        by_order.setdefault(key, Group([])).lines.append(_line(row))
    return list(by_order.values())


def _fixes(data: QueryDict, rows: list[ParkedRow]) -> dict[int, dict[str, Any]]:
    """{row number: {header: typed value}} for the cells the user changed."""
    fixes: dict[int, dict[str, Any]] = {}
    for row in rows:
        for index, column in enumerate(_editable(row)):
            typed = data.get(f"cell-{row.pk}-{index}")
            if typed is not None and typed.strip() != _text(row.raw.get(column)).strip():
                fixes.setdefault(row.row_number, {})[column] = typed.strip()
    return fixes


def _chosen(actor: Any, batch: ImportBatch, data: QueryDict) -> list[ParkedRow]:
    """The rows a button names ("12,13": one group), or with `all` every row on the page."""
    names = data.getlist("shown") if data.get("all") else data.getlist("row")
    ids = {int(part) for name in names for part in name.split(",") if part.strip().isdigit()}
    rows = list(parked_rows(actor=actor, batch=batch).filter(pk__in=ids))
    if not rows:
        raise Http404("No such parked rows")  # handled meanwhile, or someone else's
    return rows


def _back(batch: ImportBatch, data: QueryDict) -> HttpResponse:
    page = data.get("page", "")
    url = reverse("web:import_parked", args=[batch.pk])
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@allow(IMPORT, ACCOUNT)
@require_GET
def import_parked(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    waiting = parked_rows(actor=actor, batch=batch)
    total = waiting.count()
    pages = max(1, -(-total // PAGE_ROWS))
    page = request.GET.get("page", "1")
    number = min(max(int(page), 1), pages) if page.isdigit() else 1
    rows = list(waiting[(number - 1) * PAGE_ROWS : number * PAGE_ROWS])
    context = {
        "batch": batch,
        "groups": _groups(batch, rows),
        "total": total,
        "page": number,
        "pages": pages,
        "shown": [row.pk for row in rows],
    }
    return render(request, "web/imports/parked.html", context)


@allow(IMPORT, ACCOUNT)
@require_POST
def import_parked_resubmit(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    try:
        rows = _chosen(actor, batch, request.POST)
    except Http404:
        if request.POST.get("all"):  # every row on the page was handled one by one already
            return _back(batch, request.POST)
        raise
    error = note = ""
    try:
        result = resubmit_parked(
            actor=actor,
            batch=batch,
            fixes=_fixes(request.POST, rows),
            rows=[row.pk for row in rows],
        )
    except ImportRunError as exc:
        error = str(exc)
    after = list(parked_rows(actor=actor, batch=batch).filter(pk__in=[r.pk for r in rows]))
    if not error:
        imported = len(rows) - len(after)
        parts = []
        if imported:
            parts.append(
                ngettext(
                    "%(n)d row imported (batch #%(id)s).",
                    "%(n)d rows imported (batch #%(id)s).",
                    imported,
                )
                % {"n": imported, "id": result.batch_id}
            )
        if after:
            parts.append(
                ngettext(
                    "%(n)d row still needs a fix: see its new error.",
                    "%(n)d rows still need a fix: see their new errors.",
                    len(after),
                )
                % {"n": len(after)}
            )
        note = local_digits(" ".join(parts), get_language())
    if is_htmx_swap(request):
        group = Group([_line(row) for row in after], note=note, error=error, done=not after)
        if error:
            group = Group([_line(row) for row in rows], error=error)
        return render(request, "web/imports/parked.html#group", {"batch": batch, "group": group})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    return _back(batch, request.POST)


@allow(IMPORT, ACCOUNT)
@require_POST
def import_parked_discard(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    rows = _chosen(actor, batch, request.POST)
    count = discard_parked(actor=actor, batch=batch, rows=[row.pk for row in rows])
    note = ngettext("%(n)d row discarded.", "%(n)d rows discarded.", count) % {"n": count}
    note = local_digits(note, get_language())
    if is_htmx_swap(request):
        group = Group([], note=note, done=True)
        return render(request, "web/imports/parked.html#group", {"batch": batch, "group": group})
    messages.success(request, note)
    return _back(batch, request.POST)
