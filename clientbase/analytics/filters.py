"""The one filter language: a segment spec, checked against what the actor may see, compiled
to a Q on the account queryset. The account list, its exports, the API, saved segments and
their membership snapshots all go through here, so a condition means the same everywhere.

A spec is JSON: {"all": [...]}, {"any": [...]}, {"not": {...}} or a leaf
{"field": "status", "op": "eq", "value": "active"}. Fields are account columns, custom fields
("custom.<key>") and the columns of the latest finished metrics run (revenue_ltm, xyz, ...).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Exists, FloatField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
)
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from clientbase.access.models import User
from clientbase.accounts.models import (
    Account,
    CustomFieldDefinition,
    CustomFieldType,
    LifecycleStatus,
    SizeBand,
)
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus

Kind = Literal["text", "choice", "number", "date", "boolean", "tag"]
Source = Literal["account", "custom", "metric"]
OPS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "isnull", "between")
KIND_OPS: dict[str, tuple[str, ...]] = {
    "text": ("eq", "ne", "in", "contains", "isnull"),
    "choice": ("eq", "ne", "in", "isnull"),
    "number": ("eq", "ne", "lt", "le", "gt", "ge", "between", "isnull"),
    "date": ("eq", "ne", "lt", "le", "gt", "ge", "between", "isnull"),
    "boolean": ("eq", "ne", "isnull"),
    "tag": ("eq", "ne", "in", "isnull"),
}
MAX_DEPTH = 8
MAX_CONDITIONS = 60
MAX_LIST = 500
CUSTOM_PREFIX = "custom."


class SpecError(ValueError):
    """A spec that cannot be used; the message names the bad part and is fit to show."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Field:
    """One field a spec may filter on. `column` is the Account path (account source), the
    AccountMetrics column (metric) or the custom key (custom); `export_key` ties the field
    to the exportable columns, so a column hidden from an actor cannot be filtered on."""

    name: str
    label: str | Promise
    kind: Kind
    source: Source
    column: str
    choices: tuple[str, ...] = ()
    export_key: str | None = None


@dataclass(frozen=True)
class Leaf:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Group:
    match: Literal["all", "any"]
    items: tuple[Spec, ...]


@dataclass(frozen=True)
class Not:
    item: Spec


Spec = Leaf | Group | Not


def _account(
    name: str, kind: Kind, column: str = "", choices: Iterable[str] = (), export: bool = False
) -> Field:
    column = column or name
    model_field = Account._meta.get_field(column.split("__")[0])
    label = getattr(model_field, "verbose_name", name)
    return Field(name, label, kind, "account", column, tuple(choices), name if export else None)


ACCOUNT_FIELDS: tuple[Field, ...] = (
    _account("display_name", "text", export=True),
    _account("legal_name", "text", export=True),
    _account("status", "choice", choices=LifecycleStatus.values, export=True),
    _account("industry", "text"),
    _account("size_band", "choice", choices=SizeBand.values),
    _account("country", "text", export=True),
    _account("region", "text"),
    _account("city", "text", export=True),
    _account("phone", "text", export=True),
    _account("email", "text", export=True),
    _account("owner", "text", "owner__username", export=True),
    _account("account_manager", "text", "account_manager__username", export=True),
    _account("tags", "tag", "tags__name"),
    _account("created_at", "date", "created_at__date", export=True),
)

_METRIC_CHOICES: dict[str, tuple[str, ...]] = {
    "abc_revenue": ("A", "B", "C"),
    "abc_margin": ("A", "B", "C"),
    "cts_class": ("A", "B", "C", "D"),
    "xyz": ("X", "Y", "Z"),
    "quadrant": ("I", "II", "III", "IV"),
    "rfm_segment": (
        "champions",
        "loyal",
        "potential_loyalists",
        "new",
        "promising",
        "need_attention",
        "about_to_sleep",
        "cannot_lose",
        "at_risk",
        "hibernating",
        "lost",
    ),
}
# Keys and the engine's intermediate columns (no label of their own) are not offered.
_NOT_METRICS = frozenset(
    {
        "id",
        "run",
        "account",
        "as_of",
        "recency_weeks",
        "age_weeks",
        "repeat_revenue_mean",
        "repeat_margin_mean",
    }
)


