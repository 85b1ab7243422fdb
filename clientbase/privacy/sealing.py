"""Crypto-shredding: personal values that go into append-only copies (audit diffs) are sealed
with the person's own AES-256-GCM key. Reading them needs the key; erasure deletes the key, and
every copy becomes unreadable without rewriting a single audit row.

A sealed value is a small JSON object: {"$sealed": 1, "s": <contact id>, "n": nonce, "c": data}
(base64). Write paths call `seal_personal` on the changes they pass to `record_audit`; readers
call `reveal` (or `reveal_events`) and get the plain values back, or ERASED once the key is gone.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clientbase.privacy.models import SubjectKey

SEALED = "$sealed"
ERASED = "[erased]"

# Contact fields that identify a person: sealed whenever they appear in an audit diff.
PERSONAL_FIELDS: frozenset[str] = frozenset(
    {"full_name", "position", "phone", "email", "phones", "emails", "messengers"}
)


def _aad(contact_id: int) -> bytes:
    return f"accounts.contact:{contact_id}".encode()


def subject_key(contact_id: int) -> bytes:
    """The person's key, made on first use. Call inside the write's transaction."""
    row, _created = SubjectKey.objects.get_or_create(
        contact_id=contact_id, defaults={"key": AESGCM.generate_key(bit_length=256)}
    )
    return bytes(row.key)


def seal_value(contact_id: int, value: Any, *, key: bytes | None = None) -> dict[str, Any]:
    key = key if key is not None else subject_key(contact_id)
    nonce = os.urandom(12)
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    data = AESGCM(key).encrypt(nonce, plain, _aad(contact_id))
    return {
        SEALED: 1,
        "s": contact_id,
        "n": base64.b64encode(nonce).decode(),
        "c": base64.b64encode(data).decode(),
    }


def seal_personal(
    *,
    contact_id: int,
    changes: dict[str, Any],
    fields: Iterable[str] = PERSONAL_FIELDS,
) -> dict[str, Any]:
    """`changes` with every personal field's value (or [old, new] pair) sealed; other fields
    as they were. Empty values are left plain: they say nothing about anyone. `fields` names
    free-text fields that talk about the person (an activity's subject, a deal's title)."""
    personal = frozenset(fields)
    key: bytes | None = None
    sealed: dict[str, Any] = {}
    for name, value in changes.items():
        if name in personal and _has_content(value):
            key = key if key is not None else subject_key(contact_id)
            sealed[name] = seal_value(contact_id, value, key=key)
        else:
            sealed[name] = value
    return sealed


def _has_content(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_has_content(v) for v in value)
    if isinstance(value, dict):
        return any(_has_content(v) for v in value.values())
    return value not in (None, "")


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SEALED) == 1 and "s" in value


def _subjects(value: Any, found: set[int]) -> None:
    if is_sealed(value):
        found.add(int(value["s"]))
    elif isinstance(value, dict):
        for item in value.values():
            _subjects(item, found)
    elif isinstance(value, list):
        for item in value:
            _subjects(item, found)


def _keys_for(values: Iterable[Any]) -> dict[int, bytes]:
    found: set[int] = set()
    for value in values:
        _subjects(value, found)
    if not found:
        return {}
    return {
        contact_id: bytes(key)
        for contact_id, key in SubjectKey.objects.filter(contact_id__in=found).values_list(
            "contact_id", "key"
        )
    }


def _open(value: dict[str, Any], keys: dict[int, bytes]) -> Any:
    contact_id = int(value["s"])
    key = keys.get(contact_id)
    if key is None:
        return ERASED
    try:
        plain = AESGCM(key).decrypt(
            base64.b64decode(value["n"]), base64.b64decode(value["c"]), _aad(contact_id)
        )
    except (InvalidTag, ValueError, KeyError):
        return ERASED
    return json.loads(plain)


def _reveal(value: Any, keys: dict[int, bytes]) -> Any:
    if is_sealed(value):
        return _open(value, keys)
    if isinstance(value, dict):
        return {k: _reveal(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v, keys) for v in value]
    return value


def reveal(changes: Any) -> Any:
    """`changes` with sealed values opened; ERASED where the person's key was destroyed."""
    return _reveal(changes, _keys_for([changes]))


def reveal_many(changes_list: list[Any]) -> list[Any]:
    """Like `reveal` for many diffs at once (one key query for all of them)."""
    keys = _keys_for(changes_list)
    return [_reveal(changes, keys) for changes in changes_list]


def shred(contact_id: int) -> bool:
    """Destroy the person's key. Whether there was one."""
    deleted, _ = SubjectKey.objects.filter(contact_id=contact_id).delete()
    return deleted > 0
