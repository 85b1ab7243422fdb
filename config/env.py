"""Typed readers for the environment. Only the settings modules import this.

Each helper fails fast with one line naming the variable and what was wrong, so a
misconfigured deployment stops at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A setting in the environment is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise EnvError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise EnvError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise EnvError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""


def parse_database_url(name: str, raw: str) -> DatabaseUrl:
    """Understands sqlite:///relative/path, sqlite:////absolute/path and postgres(ql)://."""
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        path = raw[len("sqlite:///") :] if raw.startswith("sqlite:///") else ""
        if not path:
            raise EnvError(f"{name} must name a file, e.g. sqlite:///var/clientbase.sqlite3")
        return DatabaseUrl(engine="sqlite", name=path)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db = parts.path.lstrip("/")
        if not db:
            raise EnvError(
                f"{name} must name a database, e.g. postgres://user@host:5432/clientbase"
            )
        try:
            port = parts.port
        except ValueError:
            raise EnvError(f"{name} must have a port number from 1 to 65535") from None
        return DatabaseUrl(
            engine="postgresql",
            name=unquote(db),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=str(port or ""),
        )
    # Only the scheme: the rest of the URL may hold a password.
    raise EnvError(f"{name} must start with sqlite:/// or postgres://, got {parts.scheme!r}")


def development_secret_key(var_dir: Path) -> str:
    """A per-installation key kept in var/, created on first run."""
    import secrets

    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
