"""The entry-time duplicate check's name index (NameKey), kept current by every account write.

Accounts' writes (create, rename, merge, undo, import, rollback) call `refresh_name_keys` inside
their own transaction, so an account typed in a minute ago is found by the next check without
waiting for a dedupe run. This module imports nothing from accounts: identity's services and
selectors import accounts, so accounts may only call into this leaf, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection

from clientbase.identity import keys
from clientbase.identity.models import NameKey

_BATCH = 5_000  # ids per query: far below every database's parameter limit
_INSERT = (
    "INSERT INTO identity_namekey (account_id, latin, skeleton, prefix) VALUES (%s, %s, %s, %s)"
)


def name_key_fields(legal_name: str, display_name: str) -> tuple[str, str, str]:
    """(latin, skeleton, prefix) of an account's names, as the dedupe run computes them."""
    latin = keys.latin_name(legal_name or "") or keys.latin_name(display_name or "")
    skel = keys.skeleton(latin)
    return latin[:300], skel[:300], skel[:4]


def refresh_name_keys(*, account_ids: Iterable[int]) -> int:
    """Recompute the name keys of these accounts; a merged-away or deleted account loses its
    key. Works in batches (a whole import chunk at once); returns how many keys were written.

    Plain DELETE and executemany INSERT: building 20k model instances for bulk_create cost
    more than computing the keys themselves."""
    account = apps.get_model("accounts", "Account")
    ids = sorted(set(account_ids))
    written = 0
    for start in range(0, len(ids), _BATCH):
        part = ids[start : start + _BATCH]
        rows = account._default_manager.filter(pk__in=part, merged_into__isnull=True).values_list(
            "pk", "legal_name", "display_name"
        )
        fresh = [(pk, *name_key_fields(legal, display)) for pk, legal, display in rows]
        NameKey.objects.filter(account_id__in=part).delete()  # one DELETE: nothing cascades
        if fresh:
            with connection.cursor() as cursor:
                cursor.executemany(_INSERT, fresh)
        written += len(fresh)
    return written
