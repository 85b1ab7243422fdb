"""Sealing personal values for append-only copies, and reading them back."""

from __future__ import annotations

import json

from clientbase.accounts.models import Contact
from clientbase.privacy.sealing import ERASED, reveal, reveal_many, seal_personal, shred
from clientbase.privacy.tests.conftest import NAME


def test_it_seals_only_personal_fields_and_opens_them_again(person: Contact) -> None:
    changes = {"full_name": ["", NAME], "rank": [3, 1], "email": ""}

    sealed = seal_personal(contact_id=person.pk, changes=changes)

    assert NAME not in json.dumps(sealed, ensure_ascii=False)
    assert sealed["rank"] == [3, 1]
    assert sealed["email"] == ""  # nothing to hide
    assert reveal(sealed) == changes


def test_a_value_sealed_for_one_person_does_not_open_under_anothers_id(person: Contact) -> None:
    sealed = seal_personal(contact_id=person.pk, changes={"full_name": NAME})
    tampered = {"full_name": {**sealed["full_name"], "s": person.pk + 1}}

    assert reveal(tampered) == {"full_name": ERASED}


def test_after_shredding_every_copy_reads_as_erased(person: Contact) -> None:
    copies = [seal_personal(contact_id=person.pk, changes={"full_name": NAME}) for _ in range(3)]

    assert shred(person.pk) is True

    assert reveal_many(copies) == [{"full_name": ERASED}] * 3
