"""The typed environment readers: a value, a default, or an EnvError naming the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    DatabaseUrl,
    EnvError,
    development_secret_key,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

VAR = "CLIENTBASE_TEST_VALUE"


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)


def test_an_env_error_is_an_improperly_configured() -> None:
    assert issubclass(EnvError, ImproperlyConfigured)


# --- env_str ---------------------------------------------------------------------------------


def test_env_str_reads_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " as is ")

    assert env_str(VAR, "default") == " as is "


def test_env_str_falls_back_to_the_default() -> None:
    assert env_str(VAR, "default") == "default"


def test_env_str_keeps_an_empty_value_rather_than_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VAR, "")

    assert env_str(VAR, "default") == ""


def test_env_str_without_a_default_requires_the_variable() -> None:
    with pytest.raises(EnvError, match=f"^{VAR} must be set$"):
        env_str(VAR)


# --- env_bool --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", " YES ", "on"])
def test_env_bool_reads_yes(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)

    assert env_bool(VAR, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", " off ", ""])
def test_env_bool_reads_no(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)

    assert env_bool(VAR, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default(default: bool) -> None:
    assert env_bool(VAR, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)

    with pytest.raises(EnvError, match=f"^{VAR} must be a boolean .*got '{raw}'$"):
        env_bool(VAR, False)


# --- env_int ---------------------------------------------------------------------------------


def test_env_int_reads_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " 42 ")

    assert env_int(VAR, 1, minimum=1) == 42


def test_env_int_falls_back_to_the_default() -> None:
    assert env_int(VAR, 20) == 20


@pytest.mark.parametrize("raw", ["abc", "", "1.5", "20s"])
def test_env_int_refuses_what_is_not_a_whole_number(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VAR, raw)

    with pytest.raises(EnvError, match=f"^{VAR} must be an integer, got '{raw}'$"):
        env_int(VAR, 20)


def test_env_int_refuses_a_number_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "0")

    with pytest.raises(EnvError, match=f"^{VAR} must be at least 1, got 0$"):
        env_int(VAR, 20, minimum=1)


# --- env_list and env_choice -----------------------------------------------------------------


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " crm.example.com, ,www.crm.example.com ,")

    assert env_list(VAR, []) == ["crm.example.com", "www.crm.example.com"]


def test_env_list_gives_a_copy_of_the_default() -> None:
    default = ["localhost"]

    hosts = env_list(VAR, default)
    hosts.append("evil.example.com")

    assert default == ["localhost"]


def test_env_choice_accepts_a_listed_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "fa")

    assert env_choice(VAR, "en", ("en", "ru", "fa")) == "fa"


def test_env_choice_refuses_an_unlisted_value_listing_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VAR, "de")

    with pytest.raises(EnvError, match=f"^{VAR} must be one of en, ru, fa, got 'de'$"):
        env_choice(VAR, "en", ("en", "ru", "fa"))


# --- parse_database_url ----------------------------------------------------------------------


def test_it_reads_a_relative_sqlite_path() -> None:
    assert parse_database_url("DATABASE_URL", "sqlite:///var/crm.sqlite3") == DatabaseUrl(
        engine="sqlite", name="var/crm.sqlite3"
    )


def test_it_reads_an_absolute_sqlite_path() -> None:
    assert (
        parse_database_url("DATABASE_URL", "sqlite:////srv/crm.sqlite3").name == "/srv/crm.sqlite3"
    )


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_it_reads_a_postgres_url_with_quoted_credentials(scheme: str) -> None:
    url = f"{scheme}://crm%40ops:p%40ss%2Fword@db.local:5433/client%20base"

    assert parse_database_url("DATABASE_URL", url) == DatabaseUrl(
        engine="postgresql",
        name="client base",
        user="crm@ops",
        password="p@ss/word",
        host="db.local",
        port="5433",
    )


def test_it_leaves_out_what_a_postgres_url_does_not_say() -> None:
    assert parse_database_url("DATABASE_URL", "postgres:///crm") == DatabaseUrl(
        engine="postgresql", name="crm"
    )


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("mysql://x", "must start with sqlite:/// or postgres://"),
        ("", "must start with sqlite:/// or postgres://"),
        ("/var/crm.sqlite3", "must start with sqlite:/// or postgres://"),
        ("sqlite:///", "must name a file"),
        ("sqlite://var/crm.sqlite3", "must name a file"),
        ("postgres://db.local/", "must name a database"),
        ("postgres://db.local", "must name a database"),
        ("postgres://u@db.local:five/crm", "port"),
        ("postgres://u@db.local:99999/crm", "port"),
    ],
)
def test_it_refuses_a_url_it_cannot_use_naming_the_variable(raw: str, words: str) -> None:
    with pytest.raises(EnvError) as refused:
        parse_database_url("DATABASE_URL", raw)

    assert str(refused.value).startswith("DATABASE_URL must")
    assert words in str(refused.value)


@pytest.mark.parametrize(
    "raw", ["mysql://admin:s3cr3t-pw@db.local/crm", "postgres://admin:s3cr3t-pw@db.local:x/crm"]
)
def test_its_error_never_contains_the_password(raw: str) -> None:
    with pytest.raises(EnvError) as refused:
        parse_database_url("DATABASE_URL", raw)

    assert "s3cr3t-pw" not in str(refused.value)


# --- development_secret_key ------------------------------------------------------------------


def test_the_development_key_is_created_on_first_use_readable_only_by_us(tmp_path: Path) -> None:
    var_dir = tmp_path / "not" / "yet" / "there"

    key = development_secret_key(var_dir)

    stored = var_dir / "secret_key"
    assert stored.read_text() == key
    assert len(key) >= 50
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_the_development_key_is_reused_afterwards(tmp_path: Path) -> None:
    first = development_secret_key(tmp_path)

    assert development_secret_key(tmp_path) == first


def test_each_installation_gets_its_own_development_key(tmp_path: Path) -> None:
    assert development_secret_key(tmp_path / "a") != development_secret_key(tmp_path / "b")


def test_a_hand_edited_key_file_is_read_without_its_newline(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("my-own-key\n")

    assert development_secret_key(tmp_path) == "my-own-key"
