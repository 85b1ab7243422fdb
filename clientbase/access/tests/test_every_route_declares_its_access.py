"""Every URL route, web and API, declares who may use it, and is in the authorization matrix.

A new view without a declaration (`@allow(...)`, `@operation_access(...)`, `access = PUBLIC`)
or without a `Case` in matrix_support.CASES fails the build here.
"""

from __future__ import annotations

from clientbase.access.roles import ACTIONS, OBJECT_TYPES
from clientbase.access.routes import all_routes

from .matrix_support import CASES


def test_every_route_has_an_access_declaration() -> None:
    undeclared = [f"{r.name} ({r.pattern})" for r in all_routes() if r.access is None]
    assert undeclared == []


def test_every_declared_right_names_a_known_action_and_object_type() -> None:
    unknown = [
        f"{r.name}: {r.access}"
        for r in all_routes()
        if r.access is not None
        and r.access.kind == "right"
        and (r.access.action not in ACTIONS or r.access.object_type not in OBJECT_TYPES)
    ]
    assert unknown == []


def test_every_route_is_in_the_authorization_matrix() -> None:
    names = {r.name for r in all_routes()}
    assert sorted(names - set(CASES)) == []
    assert sorted(set(CASES) - names) == []  # no stale rows either


def test_the_route_list_sees_web_and_api_routes() -> None:
    names = {r.name for r in all_routes()}
    assert {"web:account_detail", "api:account_detail", "web:login"} <= names
