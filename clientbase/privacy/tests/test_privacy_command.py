"""`clientbase privacy ...`: rules set and shown, the retention run, consent texts published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from clientbase.accounts.models import Contact
from clientbase.cli import main
from clientbase.privacy.models import ConsentText, DestructionAct, RetentionRule


@pytest.mark.django_db(transaction=True)
def test_it_sets_a_rule_and_the_run_anonymises_expired_contacts(
    capsys: pytest.CaptureFixture[str], person: Contact
) -> None:
    Contact.objects.filter(pk=person.pk).update(updated_at=timezone.now() - dt.timedelta(days=800))

    main(["privacy", "retention", "--set", "inactive_contact", "730"])
    main(["privacy", "enforce-retention", "--dry-run"])
    dry = capsys.readouterr().out
    main(["privacy", "enforce-retention"])
    main(["privacy", "enforce-retention"])
    out = capsys.readouterr().out

    assert RetentionRule.objects.get().days == 730
    assert "inactive_contact: 1 contacts would be anonymised" in dry
    assert "inactive_contact: 1 contacts anonymised" in out
    assert "inactive_contact: 0 contacts anonymised" in out
    assert DestructionAct.objects.count() == 1


def test_it_refuses_an_unknown_kind_in_one_line(
    capsys: pytest.CaptureFixture[str], db: None
) -> None:
    with pytest.raises(SystemExit):
        main(["privacy", "retention", "--set", "forever", "10"])

    err = capsys.readouterr().err
    assert "kind: choose one of inactive_contact, consent_withdrawn" in err
    assert "Traceback" not in err


def test_it_publishes_a_consent_text_from_a_file(
    capsys: pytest.CaptureFixture[str], db: None, tmp_path: Path
) -> None:
    source = tmp_path / "consent-ru.txt"
    source.write_text("Я согласен на обработку персональных данных.", encoding="utf-8")

    main(
        [
            "privacy",
            "consent-text",
            "--purpose",
            "personal_data",
            "--version",
            "2026-01",
            "--language",
            "ru",
            "--file",
            str(source),
        ]
    )

    text = ConsentText.objects.get()
    assert text.text == "Я согласен на обработку персональных данных."
    assert "Published consent text personal_data 2026-01 (ru)" in capsys.readouterr().out
