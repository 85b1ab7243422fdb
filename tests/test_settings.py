"""A misconfigured environment stops clientbase at start-up, with one line naming the variable.

Each case starts Django in a fresh process with one bad variable and reads the last line of
stderr, where Python prints the exception; the CLI turns that same EnvError into its own one
clear line (tests/test_cli.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = ["-c", "import django; django.setup()"]
CHECK = ["manage.py", "check"]
GOOD_SECRET = "k" * 50
OUR_VARIABLES = {
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "LOG_LEVEL",
    "SQLITE_BUSY_TIMEOUT_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
}


def start(tmp_path: Path, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a clean environment (the test run's own settings left out) plus `env`."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in OUR_VARIABLES and not name.startswith(("CLIENTBASE_", "DJANGO_"))
    }
    environ.update(
        CLIENTBASE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings"
    )
    environ.update(env)
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_stops_naming(
    result: subprocess.CompletedProcess[str], variable: str, *words: str
) -> str:
    assert result.returncode != 0, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    if last_line.startswith("clientbase: configuration: "):
        # manage.py catches the error and prints just this line.
        assert "Traceback" not in result.stderr, result.stderr
        message = last_line.removeprefix("clientbase: configuration: ")
    else:
        exception, _, message = last_line.partition(": ")
        assert exception.endswith("EnvError"), result.stderr
    assert message.startswith(f"{variable} "), result.stderr
    for word in words:
        assert word in message, result.stderr
    return message


BAD_ENVIRONMENTS = [
    pytest.param({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", "sqlite:///", id="mysql"),
    pytest.param({"DATABASE_URL": "sqlite:///"}, "DATABASE_URL", "file", id="sqlite-no-file"),
    pytest.param(
        {"DATABASE_URL": "postgres://db.local/"}, "DATABASE_URL", "database", id="pg-no-db"
    ),
    pytest.param(
        {"DATABASE_URL": "postgres://u@db.local:five/crm"}, "DATABASE_URL", "port", id="pg-bad-port"
    ),
    pytest.param({"CLIENTBASE_DEBUG": "maybe"}, "CLIENTBASE_DEBUG", "'maybe'", id="debug"),
    pytest.param(
        {"SQLITE_BUSY_TIMEOUT_SECONDS": "abc"},
        "SQLITE_BUSY_TIMEOUT_SECONDS",
        "integer",
        id="busy-timeout-abc",
    ),
    pytest.param(
        {"SQLITE_BUSY_TIMEOUT_SECONDS": "0"},
        "SQLITE_BUSY_TIMEOUT_SECONDS",
        "at least 1",
        id="busy-timeout-zero",
    ),
    pytest.param({"CLIENTBASE_PAGE_SIZE": "0"}, "CLIENTBASE_PAGE_SIZE", "at least 1", id="page"),
    pytest.param(
        {"CLIENTBASE_DEFAULT_LANGUAGE": "de"},
        "CLIENTBASE_DEFAULT_LANGUAGE",
        "en, ru, fa",
        id="lang",
    ),
    pytest.param({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "'LOUD'", id="log-level"),
]


@pytest.mark.parametrize(("env", "variable", "hint"), BAD_ENVIRONMENTS)
def test_a_bad_variable_stops_django_setup_naming_it(
    tmp_path: Path, env: dict[str, str], variable: str, hint: str
) -> None:
    assert_stops_naming(start(tmp_path, SETUP, **env), variable, hint)


@pytest.mark.parametrize(("env", "variable", "hint"), BAD_ENVIRONMENTS[:5])
def test_a_bad_variable_stops_manage_py_naming_it(
    tmp_path: Path, env: dict[str, str], variable: str, hint: str
) -> None:
    assert_stops_naming(start(tmp_path, CHECK, **env), variable, hint)


def test_a_bad_database_url_never_echoes_its_password(tmp_path: Path) -> None:
    result = start(tmp_path, SETUP, DATABASE_URL="mysql://admin:s3cr3t-pw@db.local/crm")

    assert_stops_naming(result, "DATABASE_URL")
    assert "s3cr3t-pw" not in result.stderr


def test_a_good_environment_starts(tmp_path: Path) -> None:
    result = start(tmp_path, CHECK, CLIENTBASE_DEBUG="yes", SQLITE_BUSY_TIMEOUT_SECONDS="5")

    assert result.returncode == 0, result.stderr


# --- Production --------------------------------------------------------------------------------


def production(tmp_path: Path, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return start(tmp_path, command, DJANGO_SETTINGS_MODULE="config.production", **env)


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = production(tmp_path, CHECK, ALLOWED_HOSTS="crm.example.com")

    assert_stops_naming(result, "SECRET_KEY", "at least 50")


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    result = production(tmp_path, SETUP, SECRET_KEY="k" * 49, ALLOWED_HOSTS="crm.example.com")

    assert_stops_naming(result, "SECRET_KEY", "at least 50")


@pytest.mark.parametrize("hosts", [None, "", " , "], ids=["unset", "empty", "only-commas"])
def test_production_refuses_to_start_without_allowed_hosts(
    tmp_path: Path, hosts: str | None
) -> None:
    env = {"SECRET_KEY": GOOD_SECRET} | ({} if hosts is None else {"ALLOWED_HOSTS": hosts})

    assert_stops_naming(production(tmp_path, SETUP, **env), "ALLOWED_HOSTS")


def test_production_starts_with_a_long_secret_key_and_its_hosts(tmp_path: Path) -> None:
    probe = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    result = production(
        tmp_path,
        ["-c", f"import django; django.setup(); {probe}"],
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="crm.example.com, www.crm.example.com",
        CLIENTBASE_DEBUG="true",  # production ignores it
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['crm.example.com', 'www.crm.example.com']"
