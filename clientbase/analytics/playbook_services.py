"""Writes of playbooks: an admin or director changes one (or puts back the built-in one), and
anyone in the sales line runs one: a follow-up task for each covered account's responsible
person. Every write is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import Role, Team, User
from clientbase.access.roles import MANAGE, RUN
from clientbase.access.selectors import require
from clientbase.access.services import record_audit
from clientbase.activities.models import Activity, ActivityKind, ActivityStatus
from clientbase.analytics.models import Playbook, ServiceLevel
from clientbase.analytics.playbook_selectors import get_playbook, playbook_accounts
from clientbase.analytics.playbooks import OWNER, PlaybookView, responsible_choices

SOURCE = "playbook"  # the tasks' provenance: source system "playbook", id kind:key:account:n
MAX_DESCRIPTION = 2000
MAX_EVERY_DAYS = 365
FIRST_DUE = dt.timedelta(days=1)
BATCH = 2000


@dataclass(frozen=True)
class PlaybookChange:
    description: str = ""
    service_level: str = ""
    contact_every_days: int | None = None  # None: the built-in frequency; 0: none
    responsible_role: str = ""
    is_active: bool = True


def _checked(change: PlaybookChange) -> PlaybookChange:
    errors: dict[str, str] = {}
    description = change.description.strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("A description takes at most %(n)s characters.") % {
            "n": MAX_DESCRIPTION
        }
    if change.service_level and change.service_level not in ServiceLevel.values:
        errors["service_level"] = _("Choose one of the service levels.")
    every = change.contact_every_days
    if every is not None and not 0 <= every <= MAX_EVERY_DAYS:
        errors["contact_every_days"] = _(
            "The contact frequency is a number of days from 0 (no regular contact) to %(n)s."
        ) % {"n": MAX_EVERY_DAYS}
    if change.responsible_role and change.responsible_role not in dict(responsible_choices()):
        errors["responsible_role"] = _("Choose one of the roles.")
    if errors:
        raise ValidationError(errors)
    return PlaybookChange(
        description, change.service_level, every, change.responsible_role, change.is_active
    )


def _state(row: Playbook | None) -> dict[str, object]:
    if row is None:
        return {}
    return {
        "description": row.description,
        "service_level": row.service_level,
        "contact_every_days": row.contact_every_days,
        "responsible_role": row.responsible_role,
        "is_active": row.is_active,
    }


def save_playbook(*, actor: User, kind: str, key: str, change: PlaybookChange) -> Playbook:
    """Set the playbook of (kind, key): blank values keep the built-in ones. Admins and
    directors only; a segment's playbook needs the segment to be one the actor may use."""
    require(actor, MANAGE, "playbooks")
    shown = get_playbook(actor=actor, kind=kind, key=key)  # 404 for no such class / segment
    checked = _checked(change)
    with transaction.atomic():
        row = Playbook.objects.select_for_update().filter(kind=kind, key=key).first()
        before = _state(row)
        row = row or Playbook(kind=kind, key=key, segment=shown.segment)
        row.description = checked.description
        row.service_level = checked.service_level
        row.contact_every_days = checked.contact_every_days
        row.responsible_role = checked.responsible_role
        row.is_active = checked.is_active
        row.updated_by = actor
        row.save()
        after = _state(row)
        record_audit(
            actor=actor,
            action="analytics.playbook_save",
            obj=row,
            changes={
                "target": f"{kind}:{key}",
                **{k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
            },
        )
    return row


def reset_playbook(*, actor: User, kind: str, key: str) -> None:
    """Drop the admin's changes: the built-in playbook applies again (a segment: none)."""
    require(actor, MANAGE, "playbooks")
    get_playbook(actor=actor, kind=kind, key=key)
    with transaction.atomic():
        row = Playbook.objects.select_for_update().filter(kind=kind, key=key).first()
        if row is None:
            return
        record_audit(
            actor=actor,
            action="analytics.playbook_reset",
            obj=row,
            changes={"target": f"{kind}:{key}", **_state(row)},
        )
        row.delete()


# --- Tasks for the owners ------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRun:
    accounts: int  # covered accounts the actor sees
    created: int
    already_open: int  # an open task of this playbook was already there
    unassigned: int  # nobody to give it to (no owner, no one in the role)


class People:
    """Who is responsible for an account under a role: the owner or account manager when
    they hold it, the owner's team lead for "team lead", else someone active in that role in
    the owner's team, else anyone active in it; failing all, the account's owner."""

    def __init__(self) -> None:
        users = User.objects.filter(is_active=True).values_list("pk", "role", "team_id")
        self.role_of = {pk: role for pk, role, _team in users}
        self.by_team: dict[tuple[str, int | None], int] = {}
        self.anyone: dict[str, int] = {}
        for pk, role, team in sorted(users):
            self.by_team.setdefault((role, team), pk)
            self.anyone.setdefault(role, pk)
        self.team_of = {pk: team for pk, _role, team in users}
        self.lead_of = dict(Team.objects.values_list("pk", "lead_id"))

    def responsible(self, role: str, owner_id: int | None, manager_id: int | None) -> int | None:
        owner = owner_id if owner_id in self.role_of else None
        if role == OWNER:
            return owner
        for person in (owner, manager_id):
            if person is not None and self.role_of.get(person) == role:
                return person
        team = self.team_of.get(owner) if owner is not None else None
        if role == Role.TEAM_LEAD and team is not None:
            lead = self.lead_of.get(team)
            if lead in self.role_of:
                return lead
        return self.by_team.get((role, team)) or self.anyone.get(role) or owner


def _subject(playbook: PlaybookView) -> str:
    if playbook.contact_every_days:
        text = _("%(target)s: contact the account (every %(days)s days)") % {
            "target": playbook.label,
            "days": playbook.contact_every_days,
        }
    else:
        text = _("%(target)s: follow the playbook") % {"target": playbook.label}
    return text[:200]


def create_playbook_tasks(
    *, actor: User, playbook: PlaybookView, now: dt.datetime | None = None
) -> TaskRun:
    """One open follow-up task per account the playbook covers and the actor sees, for the
    account's responsible person. Running it again adds none while a task of this playbook is
    still open on the account. The task is due when the contact frequency says, counted from
    the last completed activity with the account (tomorrow at the earliest)."""
    require(actor, RUN, "playbooks")
    if not playbook.is_active:
        raise ValidationError(_("This playbook is not in use."))
    now = now or timezone.now()
    prefix = f"{playbook.kind}:{playbook.key}:"
    with transaction.atomic():
        # One run of a set-up playbook at a time: the second waits, then finds the tasks open
        # (two runs of a built-in one never set up could still race; the tasks' unique
        # provenance id then fails the second run as a whole).
        Playbook.objects.select_for_update().filter(kind=playbook.kind, key=playbook.key).first()
        accounts = playbook_accounts(actor=actor, playbook=playbook)
        members = list(accounts.values_list("pk", "owner_id", "account_manager_id"))
        earlier: dict[int, int] = {}
        open_on: set[int] = set()
        for account_id, status in Activity.objects.filter(
            source_system=SOURCE, external_id__startswith=prefix, account__in=accounts
        ).values_list("account_id", "status"):
            assert account_id is not None
            earlier[account_id] = earlier.get(account_id, 0) + 1
            if status == ActivityStatus.PLANNED:
                open_on.add(account_id)
        last_done = dict(
            Activity.objects.filter(account__in=accounts, status=ActivityStatus.DONE)
            .values("account_id")
            .annotate(last=Max("done_at"))
            .values_list("account_id", "last")
        )
        people = People()
        subject = _subject(playbook)
        every = dt.timedelta(days=playbook.contact_every_days)
        tasks: list[Activity] = []
        unassigned = 0
        for account_id, owner_id, manager_id in members:
            if account_id in open_on:
                continue
            person = people.responsible(playbook.responsible_role, owner_id, manager_id)
            if person is None:
                unassigned += 1
                continue
            last = last_done.get(account_id)
            due = max(now + FIRST_DUE, last + every) if last and every else now + FIRST_DUE
            tasks.append(
                Activity(
                    kind=ActivityKind.TASK,
                    status=ActivityStatus.PLANNED,
                    subject=subject,
                    account_id=account_id,
                    owner_id=person,
                    due_at=due,
                    source_system=SOURCE,
                    external_id=f"{prefix}{account_id}:{earlier.get(account_id, 0) + 1}",
                )
            )
        Activity.objects.bulk_create(tasks, batch_size=BATCH)
        result = TaskRun(len(members), len(tasks), len(open_on), unassigned)
        record_audit(
            actor=actor,
            action="analytics.playbook_tasks",
            object_type="analytics.playbook",
            object_id=f"{playbook.kind}:{playbook.key}",
            changes={
                "accounts": result.accounts,
                "created": result.created,
                "already_open": result.already_open,
                "unassigned": result.unassigned,
                "tasks_for": sorted(t.account_id for t in tasks if t.account_id is not None)[:1000],
            },
        )
    return result