def _metric_fields() -> tuple[Field, ...]:
    fields: list[Field] = []
    for model_field in AccountMetrics._meta.concrete_fields:
        name = model_field.name
        if name in _NOT_METRICS:
            continue
        internal = model_field.get_internal_type()
        kind: Kind
        if name in _METRIC_CHOICES:
            kind = "choice"
        elif internal == "BooleanField":
            kind = "boolean"
        elif internal == "DateField":
            kind = "date"
        else:
            kind = "number"
        label = model_field.verbose_name
        fields.append(Field(name, label, kind, "metric", name, _METRIC_CHOICES.get(name, ())))
    return tuple(fields)


METRIC_FIELDS = _metric_fields()
_CUSTOM_KINDS: dict[str, Kind] = {
    CustomFieldType.TEXT: "text",
    CustomFieldType.INTEGER: "number",
    CustomFieldType.DECIMAL: "number",
    CustomFieldType.DATE: "date",
    CustomFieldType.BOOLEAN: "boolean",
    CustomFieldType.CHOICE: "choice",
}


@dataclass(frozen=True)
class Registry:
    """The fields one actor may filter on, and the metrics run metric criteria read."""

    fields: dict[str, Field]
    hidden: frozenset[str]
    run_id: int | None

    def offered(self) -> list[Field]:
        return [f for name, f in self.fields.items() if name not in self.hidden]


def latest_run_id() -> int | None:
    """The latest finished metrics run: what metric criteria compare against."""
    return (
        MetricRun.objects.filter(status=RunStatus.DONE)
        .order_by("-as_of", "-id")
        .values_list("id", flat=True)
        .first()
    )


def registry_for(actor: User | None, *, run_id: int | None = None, latest: bool = True) -> Registry:
    """The filterable fields for `actor` (None: the system, which sees every field), with
    custom fields read once. `run_id` None and `latest`: the latest finished run."""
    from clientbase.access.selectors import hidden_columns
    from clientbase.accounts.selectors import exportable_account_fields

    fields = {f.name: f for f in (*ACCOUNT_FIELDS, *METRIC_FIELDS)}
    for definition in CustomFieldDefinition.objects.order_by("label"):
        name = CUSTOM_PREFIX + definition.key
        choices = tuple(str(c) for c in definition.choices or ())
        kind = _CUSTOM_KINDS.get(definition.type, "text")
        fields[name] = Field(name, definition.label, kind, "custom", definition.key, choices)
    hidden: frozenset[str] = frozenset()
    if actor is not None:
        exportable = {f.key for f in exportable_account_fields(actor)}
        # A restricted field (e.g. the margin metrics) is neither shown nor filtered on.
        restricted = hidden_columns(actor, "analytics.accountmetrics")
        hidden = frozenset(
            name
            for name, f in fields.items()
            if (f.export_key is not None and f.export_key not in exportable)
            or (f.source == "metric" and f.column in restricted)
        )
    if run_id is None and latest:
        run_id = latest_run_id()
    return Registry(fields=fields, hidden=hidden, run_id=run_id)


# --- Parsing and validation --------------------------------------------------------------------


