"""The administrators' roles pages: every role with its grants, and a form to define one.

A role grants, per object type, actions with a record scope, and lists the restricted fields
it may see. Built-in roles can be changed but not removed. Every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.models import RoleDefinition, Scope, User
from clientbase.access.roles import (
    ACTIONS,
    ASSIGN,
    BUILTIN_KEYS,
    EDIT,
    OBJECT_TYPES,
    RESTRICTED_FIELDS,
    ROLE,
    SCOPE_ORDER,
    Grants,
    builtin_role,
)
from clientbase.access.selectors import role_definition, role_definitions, role_label
from clientbase.access.services import delete_role, save_role, set_user_role
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

RESERVED = frozenset({"new", "holders"})  # the pages' own paths under roles/


def _roles() -> list[dict[str, Any]]:
    held = dict(User.objects.values_list("role").annotate(n=Count("id")).order_by())
    rows = []
    for role in role_definitions():
        rows.append(
            {
                "role": role,
                "label": role_label(role.key),
                "builtin": role.builtin or role.key in BUILTIN_KEYS,
                "users": held.get(role.key, 0),
                "grants": sum(len(actions) for actions in (role.grants or {}).values()),
            }
        )
    return rows


@allow(EDIT, ROLE)
@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/roles/list.html", {"rows": _roles()})


def _grid(grants: Grants) -> list[dict[str, Any]]:
    """One row per object type, one cell per action: the scope chosen ("" for none)."""
    return [
        {
            "object_type": obj,
            "label": label,
            "cells": [
                {
                    "action": action,
                    "name": f"grant-{obj}-{action}",
                    "scope": grants.get(obj, {}).get(action, ""),
                }
                for action in ACTIONS
            ],
        }
        for obj, label in OBJECT_TYPES.items()
    ]


def _posted(data: QueryDict) -> tuple[Grants, list[str]]:
    grants: Grants = {}
    for obj in OBJECT_TYPES:
        for action in ACTIONS:
            scope = data.get(f"grant-{obj}-{action}", "")
            if scope:
                grants.setdefault(obj, {})[action] = scope
    return grants, data.getlist("fields")


def _form(
    request: HttpRequest, role: RoleDefinition | None, errors: list[str], status: int = 200
) -> HttpResponse:
    grants: Grants = role.grants if role is not None else {}
    fields = list(role.fields) if role is not None else []
    if request.method == "POST":
        grants, fields = _posted(request.POST)
    context = {
        "role": role,
        "label": role_label(role.key) if role is not None else "",
        "name": request.POST.get("name", role.name if role else ""),
        "key": request.POST.get("key", role.key if role else ""),
        "actions": ACTIONS,
        "scopes": [(scope, Scope(scope).label) for scope in SCOPE_ORDER],
        "grid": _grid(grants),
        "fields": [
            {"key": key, "label": label, "checked": key in fields}
            for key, label in RESTRICTED_FIELDS.items()
        ],
        "errors": errors,
    }
    return render(request, "web/roles/form.html", context, status=status)


def _save(request: HttpRequest, key: str, role: RoleDefinition | None) -> HttpResponse:
    grants, fields = _posted(request.POST)
    name = request.POST.get("name", "").strip()
    if not name:
        return _form(request, role, [str(_("Give the role a name."))], status=400)
    try:
        save_role(actor=acting_user(request), key=key, name=name, grants=grants, fields=fields)
    except ValidationError as error:
        return _form(request, role, [str(m) for m in error.messages], status=400)
    return redirect("web:role_list")


@allow(EDIT, ROLE)
@require_http_methods(["GET", "POST"])
def role_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        key = request.POST.get("key", "").strip()
        taken = key in RESERVED or RoleDefinition.objects.filter(key=key).exists()
        if taken or builtin_role(key) is not None:
            return _form(request, None, [str(_("A role with this key exists."))], status=400)
        return _save(request, key, None)
    return _form(request, None, [])


@allow(EDIT, ROLE)
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, key: str) -> HttpResponse:
    role = role_definition(key)
    if role is None:
        raise Http404("No such role")
    if request.method == "POST":
        return _save(request, key, role)
    return _form(request, role, [])


@allow(EDIT, ROLE)
@require_POST
def role_delete(request: HttpRequest, key: str) -> HttpResponse:
    if role_definition(key) is None:
        raise Http404("No such role")
    try:
        delete_role(actor=acting_user(request), key=key)
    except ValidationError as error:
        return render(
            request,
            "web/roles/list.html",
            {"rows": _roles(), "errors": [str(m) for m in error.messages]},
            status=400,
        )
    return redirect("web:role_list")


@allow(ASSIGN, ROLE)
@require_http_methods(["GET", "POST"])
def role_holders(request: HttpRequest) -> HttpResponse:
    """Who holds which role; an administrator gives a user another role (audited)."""
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        user = User.objects.filter(pk=_int(request.POST.get("user"))).first()
        if user is None:
            raise Http404("No such user")
        try:
            set_user_role(actor=acting_user(request), user=user, role=request.POST.get("role", ""))
        except ValidationError as error:
            errors, status = [str(m) for m in error.messages], 400
        else:
            return redirect("web:role_holders")
    roles = [(row.key, role_label(row.key)) for row in role_definitions()]
    users = User.objects.filter(is_active=True).order_by("username")
    context = {"users": users, "roles": roles, "errors": errors}
    return render(request, "web/roles/holders.html", context, status=status)


def _int(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0
