"""Brute force: 1,000 attempts over 100 usernames (half real, half unknown) end in lockout, and
a real name is answered exactly like an unknown one at every step: same status, same page, the
same number of password hashes computed (the timing class)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.access.services import create_user
from clientbase.login.models import LoginThrottle
from clientbase.login.selectors import username_key
from clientbase.login.tests.support import CountingHasher, normalised, post_login
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NAMES = 100
TRIES_PER_NAME = 10


@pytest.fixture
def counting_hasher(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["clientbase.login.tests.support.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


@pytest.fixture
def usernames(counting_hasher: type[CountingHasher]) -> dict[str, bool]:
    """100 names, alternately a real user and a name nobody has: name -> is real."""
    names = {}
    for n in range(NAMES):
        name = f"person{n:03d}"
        real = n % 2 == 0
        if real:
            create_user(actor=None, username=name, password=PASSWORD)
        names[name] = real
    return names


def test_a_thousand_guesses_lock_every_name_and_never_tell_real_from_unknown(
    client: Client, usernames: dict[str, bool], counting_hasher: type[CountingHasher], settings: Any
) -> None:
    threshold = settings.LOGIN_LOCKOUT_USERNAME_FAILURES
    # answers[try] = {(is_real, normalised response, hashes computed)}
    answers: dict[int, set[tuple[bool, tuple[int, str, str], int]]] = {}
    attempts = 0
    for n, (name, real) in enumerate(usernames.items()):
        for attempt in range(TRIES_PER_NAME):
            before = counting_hasher.computed
            # a botnet: every guess from another address, so only the per-name lock can stop it
            response = post_login(client, name, f"guess-{attempt}", ip=f"10.{n}.{attempt}.1")
            attempts += 1
            answers.setdefault(attempt, set()).add(
                (real, normalised(response, name), counting_hasher.computed - before)
            )
    assert attempts == NAMES * TRIES_PER_NAME == 1000
    for attempt, seen in answers.items():
        real_answers = {(page, hashes) for real, page, hashes in seen if real}
        unknown_answers = {(page, hashes) for real, page, hashes in seen if not real}
        assert real_answers == unknown_answers, f"attempt {attempt + 1} tells them apart"
        assert len(real_answers) == 1
    first_page = next(iter(answers[0]))[1][2]
    last_page = next(iter(answers[TRIES_PER_NAME - 1]))[1][2]
    assert "do not match an active account" in first_page
    assert "Too many failed attempts" in last_page
    # a guess costs one hash until the name locks, none after (real or unknown alike)
    assert {hashes for _r, _p, hashes in answers[0]} == {1}
    assert {hashes for _r, _p, hashes in answers[threshold]} == {0}
    locked = LoginThrottle.objects.filter(
        key__in=[username_key(name) for name in usernames], locked_until__isnull=False
    )
    assert locked.count() == NAMES
    # even the right password is refused now, for a real user
    real_name = next(name for name, real in usernames.items() if real)
    response = post_login(client, real_name, PASSWORD, ip="192.0.2.200")
    assert "Too many failed attempts" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_password_spray_from_one_address_locks_that_address_for_real_and_unknown_names(
    client: Client, usernames: dict[str, bool], settings: Any
) -> None:
    limit = settings.LOGIN_LOCKOUT_IP_FAILURES
    pages: dict[bool, set[tuple[int, str, str]]] = {True: set(), False: set()}
    for n, (name, real) in enumerate(usernames.items()):
        response = post_login(client, name, "Summer2026!", ip="203.0.113.9")
        if n >= limit:
            pages[real].add(normalised(response, name))
    assert pages[True] == pages[False]
    assert len(pages[True]) == 1
    assert "Too many failed attempts" in next(iter(pages[True]))[2]
    # another address is not affected
    assert post_login(client, "person000", PASSWORD, ip="198.51.100.1").status_code == 302


def test_a_deactivated_user_is_answered_like_an_unknown_one(
    client: Client, usernames: dict[str, bool], counting_hasher: type[CountingHasher]
) -> None:
    User.objects.filter(username="person000").update(is_active=False)
    counting_hasher.computed = 0
    gone = post_login(client, "person000", PASSWORD, ip="10.1.1.1")
    gone_hashes = counting_hasher.computed
    unknown = post_login(client, "person001", PASSWORD, ip="10.1.1.2")
    assert normalised(gone, "person000") == normalised(unknown, "person001")
    assert gone_hashes == counting_hasher.computed - gone_hashes == 1
    assert reverse("web:login") == gone.wsgi_request.path
