"""The IDOR sweep: every request that carries an id, replayed by each role with the ids of
another user's records (outside the role's scope), answers only 403 or 404.

Ids in the path (records, merges, duplicate pairs, import batches and their error reports and
parked rows, exports, segments, the API), ids in the query (a segment applied to the list, the
export and the API) and ids in a bulk action's body (parked rows of another user's batch posted
to one's own batch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.routes import all_routes

from .matrix_support import (
    CASES,
    ROLE_KEYS,
    TARGETS,
    World,
    build_world,
    call,
    expected_allowed,
    grants_of,
)

pytestmark = pytest.mark.django_db
REFUSED = (403, 404)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return build_world(settings.VAR_DIR)


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.actors[role])
    return client


def test_ids_in_the_path_of_records_outside_the_scope_are_403_or_404(world: World) -> None:
    leaks: list[str] = []
    replayed = 0
    for route in all_routes():
        case = CASES[route.name]
        if case.reach == "none" or route.access is None:
            continue
        for role in ROLE_KEYS:
            client = _client(world, role)
            for target in TARGETS:
                if expected_allowed(route.access, case, role, target):
                    continue  # the role's own scope: not another user's record to it
                owner = world.owner(world.actors[role], target)
                status, _location = call(client, route, case, world, owner)
                replayed += 1
                if status not in REFUSED:
                    leaks.append(f"{route.name} as {role} with {target}'s id: {status}")
    print(f"IDOR sweep (path ids): {replayed} replays, {len(leaks)} answered otherwise")
    assert replayed > 500
    assert leaks == [], "\n".join(leaks)


QUERY_ROUTES = ("web:account_list", "web:account_export", "api:list_accounts")


def test_another_users_segment_id_in_the_query_is_403_or_404(world: World) -> None:
    leaks: list[str] = []
    replayed = 0
    for role in ROLE_KEYS:
        client = _client(world, role)
        for target in ("team", "department", "other"):
            segment = world.objects[("segment", world.others[target].pk)]
            for name in (*QUERY_ROUTES, "api:export_account_list"):
                response = client.get(reverse(name), {"segment": segment.pk})
                replayed += 1
                if response.status_code not in REFUSED:
                    leaks.append(
                        f"{name} as {role} with {target}'s segment: {response.status_code}"
                    )
    print(f"IDOR sweep (query ids): {replayed} replays, {len(leaks)} answered otherwise")
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("bulk", ["web:import_parked_resubmit", "web:import_parked_discard"])
def test_parked_rows_of_another_users_batch_posted_to_ones_own_batch_are_404(
    world: World, bulk: str
) -> None:
    importers = [role for role in ROLE_KEYS if "import" in grants_of(role).get("account", {})]
    assert importers  # admin, director, team lead, analyst
    leaks: list[str] = []
    for role in importers:
        client = _client(world, role)
        own_batch = world.objects[("batch", world.actors[role].pk)]
        for target in ("team", "department", "other"):
            foreign = world.objects[("parked", world.others[target].pk)]
            url = reverse(bulk, args=[own_batch.pk])
            response = client.post(url, {"row": str(foreign.pk)})
            if response.status_code not in REFUSED:
                leaks.append(f"{bulk} as {role} with {target}'s row: {response.status_code}")
            foreign.refresh_from_db()
            assert foreign.resolved is False  # untouched
    assert leaks == [], "\n".join(leaks)
