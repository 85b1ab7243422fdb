"""The playbooks: how to treat the accounts of each tier, quadrant, RFM segment and ABC class
(built in, with the strategies the analytics pages explain) and of each saved segment.

An admin's changes are kept as a `Playbook` row over the built-in values (see its docstring);
`effective` merges the two into what the pages show and the task runs follow."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientbase.access.models import Role
from clientbase.analytics.models import Playbook, PlaybookKind, Segment, ServiceLevel
from clientbase.questionnaires.models import Tier
from clientbase.questionnaires.strategies import STRATEGIES as TIER_STRATEGIES

OWNER = "owner"  # the responsible person is the account's owner


def responsible_choices() -> list[tuple[str, str]]:
    return [(OWNER, _("The account's owner")), *((k, str(v)) for k, v in Role.choices)]


@dataclass(frozen=True)
class Builtin:
    description: Promise
    service_level: str
    contact_every_days: int  # 0: no regular contact
    responsible_role: str


HIGH, CONSULT, STD, LOW = (
    ServiceLevel.HIGH_TOUCH,
    ServiceLevel.CONSULTATIVE,
    ServiceLevel.STANDARD,
    ServiceLevel.LOW_TOUCH,
)
AM, MARKETING, LEAD = Role.ACCOUNT_MANAGER, Role.MARKETING, Role.TEAM_LEAD

BUILTIN: dict[tuple[str, str], Builtin] = {
    (PlaybookKind.TIER, Tier.T1A): Builtin(TIER_STRATEGIES[Tier.T1A][1], HIGH, 14, AM),
    (PlaybookKind.TIER, Tier.T1B): Builtin(TIER_STRATEGIES[Tier.T1B][1], CONSULT, 21, AM),
    (PlaybookKind.TIER, Tier.T2): Builtin(TIER_STRATEGIES[Tier.T2][1], STD, 45, OWNER),
    (PlaybookKind.TIER, Tier.T3): Builtin(TIER_STRATEGIES[Tier.T3][1], LOW, 0, MARKETING),
    # The quadrants' strategies, as the analytics dashboard words them.
    (PlaybookKind.QUADRANT, "I"): Builtin(
        gettext_lazy(
            "Neither loyal nor profitable: keep the service even and grow the inflow of new buyers."
        ),
        LOW,
        0,
        MARKETING,
    ),
    (PlaybookKind.QUADRANT, "II"): Builtin(
        gettext_lazy(
            "Golden reserve, loyal but not yet profitable: raise purchase frequency and basket "
            "size, ask for referrals."
        ),
        STD,
        30,
        OWNER,
    ),
    (PlaybookKind.QUADRANT, "III"): Builtin(
        gettext_lazy("Loyal and profitable: maximum care and loyalty programmes."), HIGH, 30, AM
    ),
    (PlaybookKind.QUADRANT, "IV"): Builtin(
        gettext_lazy("Profitable but not loyal: find out why, and win them over."),
        CONSULT,
        21,
        OWNER,
    ),
    (PlaybookKind.RFM, "champions"): Builtin(
        gettext_lazy("Reward them, ask for references and offer new lines first."), HIGH, 30, AM
    ),
    (PlaybookKind.RFM, "loyal"): Builtin(
        gettext_lazy("Keep them close: loyalty terms, upsell of higher-margin lines."),
        STD,
        45,
        OWNER,
    ),
    (PlaybookKind.RFM, "potential_loyalists"): Builtin(
        gettext_lazy("Turn them into regulars: a follow-up offer and a standing order."),
        STD,
        30,
        OWNER,
    ),
    (PlaybookKind.RFM, "new"): Builtin(
        gettext_lazy("Onboard them: check the first delivery went well, introduce the range."),
        STD,
        14,
        OWNER,
    ),
    (PlaybookKind.RFM, "promising"): Builtin(
        gettext_lazy("Build the habit: a second order soon after the first, with an incentive."),
        STD,
        30,
        OWNER,
    ),
    (PlaybookKind.RFM, "need_attention"): Builtin(
        gettext_lazy("Re-engage: a call about their plans and a limited-time offer."),
        STD,
        30,
        OWNER,
    ),
    (PlaybookKind.RFM, "about_to_sleep"): Builtin(
        gettext_lazy("Wake them up before they go quiet: a personal call and a reason to order."),
        CONSULT,
        21,
        OWNER,
    ),
    (PlaybookKind.RFM, "cannot_lose"): Builtin(
        gettext_lazy("Win them back in person: a senior visit to find out what changed."),
        HIGH,
        7,
        LEAD,
    ),
    (PlaybookKind.RFM, "at_risk"): Builtin(
        gettext_lazy("Find out why they stopped and make a tailored offer to bring them back."),
        CONSULT,
        14,
        OWNER,
    ),
    (PlaybookKind.RFM, "hibernating"): Builtin(
        gettext_lazy("Automated reactivation campaigns; no personal effort unless they respond."),
        LOW,
        0,
        MARKETING,
    ),
    (PlaybookKind.RFM, "lost"): Builtin(
        gettext_lazy("A last win-back campaign, then keep them on the newsletter only."),
        LOW,
        0,
        MARKETING,
    ),
    (PlaybookKind.ABC, "A"): Builtin(
        gettext_lazy(
            "Key accounts: a named account manager, regular reviews and priority service."
        ),
        HIGH,
        30,
        AM,
    ),
    (PlaybookKind.ABC, "B"): Builtin(
        gettext_lazy("Grow them towards A: periodic reviews and offers of our growth lines."),
        STD,
        60,
        OWNER,
    ),
    (PlaybookKind.ABC, "C"): Builtin(
        gettext_lazy("Serve them efficiently: self-service, standard terms, e-mail campaigns."),
        LOW,
        0,
        MARKETING,
    ),
    (PlaybookKind.ABC, "D"): Builtin(
        gettext_lazy("No purchases in 12 months: a win-back campaign, or let them go."),
        LOW,
        0,
        MARKETING,
    ),
}

QUADRANT_LABELS: dict[str, Promise] = {
    "I": gettext_lazy("I · low loyalty, low profit"),
    "II": gettext_lazy("II · loyal, low profit"),
    "III": gettext_lazy("III · loyal, profitable"),
    "IV": gettext_lazy("IV · profitable, not loyal"),
}
RFM_LABELS: dict[str, Promise] = {
    "champions": gettext_lazy("Champions"),
    "loyal": gettext_lazy("Loyal"),
    "potential_loyalists": gettext_lazy("Potential loyalists"),
    "new": gettext_lazy("New"),
    "promising": gettext_lazy("Promising"),
    "need_attention": gettext_lazy("Need attention"),
    "about_to_sleep": gettext_lazy("About to sleep"),
    "cannot_lose": gettext_lazy("Cannot lose them"),
    "at_risk": gettext_lazy("At risk"),
    "hibernating": gettext_lazy("Hibernating"),
    "lost": gettext_lazy("Lost"),
}
BUILTIN_KINDS = (PlaybookKind.TIER, PlaybookKind.QUADRANT, PlaybookKind.RFM, PlaybookKind.ABC)


def builtin_keys(kind: str) -> list[str]:
    return [key for k, key in BUILTIN if k == kind]


def target_label(kind: str, key: str, segment: Segment | None = None) -> str:
    """What the playbook is for, in words: "Tier 1a", "Quadrant III · loyal, profitable" …"""
    if kind == PlaybookKind.TIER:
        return str(Tier(key).label)
    if kind == PlaybookKind.QUADRANT:
        return _("Quadrant %(name)s") % {"name": QUADRANT_LABELS[key]}
    if kind == PlaybookKind.RFM:
        return _("RFM: %(name)s") % {"name": RFM_LABELS[key]}
    if kind == PlaybookKind.ABC:
        return _("ABC class %(name)s") % {"name": key}
    return _("Segment “%(name)s”") % {"name": segment.name if segment else key}


@dataclass(frozen=True)
class PlaybookView:
    """A playbook as it applies: the admin's values over the built-in ones."""

    kind: str
    key: str
    label: str
    description: str
    service_level: str
    contact_every_days: int  # 0: no regular contact
    responsible_role: str
    is_active: bool
    customised: bool
    segment: Segment | None = None

    @property
    def service_level_label(self) -> str:
        if not self.service_level:
            return "—"
        return str(ServiceLevel(self.service_level).label)

    @property
    def responsible_label(self) -> str:
        return dict(responsible_choices()).get(self.responsible_role, self.responsible_role)

    @property
    def kind_label(self) -> str:
        return str(PlaybookKind(self.kind).label)


def is_builtin(kind: str, key: str) -> bool:
    return (kind, key) in BUILTIN


def effective(
    kind: str, key: str, row: Playbook | None, segment: Segment | None = None
) -> PlaybookView:
    """The playbook of (kind, key): its row's values where set, else the built-in ones."""
    base = BUILTIN.get((kind, key))
    every = row.contact_every_days if row is not None else None
    return PlaybookView(
        kind=kind,
        key=key,
        label=target_label(kind, key, segment),
        description=(row.description if row and row.description else "")
        or (str(base.description) if base else ""),
        service_level=(row.service_level if row else "") or (base.service_level if base else ""),
        contact_every_days=every if every is not None else (base.contact_every_days if base else 0),
        responsible_role=(row.responsible_role if row else "")
        or (base.responsible_role if base else OWNER),
        is_active=row.is_active if row is not None else base is not None,
        customised=row is not None,
        segment=segment,
    )
