"""Offboarding: a leaver is deactivated and their book handed over, in one transaction.

`plan_offboarding` says who gets what; the preview page shows it and `offboard_user` carries
out exactly that plan. The plan keeps a client together: an account's open deals and open
tasks go to whoever receives the account; deals and tasks without such an account are dealt
out by the same rule. Won and lost deals and done tasks keep their owner: they are history
(commission, win rates) and say who did the work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import cycle

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientbase.access.models import User
from clientbase.access.selectors import MANAGE, USERS, require
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityKind, ActivityStatus
from clientbase.activities.services import plan_activity
from clientbase.login.selectors import PENDING_SESSION_KEY
from clientbase.login.token_services import revoke_all_tokens
from clientbase.sales.models import Deal, DealStatus

HANDOFF_DUE = dt.timedelta(days=2)


class Rule(models.TextChoices):
    TEAM_LEAD = "team_lead", gettext_lazy("Everything to the team lead")
    ROUND_ROBIN = "round_robin", gettext_lazy("Round-robin within the team")
    NAMED = "named", gettext_lazy("To the people named (round-robin among them)")


@dataclass(frozen=True)
class Move:
    kind: str  # "account" | "deal" | "activity"
    pk: int
    label: str
    fields: tuple[str, ...]  # which of the record's user fields point at the leaver
    receiver: User


@dataclass
class Plan:
    user: User
    rule: str
    receivers: list[User]
    moves: list[Move] = field(default_factory=list)

    def for_receiver(self, receiver: User) -> list[Move]:
        return [move for move in self.moves if move.receiver.pk == receiver.pk]

    def counts(self, receiver: User | None = None) -> dict[str, int]:
        moves = self.moves if receiver is None else self.for_receiver(receiver)
        return {
            kind: sum(1 for move in moves if move.kind == kind)
            for kind in ("account", "deal", "activity")
        }


@dataclass
class Outcome:
    plan: Plan
    tokens_revoked: int
    sessions_ended: int
    handoff_tasks: list[Activity]


def _receivers(user: User, rule: str, named: Sequence[User]) -> list[User]:
    if rule == Rule.TEAM_LEAD:
        lead = user.team.lead if user.team is not None else None
        if lead is None or not lead.is_active or lead.pk == user.pk:
            raise ValidationError(
                _("%(user)s's team has no other active lead: choose the people by name.")
                % {"user": user.get_username()}
            )
        return [lead]
    if rule == Rule.ROUND_ROBIN:
        if user.team_id is None:
            raise ValidationError(
                _("%(user)s is in no team: choose the people by name.")
                % {"user": user.get_username()}
            )
        members = list(
            User.objects.filter(team_id=user.team_id, is_active=True)
            .exclude(pk=user.pk)
            .order_by("pk")
        )
        if not members:
            raise ValidationError(_("Nobody else is active in the team: choose people by name."))
        return members
    if rule == Rule.NAMED:
        chosen = {person.pk: person for person in named}
        if not chosen:
            raise ValidationError(_("Name at least one person to take over."))
        if user.pk in chosen:
            raise ValidationError(_("The person leaving cannot take over their own book."))
        fresh = {u.pk: u for u in User.objects.filter(pk__in=chosen, is_active=True)}
        if len(fresh) != len(chosen):
            raise ValidationError(_("Everyone who takes over must be an active user."))
        return [fresh[pk] for pk in sorted(fresh)]
    raise ValidationError(
        _("Unknown rule %(rule)s: choose one of %(rules)s.")
        % {"rule": rule, "rules": ", ".join(Rule.values)}
    )


def plan_offboarding(*, actor: User, user: User, rule: str, named: Sequence[User] = ()) -> Plan:
    """Who receives which of `user`'s accounts, open deals and open tasks (nothing is written)."""
    require(actor, MANAGE, USERS)
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot offboard yourself."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator can offboard an administrator."))
    receivers = _receivers(user, rule, named)
    turn: Iterator[User] = cycle(receivers)
    plan = Plan(user=user, rule=rule, receivers=receivers)
    account_to: dict[int, User] = {}
    accounts = Account.objects.filter(Q(owner=user) | Q(account_manager=user)).order_by("pk")
    for account in accounts.only("pk", "display_name", "owner_id", "account_manager_id"):
        receiver = next(turn)
        account_to[account.pk] = receiver
        fields = tuple(
            name
            for name in ("owner", "account_manager")
            if getattr(account, f"{name}_id") == user.pk
        )
        plan.moves.append(Move("account", account.pk, account.display_name, fields, receiver))
    deal_to: dict[int, User] = {}
    deals = Deal.objects.filter(owner=user, status=DealStatus.OPEN).order_by("pk")
    for deal in deals.only("pk", "title", "account_id"):
        receiver = account_to.get(deal.account_id) or next(turn)
        deal_to[deal.pk] = receiver
        plan.moves.append(Move("deal", deal.pk, deal.title, ("owner",), receiver))
    activities = Activity.objects.filter(owner=user, status=ActivityStatus.PLANNED).order_by("pk")
    for activity in activities.only("pk", "subject", "account_id", "deal_id"):
        receiver = (
            (deal_to.get(activity.deal_id) if activity.deal_id else None)
            or (account_to.get(activity.account_id) if activity.account_id else None)
            or next(turn)
        )
        plan.moves.append(Move("activity", activity.pk, activity.subject, ("owner",), receiver))
    return plan