def parse_spec(data: object, registry: Registry) -> Spec:
    """A checked spec from JSON data (a dict, or JSON text); SpecError names what is wrong."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            raise SpecError(_("The segment is not valid JSON.")) from None
    counter = [0]
    return _parse(data, registry, "", 0, counter)


def _parse(data: object, registry: Registry, path: str, depth: int, counter: list[int]) -> Spec:
    if depth > MAX_DEPTH:
        raise SpecError(_("Conditions are nested too deeply."), path)
    if not isinstance(data, dict):
        raise SpecError(_("Expected a condition or a group of conditions."), path)
    keys = set(data)
    if keys in ({"all"}, {"any"}):
        match: Literal["all", "any"] = "all" if "all" in keys else "any"
        items = data[match]
        if not isinstance(items, list):
            raise SpecError(_("“%(match)s” takes a list of conditions.") % {"match": match}, path)
        return Group(
            match,
            tuple(
                _parse(item, registry, f"{path}{match}[{index}]", depth + 1, counter)
                for index, item in enumerate(items)
            ),
        )
    if keys == {"not"}:
        return Not(_parse(data["not"], registry, f"{path}not.", depth + 1, counter))
    if "field" in keys and keys <= {"field", "op", "value"}:
        counter[0] += 1
        if counter[0] > MAX_CONDITIONS:
            raise SpecError(_("A segment takes at most %(n)d conditions.") % {"n": MAX_CONDITIONS})
        return _leaf(data, registry, path.rstrip("."))
    raise SpecError(
        _("Unknown keys %(keys)s: use all, any, not, or field/op/value.")
        % {"keys": ", ".join(sorted(map(str, keys)))},
        path,
    )


def _leaf(data: dict[str, Any], registry: Registry, path: str) -> Leaf:
    name = data.get("field")
    field = registry.fields.get(name) if isinstance(name, str) else None
    if field is None:
        raise SpecError(_("Unknown field “%(field)s”.") % {"field": name}, path)
    if field.name in registry.hidden:
        raise SpecError(
            _("You may not filter on the field “%(field)s”.") % {"field": field.name}, path
        )
    op = data.get("op", "eq")
    if op not in OPS:
        raise SpecError(
            _("Unknown operator “%(op)s”; use one of %(ops)s.") % {"op": op, "ops": ", ".join(OPS)},
            path,
        )
    if op not in KIND_OPS[field.kind]:
        raise SpecError(
            _("The field “%(field)s” does not take the operator “%(op)s”; use one of %(ops)s.")
            % {"field": field.name, "op": op, "ops": ", ".join(KIND_OPS[field.kind])},
            path,
        )
    if "value" not in data:
        raise SpecError(_("The condition on “%(field)s” has no value.") % {"field": name}, path)
    return Leaf(field.name, op, _value(field, op, data["value"], path))


def _bad(field: Field, value: object, path: str) -> SpecError:
    return SpecError(
        _("“%(value)s” is not a valid value for “%(field)s”.")
        % {"value": value, "field": field.name},
        path,
    )


def _scalar(field: Field, value: object, path: str) -> Any:
    """One value of the field's kind, in canonical JSON form."""
    if field.kind in ("text", "tag"):
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise _bad(field, value, path)
        return str(value)
    if field.kind == "choice":
        if not isinstance(value, str) or (field.choices and value not in field.choices):
            if field.choices:
                raise SpecError(
                    _("“%(value)s” is not a valid value for “%(field)s”; use one of %(choices)s.")
                    % {"value": value, "field": field.name, "choices": ", ".join(field.choices)},
                    path,
                )
            raise _bad(field, value, path)
        return value
    if field.kind == "number":
        if isinstance(value, bool):
            raise _bad(field, value, path)
        if isinstance(value, int | float):
            return value
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise _bad(field, value, path) from None
        return int(number) if number.is_integer() else number
    if field.kind == "date":
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise _bad(field, value, path) from None
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise _bad(field, value, path)


def _value(field: Field, op: str, value: object, path: str) -> Any:
    if op == "isnull":
        if not isinstance(value, bool):
            raise SpecError(_("“isnull” takes true or false."), path)
        return value
    if op in ("in", "between"):
        if not isinstance(value, list) or not value:
            raise SpecError(_("“%(op)s” takes a list of values.") % {"op": op}, path)
        if op == "between" and len(value) != 2:
            raise SpecError(_("“between” takes two values: the lowest and the highest."), path)
        if len(value) > MAX_LIST:
            raise SpecError(_("A list takes at most %(n)d values.") % {"n": MAX_LIST}, path)
        return [_scalar(field, item, path) for item in value]
    return _scalar(field, value, path)


def to_json(spec: Spec) -> dict[str, Any]:
    """The spec as JSON data: what is saved and what parse_spec reads back."""
    if isinstance(spec, Leaf):
        return {"field": spec.field, "op": spec.op, "value": spec.value}
    if isinstance(spec, Not):
        return {"not": to_json(spec.item)}
    return {spec.match: [to_json(item) for item in spec.items]}


def dumps(spec: Spec) -> str:
    return json.dumps(to_json(spec), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def fields_of(spec: Spec) -> set[str]:
    if isinstance(spec, Leaf):
        return {spec.field}
    if isinstance(spec, Not):
        return fields_of(spec.item)
    return set().union(*(fields_of(item) for item in spec.items)) if spec.items else set()


# --- Compiling ---------------------------------------------------------------------------------

_LOOKUPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": Exact,
    "lt": LessThan,
    "le": LessThanOrEqual,
    "gt": GreaterThan,
    "ge": GreaterThanOrEqual,
    "in": In,
    "contains": IContains,
}
_SUFFIX = {"eq": "", "lt": "__lt", "le": "__lte", "gt": "__gt", "ge": "__gte", "in": "__in"}


