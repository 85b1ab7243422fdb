"""Helpers for the sign-in tests: post a login, read the answer without its per-request noise."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse


class CountingHasher(Argon2PasswordHasher):
    """Argon2 at test cost that counts how many hashes it computed (the costly step)."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
    computed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.computed += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.computed += 1
        return super().verify(password, encoded)


def post_login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def normalised(response: HttpResponse, username: str) -> tuple[int, str, str]:
    """Status, content type and page with the CSRF token, CSP nonces and echoed name blanked."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
    html = html.replace(f'value="{username}"', 'value=""')
    return response.status_code, response["Content-Type"], html


def previous_step_code(secret: str) -> str:
    """The code of the previous 30-second step, taken well clear of a step boundary: the step
    must not roll over between taking the code and checking it (accepted window is now ±1)."""
    import time

    import pyotp

    while time.time() % 30 > 26:
        time.sleep(0.25)
    return pyotp.TOTP(secret).at(time.time() - 30)
