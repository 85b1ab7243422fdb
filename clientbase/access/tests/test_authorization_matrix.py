"""The authorization matrix: every route × every role (nine built-in, one defined by an
administrator, and nobody signed in) × every record scope (own, team, department, other)
behaves as the roles' data and the route's declaration say: 0 mismatches, 100% of routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from clientbase.access.routes import all_routes

from .matrix_support import (
    CASES,
    ROLE_KEYS,
    TARGETS,
    anonymous_was_refused,
    build_world,
    call,
    expected_allowed,
    outcome_is_allowed,
)

pytestmark = pytest.mark.django_db
FIGURES: dict[str, int] = {}


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings.VAR_DIR  # type: ignore[no-any-return]


def test_every_route_role_and_scope_behaves_as_the_matrix_says(var_dir: Path) -> None:
    world = build_world(var_dir)
    clients: dict[str, Client] = {}
    for key, actor in world.actors.items():
        clients[key] = Client()
        clients[key].force_login(actor)
    routes = all_routes()
    mismatches: list[str] = []
    checks = 0
    for route in routes:
        case = CASES[route.name]
        assert route.access is not None, route.name
        targets: tuple[str, ...] = TARGETS if case.reach != "none" else ("own",)
        roles: tuple[str | None, ...] = (*ROLE_KEYS, None)
        for role in roles:
            for target in targets:
                if role is None:
                    owner = world.others["team"]
                    status, location = call(Client(), route, case, world, owner)
                    if case.always is not None:
                        ok = status == case.always
                    elif route.access.kind == "public":
                        ok = outcome_is_allowed(status)
                    else:
                        ok = anonymous_was_refused(route, status, location)
                else:
                    owner = world.owner(world.actors[role], target)
                    status, _location = call(clients[role], route, case, world, owner)
                    if case.always is not None:
                        ok = status == case.always
                    else:
                        allowed = expected_allowed(route.access, case, role, target)
                        ok = outcome_is_allowed(status) == allowed
                checks += 1
                if not ok:
                    mismatches.append(
                        f"{route.name} as {role or 'anonymous'} on {target}: {status}"
                    )
    FIGURES.update(routes=len(routes), checks=checks, mismatches=len(mismatches))
    print(
        f"authorization matrix: {len(routes)} routes, {checks} checks, {len(mismatches)} mismatches"
    )
    assert mismatches == [], "\n".join(mismatches)
