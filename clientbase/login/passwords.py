"""The offline breached-password check: zxcvbn's 30,000 most common leaked passwords.

Django's CommonPasswordValidator (20,000 passwords) runs next to it. This one also catches the
usual disguises of a leaked password: other letter case, and digits or symbols tacked on the
end ("Dragon2024!"), and it knows nothing about the user, so it runs with no network at all.
"""

from __future__ import annotations

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TAIL = re.compile(r"[\W\d_]+$")
_HEAD = re.compile(r"^[\W\d_]+")


@cache
def breached_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def variants(password: str) -> set[str]:
    """The password and its core with leading and trailing digits/symbols removed, folded."""
    folded = password.strip().casefold()
    core = _HEAD.sub("", _TAIL.sub("", folded))
    return {folded, core} if len(core) >= 4 else {folded}


def is_breached(password: str) -> bool:
    known = breached_passwords()
    return any(variant in known for variant in variants(password))


class BreachedPasswordValidator:
    def validate(self, password: str, user: object = None) -> None:
        if is_breached(password):
            raise ValidationError(
                _(
                    "This password, or the word it is built on, appears in lists of leaked "
                    "passwords. Choose another one."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a leaked password, even with digits added.")
