"""The `clientbase` command: one clear line and a non-zero exit on any mistake, never a trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "CLIENTBASE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'cli.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "clientbase.cli", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("clientbase: error")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0]


def test_it_rejects_an_unknown_command(tmp_path: Path) -> None:
    assert_one_clear_line(run(tmp_path, "fly"), "fly")


def test_it_rejects_an_unknown_scale(tmp_path: Path) -> None:
    assert_one_clear_line(run(tmp_path, "generate", "--scale", "XXL"), "XXL")


def test_it_rejects_a_seed_that_is_not_a_number(tmp_path: Path) -> None:
    assert_one_clear_line(run(tmp_path, "generate", "--seed", "abc"), "abc")


def test_it_rejects_a_malformed_database_url(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", DATABASE_URL="mysql://somewhere/db")
    assert_one_clear_line(result, "DATABASE_URL")


def test_it_rejects_a_malformed_boolean_setting(tmp_path: Path) -> None:
    assert_one_clear_line(run(tmp_path, "serve", CLIENTBASE_DEBUG="maybe"), "CLIENTBASE_DEBUG")


def test_it_rejects_production_without_a_secret_key(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "serve",
        DJANGO_SETTINGS_MODULE="config.production",
        SECRET_KEY="",
        ALLOWED_HOSTS="crm.example.com",
    )
    assert_one_clear_line(result, "SECRET_KEY")


def test_it_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert_one_clear_line(result, "database")


def test_it_rejects_an_unknown_role(tmp_path: Path) -> None:
    result = run(tmp_path, "createuser", "anna", "--role", "pirate", "--password", "x" * 12)
    assert_one_clear_line(result, "pirate")


def test_it_rejects_a_weak_password(tmp_path: Path) -> None:
    result = run(tmp_path, "createuser", "anna", "--role", "rep", "--password", "12345")
    assert_one_clear_line(result)


def test_it_creates_a_user_and_refuses_the_same_name_twice(tmp_path: Path) -> None:
    from django.conf import settings

    if settings.DATABASE_ENGINE != "sqlite":
        pytest.skip("the subprocess uses its own SQLite file; once is enough")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env={
            **os.environ,
            "CLIENTBASE_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'cli.sqlite3'}",
        },
        check=True,
        timeout=120,
    )
    assert migrate.returncode == 0
    password = "a long enough passphrase"
    first = run(tmp_path, "createuser", "anna", "--role", "analyst", "--password", password)
    assert first.returncode == 0, first.stderr
    assert "anna" in first.stdout
    again = run(tmp_path, "createuser", "anna", "--role", "analyst", "--password", password)
    assert_one_clear_line(again, "anna")


def test_it_reports_a_port_in_use_in_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(tmp_path, "serve", "--port", str(port))
    assert_one_clear_line(result, str(port))