_MODELS: dict[str, type[Account] | type[Deal] | type[Activity]] = {
    "account": Account,
    "deal": Deal,
    "activity": Activity,
}


def end_sessions(user: User) -> int:
    """Delete every session signed in as `user` (or half-way through their second factor)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        pending = data.get(PENDING_SESSION_KEY)
        if str(data.get("_auth_user_id")) == str(user.pk) or (
            isinstance(pending, dict) and pending.get("user") == user.pk
        ):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def offboard_user(
    *, actor: User, user: User, rule: str, named: Sequence[User] = (), reason: str = ""
) -> Outcome:
    """Deactivate `user`, end their sessions, revoke their tokens, hand their book over by
    `rule` with a handoff task per receiver; all audited, all or nothing."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("team__lead")
            .get(pk=user.pk)
        )
        plan = plan_offboarding(actor=actor, user=user, rule=rule, named=named)
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_audit(
            actor=actor,
            action="user.deactivate",
            obj=user,
            changes={"is_active": [was_active, False]},
        )
        tokens = revoke_all_tokens(actor=actor, user=user)
        sessions = end_sessions(user)
        now = timezone.now()
        for move in plan.moves:
            model = _MODELS[move.kind]
            model.objects.filter(pk=move.pk).update(
                **{name: move.receiver for name in move.fields}, updated_at=now
            )
            record_audit(
                actor=actor,
                action=f"{move.kind}.reassign",
                object_type=model._meta.label_lower,
                object_id=str(move.pk),
                changes={name: [user.pk, move.receiver.pk] for name in move.fields},
            )
        tasks = [
            _handoff_task(actor=actor, user=user, receiver=receiver, counts=plan.counts(receiver))
            for receiver in plan.receivers
            if plan.for_receiver(receiver)
        ]
        record_audit(
            actor=actor,
            action="user.offboard",
            obj=user,
            changes={
                "rule": rule,
                "receivers": [r.pk for r in plan.receivers],
                "accounts": plan.counts()["account"],
                "deals": plan.counts()["deal"],
                "tasks": plan.counts()["activity"],
                "tokens_revoked": tokens,
                "sessions_ended": sessions,
                "reason": reason,
            },
        )
    return Outcome(plan=plan, tokens_revoked=tokens, sessions_ended=sessions, handoff_tasks=tasks)


def _handoff_task(*, actor: User, user: User, receiver: User, counts: dict[str, int]) -> Activity:
    with translation.override(receiver.language):
        subject = _(
            "Handoff from %(user)s: %(accounts)d accounts, %(deals)d open deals, "
            "%(tasks)d open tasks"
        ) % {
            "user": user.get_full_name() or user.get_username(),
            "accounts": counts["account"],
            "deals": counts["deal"],
            "tasks": counts["activity"],
        }
    return plan_activity(
        actor=actor,
        kind=ActivityKind.TASK,
        subject=subject[:200],
        owner=receiver,
        due_at=timezone.now() + HANDOFF_DUE,
    )
