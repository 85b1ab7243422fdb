"""Out of the box: a per-installation secret key kept in the var dir, and SQLite tuned for a
web server and workers sharing one file (WAL, foreign keys, a busy timeout)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.test_settings import start

PRINT_SECRET_KEY = [
    "-c",
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
]


def secret_key_of_a_run(tmp_path: Path, **env: str) -> str:
    result = start(tmp_path, PRINT_SECRET_KEY, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_first_run_generates_a_secret_key_into_the_var_dir(tmp_path: Path) -> None:
    key = secret_key_of_a_run(tmp_path)

    stored = tmp_path / "var" / "secret_key"
    assert stored.read_text() == key
    assert len(key) >= 50
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_the_second_run_reuses_it(tmp_path: Path) -> None:
    first = secret_key_of_a_run(tmp_path)

    assert secret_key_of_a_run(tmp_path) == first


def test_another_installation_gets_another_key(tmp_path: Path) -> None:
    assert secret_key_of_a_run(tmp_path / "a") != secret_key_of_a_run(tmp_path / "b")


def test_production_settings_never_write_a_development_key(tmp_path: Path) -> None:
    result = start(
        tmp_path,
        PRINT_SECRET_KEY,
        DJANGO_SETTINGS_MODULE="config.production",
        ALLOWED_HOSTS="crm.example.com",
    )

    assert result.returncode != 0
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_secret_key_from_the_environment_wins_and_nothing_is_written(tmp_path: Path) -> None:
    assert (
        secret_key_of_a_run(tmp_path, SECRET_KEY="from-the-environment") == "from-the-environment"
    )
    assert not (tmp_path / "var" / "secret_key").exists()


# --- SQLite ----------------------------------------------------------------------------------

PRINT_PRAGMAS = [
    "-c",
    "import django; django.setup(); from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    for p in ('journal_mode', 'foreign_keys', 'busy_timeout', 'synchronous'):\n"
    "        c.execute(f'PRAGMA {p}'); print(p, c.fetchone()[0])",
]


def pragma(name: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        row = cursor.fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def sqlite(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(f"the suite runs on {connection.vendor}, not SQLite")


@pytest.mark.usefixtures("sqlite")
def test_the_connection_writes_ahead() -> None:
    assert pragma("journal_mode") == "wal"


@pytest.mark.usefixtures("sqlite")
def test_the_connection_enforces_foreign_keys() -> None:
    assert pragma("foreign_keys") == 1


@pytest.mark.usefixtures("sqlite")
def test_the_connection_waits_for_a_busy_database() -> None:
    expected_seconds = settings.DATABASES["default"]["OPTIONS"]["timeout"]

    assert expected_seconds >= 1
    assert pragma("busy_timeout") == expected_seconds * 1000


@pytest.mark.usefixtures("sqlite")
def test_the_connection_syncs_normally_as_wal_allows() -> None:
    assert pragma("synchronous") == 1  # NORMAL


def test_the_busy_timeout_comes_from_the_environment(tmp_path: Path) -> None:
    """Whatever the suite runs on, a fresh SQLite installation gets the configured timeout."""
    result = start(tmp_path, PRINT_PRAGMAS, SQLITE_BUSY_TIMEOUT_SECONDS="7")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [
        "journal_mode wal",
        "foreign_keys 1",
        "busy_timeout 7000",
        "synchronous 1",
    ]
    assert (tmp_path / "var" / "clientbase.sqlite3").exists()
