"""Pass 1 for deals and activities: resolve owners, pipelines, stages, contacts and deals named
in a row, and build the record pass 2 writes. Each unknown name is a row error that says so.

Users, pipelines and stages are small tables, read once; contacts and deals are read per chunk.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import company_settings
from clientbase.accounts.models import Contact
from clientbase.imports.validation import RowError, folded_words
from clientbase.sales.models import Deal, Pipeline, PipelineKind, Stage

if TYPE_CHECKING:
    from clientbase.imports.checking import Checker, Group

_AMBIGUOUS = -1


class CrmResolver:
    def __init__(self, source_system: str, target: str) -> None:
        self.source_system = source_system
        self.target = target
        self.users: dict[str, int] | None = None
        self.zone: dt.tzinfo = dt.UTC
        self.pipelines: dict[str, int] = {}
        self.pipeline_names: dict[int, str] = {}
        self.stages: dict[int, list[Stage]] = {}
        self.default_pipeline: int | None = None
        self.contacts_by_ext: dict[str, int | None] = {}
        self.contacts_by_email: dict[str, tuple[int, int | None] | None] = {}
        self.contact_accounts: dict[int, int | None] = {}
        self.deals: dict[str, tuple[int, int] | None] = {}  # external id → (id, pipeline id)

    # -- loading --------------------------------------------------------------------------------

    def _load_static(self) -> None:
        self.zone = ZoneInfo(company_settings().default_time_zone or "UTC")
        self.users = {}
        for pk, username, email, first, last in User.objects.filter(is_active=True).values_list(
            "pk", "username", "email", "first_name", "last_name"
        ):
            names = {folded_words(username), folded_words(f"{first} {last}")}
            for key in {*names, (email or "").strip().lower()}:
                if key:
                    held = self.users.get(key)
                    self.users[key] = pk if held in (None, pk) else _AMBIGUOUS
        for pipeline in Pipeline.objects.order_by("pk"):
            self.pipelines.setdefault(folded_words(pipeline.name), pipeline.pk)
            self.pipeline_names[pipeline.pk] = pipeline.name
            if self.default_pipeline is None and pipeline.kind == PipelineKind.NEW_BUSINESS:
                self.default_pipeline = pipeline.pk
        if self.default_pipeline is None and self.pipeline_names:
            self.default_pipeline = next(iter(self.pipeline_names))
        for stage in Stage.objects.order_by("pipeline_id", "position"):
            self.stages.setdefault(stage.pipeline_id, []).append(stage)

    def load(self, groups: list[Group]) -> None:
        if self.users is None:
            self._load_static()
        values = [v for g in groups for _r, v, _c in g.rows]
        deal_key = "external_id" if self.target == "deals" else "deal_external_id"
        wanted = {v[deal_key] for v in values if deal_key in v} - set(self.deals)
        self.deals.update(dict.fromkeys(wanted))
        self.deals.update(
            (ext, (pk, pipeline))
            for ext, pk, pipeline in Deal.objects.filter(
                source_system=self.source_system, external_id__in=wanted
            ).values_list("external_id", "pk", "pipeline_id")
        )
        ext = {v["contact_external_id"] for v in values if "contact_external_id" in v}
        ext -= set(self.contacts_by_ext)
        self.contacts_by_ext.update(dict.fromkeys(ext))
        for external, pk, account in Contact.objects.filter(
            source_system=self.source_system, external_id__in=ext
        ).values_list("external_id", "pk", "account_id"):
            self.contacts_by_ext[external] = pk
            self.contact_accounts[pk] = account
        emails = {v["contact_email"] for v in values if "contact_email" in v}
        emails -= set(self.contacts_by_email)
        self.contacts_by_email.update(dict.fromkeys(emails))
        for email, pk, account in Contact.objects.filter(email__in=emails).values_list(
            "email", "pk", "account_id"
        ):
            held = self.contacts_by_email.get(email)
            self.contacts_by_email[email] = (pk, account) if held is None else (_AMBIGUOUS, None)

    # -- lookups --------------------------------------------------------------------------------

    def user(self, name: str) -> int | None:
        assert self.users is not None
        found = self.users.get(name.strip().lower()) or self.users.get(folded_words(name))
        return None if found in (None, _AMBIGUOUS) else found

    def stage(self, pipeline_id: int, name: str) -> Stage | None:
        """A stage by name (case and punctuation aside) or by its position number."""
        stages = self.stages.get(pipeline_id, [])
        wanted = folded_words(name)
        for stage in stages:
            by_position = wanted.isdigit() and stage.position == int(wanted)
            if by_position or folded_words(stage.name) == wanted:
                return stage
        return None

    def stage_for_status(self, pipeline_id: int, status: str) -> Stage | None:
        for stage in self.stages.get(pipeline_id, []):
            if (status == "won" and stage.is_won) or (status == "lost" and stage.is_lost):
                return stage
        return None


def _error(checker: Checker, group: Group, name: str, value: Any, reason: str) -> None:
    group.errors.append(RowError(group.rows[0][0], checker._header(name), str(value), reason))


def _owner(checker: Checker, group: Group, values: dict[str, Any], record: dict[str, Any]) -> None:
    if "owner" in values:
        assert checker.crm is not None
        owner = checker.crm.user(values["owner"])
        if owner is None:
            _error(checker, group, "owner", values["owner"], _("no user with this name or e-mail"))
        record["owner_id"] = owner


def deal_record(checker: Checker, group: Group, account_id: int) -> dict[str, Any] | None:
    crm = checker.crm
    assert crm is not None
    values = group.rows[0][1]
    existing = crm.deals.get(group.key)
    record: dict[str, Any] = {
        k: values[k]
        for k in ("external_id", "title", "amount", "currency", "expected_close", "lost_reason")
        if k in values
    }
    record["account_id"] = account_id
    if "pipeline" in values:
        pipeline_id = crm.pipelines.get(folded_words(values["pipeline"]))
        if pipeline_id is None:
            _error(checker, group, "pipeline", values["pipeline"], _("unknown pipeline"))
            return None
        if existing is not None and existing[1] != pipeline_id:
            _error(
                checker,
                group,
                "pipeline",
                values["pipeline"],
                _("the deal is in the pipeline %(p)s; an import does not move it to another")
                % {"p": crm.pipeline_names[existing[1]]},
            )
            return None
    elif existing is not None:
        pipeline_id = existing[1]
    elif crm.default_pipeline is not None:
        pipeline_id = crm.default_pipeline
    else:
        _error(checker, group, "title", values["title"], _("there is no pipeline to put deals in"))
        return None
    if not crm.stages.get(pipeline_id):
        _error(
            checker,
            group,
            "title",
            values["title"],
            _("the pipeline %(p)s has no stages") % {"p": crm.pipeline_names[pipeline_id]},
        )
        return None
    stage = None
    if "stage" in values:
        stage = crm.stage(pipeline_id, values["stage"])
        if stage is None:
            names = ", ".join(s.name for s in crm.stages.get(pipeline_id, []))
            _error(
                checker,
                group,
                "stage",
                values["stage"],
                _("unknown stage in the pipeline %(p)s: use one of %(s)s")
                % {"p": crm.pipeline_names[pipeline_id], "s": names},
            )
            return None
    status = values.get("status")
    if status and stage is None and status != "open":
        stage = crm.stage_for_status(pipeline_id, status)
        if stage is None:
            _error(checker, group, "status", status, _("the pipeline has no stage for this status"))
            return None
    if status and stage is not None and status != _status_of(stage):
        _error(
            checker,
            group,
            "status",
            status,
            _("the stage %(s)s means the status %(t)s") % {"s": stage.name, "t": _status_of(stage)},
        )
        return None
    if stage is not None:
        record["stage_id"] = stage.pk
    if existing is None:
        record["pipeline_id"] = pipeline_id
        record.setdefault("currency", checker.resolver.base)
        if "opened_on" in values:
            record["opened_at"] = dt.datetime.combine(values["opened_on"], dt.time(), crm.zone)
    _owner(checker, group, values, record)
    return None if group.errors else record


def _status_of(stage: Stage) -> str:
    return "won" if stage.is_won else "lost" if stage.is_lost else "open"


def activity_record(
    checker: Checker, group: Group, account_id: int | None
) -> dict[str, Any] | None:
    crm = checker.crm
    assert crm is not None
    values = group.rows[0][1]
    record: dict[str, Any] = {
        k: values[k]
        for k in (
            "external_id",
            "kind",
            "subject",
            "status",
            "due_at",
            "done_at",
            "duration_minutes",
            "outcome",
        )
        if k in values
    }
    if "status" not in record and "done_at" in record:
        record["status"] = "done"
    contact_id = contact_account = None
    if "contact_external_id" in values:
        contact_id = crm.contacts_by_ext.get(values["contact_external_id"])
        if contact_id is None:
            _error(
                checker,
                group,
                "contact_external_id",
                values["contact_external_id"],
                _("unknown contact"),
            )
        else:
            contact_account = crm.contact_accounts.get(contact_id)
    elif "contact_email" in values:
        found = crm.contacts_by_email.get(values["contact_email"])
        if found is None or found[0] == _AMBIGUOUS:
            reason = _("unknown contact") if found is None else _("several contacts have it")
            _error(checker, group, "contact_email", values["contact_email"], reason)
        else:
            contact_id, contact_account = found
    if contact_id is not None:
        record["contact_id"] = contact_id
    if account_id is not None or contact_account is not None:
        record["account_id"] = account_id if account_id is not None else contact_account
    if "deal_external_id" in values:
        deal = crm.deals.get(values["deal_external_id"])
        if deal is None:
            _error(
                checker, group, "deal_external_id", values["deal_external_id"], _("unknown deal")
            )
        else:
            record["deal_id"] = deal[0]
    _owner(checker, group, values, record)
    return None if group.errors else record
