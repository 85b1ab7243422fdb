"""Production settings: secure, host-only, script-proof cookies and a deploy check with no
warnings (scripts/test-all runs `check --deploy --fail-level WARNING` too)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_settings import GOOD_SECRET, production

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
    " s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE,"
    " s.PASSWORD_HASHERS[0]]))"
)


def test_production_cookies_are_secure_host_only_and_hidden_from_scripts(tmp_path: Path) -> None:
    result = production(
        tmp_path, ["-c", PROBE], SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="crm.example.com"
    )
    assert result.returncode == 0, result.stderr
    session, s_secure, s_http, csrf, c_secure, c_http, age, hasher = json.loads(result.stdout)
    assert session.startswith("__Host-")
    assert csrf.startswith("__Host-")
    assert s_secure is s_http is c_secure is c_http is True
    assert age <= 12 * 3600
    assert hasher.endswith("Argon2PasswordHasher")


def test_the_deploy_check_is_clean(tmp_path: Path) -> None:
    result = production(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="x" * 30 + "Qz9!kLm2#pR7vW4&nB6^tY8*cD1@fG3$",
        ALLOWED_HOSTS="crm.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