def compile_spec(spec: Spec, registry: Registry) -> Q:
    """The spec as a Q on Account. `not` is the complement within the rows it narrows, so
    accounts without a value (or without metrics) fall on the `not` side."""
    if isinstance(spec, Not):
        return ~compile_spec(spec.item, registry)
    if isinstance(spec, Group):
        parts = [compile_spec(item, registry) for item in spec.items]
        if not parts:  # an empty "all" is everything, an empty "any" nothing
            return Q() if spec.match == "all" else Q(pk__in=[])
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if spec.match == "all" else combined | part
        return combined
    if spec.op == "ne":
        return ~compile_spec(Leaf(spec.field, "eq", spec.value), registry)
    field = registry.fields[spec.field]
    if field.source == "metric":
        return _metric(field, spec, registry.run_id)
    if field.source == "custom":
        return _custom(field, spec)
    return _account_condition(field, spec)


def _between(path: str, value: list[Any]) -> Q:
    return Q(**{f"{path}__gte": value[0], f"{path}__lte": value[1]})


def _account_condition(field: Field, leaf: Leaf) -> Q:
    if field.kind == "tag":
        # Exists, not a join: a join on tags would repeat an account once per matching tag.
        through = Account.tags.through.objects.filter(account_id=OuterRef("pk"))
        if leaf.op == "isnull":
            return ~Q(Exists(through)) if leaf.value else Q(Exists(through))
        names = leaf.value if leaf.op == "in" else [leaf.value]
        return Q(Exists(through.filter(tag__name__in=names)))
    path = field.column
    if leaf.op == "isnull":
        empty = Q(**{f"{path}__isnull": True})
        if field.kind in ("text", "choice") and "__" not in path:
            empty |= Q(**{path: ""})
        return empty if leaf.value else ~empty
    if leaf.op == "contains":
        return Q(**{f"{path}__icontains": leaf.value})
    if leaf.op == "between":
        return _between(path, leaf.value)
    return Q(**{f"{path}{_SUFFIX[leaf.op]}": leaf.value})


def _metric(field: Field, leaf: Leaf, run_id: int | None) -> Q:
    rows = AccountMetrics.objects.filter(run_id=run_id, account_id=OuterRef("pk"))
    column = field.column
    if leaf.op == "isnull":
        present = Q(Exists(rows.filter(**{f"{column}__isnull": False})))
        return ~present if leaf.value else present
    if leaf.op == "between":
        return Q(Exists(rows.filter(_between(column, leaf.value))))
    return Q(Exists(rows.filter(**{f"{column}{_SUFFIX[leaf.op]}": leaf.value})))


def _custom(field: Field, leaf: Leaf) -> Q:
    # Values are stored in canonical JSON form (accounts.services.clean_custom_fields):
    # decimals as text, so numbers are compared as a cast of the text, dates as ISO text.
    text = KeyTextTransform(field.column, "custom")
    if leaf.op == "isnull":
        return Q(IsNull(text, leaf.value))
    if field.kind == "boolean":
        return Q(**{f"custom__{field.column}": leaf.value})
    target: Any = Cast(text, FloatField()) if field.kind == "number" else text
    if leaf.op == "between":
        return Q(GreaterThanOrEqual(target, leaf.value[0])) & Q(
            LessThanOrEqual(target, leaf.value[1])
        )
    return Q(_LOOKUPS[leaf.op](target, leaf.value))


# --- Entry points ------------------------------------------------------------------------------


def segment_accounts(*, actor: User, spec: object, registry: Registry | None = None) -> Any:
    """The accounts `actor` may see that match `spec`: the spec only ever narrows the scope."""
    from clientbase.accounts.selectors import visible_accounts

    registry = registry or registry_for(actor)
    checked = spec if isinstance(spec, Leaf | Group | Not) else parse_spec(spec, registry)
    rows: QuerySet[Account] = visible_accounts(actor=actor)
    return rows.filter(compile_spec(checked, registry))


def field_label(field: Field) -> str:
    return str(field.label)


OP_LABELS: dict[str, Promise] = {
    "eq": pgettext_lazy("segments", "is"),
    "ne": pgettext_lazy("segments", "is not"),
    "lt": pgettext_lazy("segments", "is less than"),
    "le": pgettext_lazy("segments", "is at most"),
    "gt": pgettext_lazy("segments", "is more than"),
    "ge": pgettext_lazy("segments", "is at least"),
    "in": pgettext_lazy("segments", "is one of"),
    "contains": pgettext_lazy("segments", "contains"),
    "isnull": pgettext_lazy("segments", "is empty"),
    "between": pgettext_lazy("segments", "is between"),
}
