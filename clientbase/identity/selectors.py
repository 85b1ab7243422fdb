"""Reads of identity resolution: the review queue and the entry-time duplicate warning."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from rapidfuzz import fuzz

from clientbase.access.models import User
from clientbase.accounts.models import Account, Contact, TaxIdentifier
from clientbase.accounts.selectors import visible_accounts
from clientbase.core.text import fold
from clientbase.identity import keys
from clientbase.identity.models import CandidateStatus, DuplicateCandidate, NameKey

MIN_SCORE = 80.0  # below this a name is only "somewhat alike": not worth interrupting anyone
_MAX_CANDIDATES = 400
_ALNUM = re.compile(r"[^0-9A-Z]+")


def open_candidates(*, actor: User, min_probability: float = 0.0) -> QuerySet[DuplicateCandidate]:
    """Open pairs, most likely first, where `actor` may see *both* accounts."""
    visible = visible_accounts(actor=actor).values("pk")
    return (
        DuplicateCandidate.objects.filter(
            status=CandidateStatus.OPEN,
            probability__gte=min_probability,
            left_id__in=visible,
            right_id__in=visible,
        )
        .select_related("left", "right", "run")
        .order_by("-probability", "id")
    )


def get_candidate(*, actor: User, candidate_id: int) -> DuplicateCandidate:
    """One pair with both accounts ready for a side-by-side view, if `actor` may see both of
    its accounts (404 otherwise, as for an account)."""
    tax_ids = TaxIdentifier.objects.order_by("kind")
    candidate = (
        DuplicateCandidate.objects.select_related("left__owner", "right__owner")
        .prefetch_related(
            Prefetch("left__tax_ids", queryset=tax_ids),
            Prefetch("right__tax_ids", queryset=tax_ids),
        )
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise Http404("No such pair")
    ids = [candidate.left_id, candidate.right_id]
    if visible_accounts(actor=actor).filter(pk__in=ids).count() != 2:
        raise Http404("No such pair")
    return candidate


@dataclass(frozen=True)
class SimilarAccount:
    account: Account
    score: float  # 0..100
    reasons: list[str] = field(default_factory=list)  # e.g. ["tax_id", "name:fuzzy"]


def _name_score(query_latin: str, query_native: str, account: Account) -> float:
    """Character-correct similarity (rapidfuzz) of the typed name and the account's names."""
    best = 0.0
    q_compact = query_latin.replace(" ", "")
    q_skel = keys.skeleton(query_latin)
    names = [account.legal_name, account.display_name]
    names += [a for a in (account.aliases or []) if isinstance(a, str)]
    for name in names:
        latin = keys.latin_name(name)
        if not latin:
            continue
        best = max(
            best,
            fuzz.ratio(q_compact, latin.replace(" ", "")),
            fuzz.token_sort_ratio(query_latin, latin),
            fuzz.ratio(query_native, keys.name_key(name)),
        )
        skel = keys.skeleton(latin)
        if q_skel and skel == q_skel:
            best = max(best, 92.0)
    return float(best)


def _exact_hits(actor: User, tax_id: str, phone: str, email: str) -> dict[int, list[str]]:
    hits: dict[int, list[str]] = {}
    visible = visible_accounts(actor=actor)

    def add(ids: QuerySet[Account], reason: str) -> None:
        for pk in ids.values_list("pk", flat=True)[:_MAX_CANDIDATES]:
            hits.setdefault(pk, []).append(reason)

    value = _ALNUM.sub("", fold(tax_id).upper())
    if len(value) >= 6:
        owners = TaxIdentifier.objects.filter(value=value).exclude(kind="ru_kpp")
        add(visible.filter(pk__in=owners.values("account_id")), "tax_id")
    phones = {p for p in (keys.phone_key(phone, r) for r in ("RU", "IR")) if p} if phone else set()
    if phones:
        contacts = Contact.objects.filter(phone__in=sorted(phones)).values("account_id")
        add(visible.filter(Q(phone__in=sorted(phones)) | Q(pk__in=contacts)), "phone")
    mail = keys.email_key(email) if email else ""
    if mail:
        contacts = Contact.objects.filter(email=mail).values("account_id")
        add(visible.filter(Q(email=mail) | Q(pk__in=contacts)), "email")
    return hits


def similar_accounts(
    *,
    actor: User,
    legal_name: str,
    tax_id: str = "",
    phone: str = "",
    email: str = "",
    limit: int = 5,
) -> list[SimilarAccount]:
    """Accounts `actor` can see that look like the one being typed in, best first.

    Exact key hits (tax id, phone, e-mail) come first; names are compared in any script.
    Candidates are found by indexed lookups only (the name's skeleton prefix from the last
    dedupe run, the folded name's longest word, the exact keys), then scored in Python, so
    this stays fast enough for each keystroke on a large base.
    """
    hits = _exact_hits(actor, tax_id, phone, email)
    native = keys.name_key(legal_name)
    latin = keys.latin_name(legal_name)
    candidate_ids: set[int] = set(hits)
    if latin:
        prefix = keys.skeleton(latin)[:4]
        if len(prefix) >= 3:
            candidate_ids.update(
                NameKey.objects.filter(prefix=prefix).values_list("account_id", flat=True)[
                    :_MAX_CANDIDATES
                ]
            )
        words = sorted(native.split(), key=len, reverse=True)
        if words and len(words[0]) >= 3:
            with contextlib.suppress(ValueError):
                candidate_ids.update(
                    Account.objects.filter(search_name__contains=words[0]).values_list(
                        "pk", flat=True
                    )[:_MAX_CANDIDATES]
                )
    if not candidate_ids:
        return []
    found: list[SimilarAccount] = []
    for account in (
        visible_accounts(actor=actor)
        .filter(pk__in=sorted(candidate_ids))
        .only("id", "legal_name", "display_name", "aliases", "city", "phone", "email")
    ):
        reasons = list(hits.get(account.pk, []))
        score = _name_score(latin, native, account) if latin else 0.0
        if score >= MIN_SCORE:
            reasons.append("name:exact" if score >= 99.5 else "name:fuzzy")
        if reasons:
            bonus = 100.0 if any(not r.startswith("name") for r in reasons) else 0.0
            found.append(SimilarAccount(account=account, score=max(score, bonus), reasons=reasons))
    found.sort(key=lambda s: (-s.score, -len(s.reasons), s.account.pk))
    return found[: max(1, limit)]
