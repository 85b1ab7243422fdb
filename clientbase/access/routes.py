"""Every route declares who may use it; the route-matrix test reads the declarations.

A view declares one of:
    @access(PUBLIC)                 anyone, signed in or not (the login page)
    @access(AUTHENTICATED)          any signed-in user, whatever their role
    @access(VIEW, ACCOUNT)          a role granting `view` on `account` (in any scope; which
                                    records is the selectors' business, with the same action)
The decorator also enforces it: a right not held is PermissionDenied (403) before the view runs.
Web views use `clientbase.web.auth.allow(...)`, which adds the login redirect in front of it.
`all_routes()` lists every URL route (web and API) with its declaration, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver

from clientbase.access.selectors import require

ATTRIBUTE = "access"


@dataclass(frozen=True)
class Access:
    kind: Literal["public", "authenticated", "right"]
    action: str = ""
    object_type: str = ""

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}" if self.kind == "right" else self.kind


PUBLIC = Access("public")
AUTHENTICATED = Access("authenticated")

View = Callable[..., Any]


def _declaration(what: Access | str, object_type: str) -> Access:
    if isinstance(what, Access):
        return what
    if not object_type:
        raise ValueError("an action needs an object type")
    return Access("right", what, object_type)


def access(
    what: Access | str, object_type: str = "", *, enforce: bool = True
) -> Callable[[View], View]:
    """Declare (and enforce) who may use the decorated view: PUBLIC, AUTHENTICATED, or an
    action on an object type (e.g. `access("export", "account")`).

    `enforce=False`: the service the view calls checks the same right itself (and audits the
    refusal); the declaration still tells the route-matrix test what to expect."""
    declaration = _declaration(what, object_type)

    def decorate(view: View) -> View:
        if declaration.kind == "public" or not enforce:
            setattr(view, ATTRIBUTE, declaration)
            return view

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if not user.is_authenticated:
                raise PermissionDenied
            if declaration.kind == "right":
                require(user, declaration.action, declaration.object_type)
            return view(request, *args, **kwargs)

        setattr(guarded, ATTRIBUTE, declaration)
        return guarded

    return decorate


def operation_access(
    what: Access | str, object_type: str = "", *, enforce: bool = True
) -> Callable[[View], View]:
    """The same declaration for a django-ninja operation (put it under `@router.get(...)`):
    the right is checked before the operation runs, a refusal is a JSON 403."""
    from django.http import JsonResponse
    from ninja.decorators import decorate_view

    declaration = _declaration(what, object_type)

    def guard(run: View) -> View:
        @wraps(run)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # Not signed in: the operation's own authentication answers (401).
            if declaration.kind == "right" and request.user.is_authenticated:
                try:
                    require(request.user, declaration.action, declaration.object_type)
                except PermissionDenied as denied:
                    return JsonResponse({"detail": str(denied)}, status=403)
            return run(request, *args, **kwargs)

        return guarded

    def decorate(operation: View) -> View:
        setattr(operation, ATTRIBUTE, declaration)
        if enforce and declaration.kind != "public":
            return decorate_view(guard)(operation)
        return operation

    return decorate


@dataclass(frozen=True)
class Route:
    """One URL route (for the API: one operation of a path) and its declaration."""

    name: str  # "web:account_detail", "api:list_accounts"
    pattern: str  # "accounts/<int:account_id>/"
    methods: tuple[str, ...]  # empty: whatever the view accepts
    access: Access | None
    view: View


def declaration_of(view: object) -> Access | None:
    found = getattr(view, ATTRIBUTE, None)
    if found is None:
        found = getattr(getattr(view, "view_class", None), ATTRIBUTE, None)
    return found if isinstance(found, Access) else None


def _ninja_operations(view: object) -> list[Any]:
    """A django-ninja path's operations (its view closes over the PathView)."""
    for cell in getattr(view, "__closure__", None) or ():
        contents = cell.cell_contents
        operations = getattr(contents, "operations", None)
        if operations is not None and hasattr(contents, "get_view"):
            return list(operations)
    return []


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(list(entry.url_patterns), prefix + str(entry.pattern), space)
            continue
        pattern = prefix + str(entry.pattern)
        name = f"{namespace}{entry.name or pattern}"
        operations = _ninja_operations(entry.callback)
        if operations:
            for operation in operations:
                yield Route(
                    name=name,
                    pattern=pattern,
                    methods=tuple(operation.methods),
                    access=declaration_of(operation.view_func),
                    view=operation.view_func,
                )
            continue
        yield Route(
            name=name,
            pattern=pattern,
            methods=(),
            access=declaration_of(entry.callback),
            view=entry.callback,
        )


def all_routes() -> list[Route]:
    """Every route the URL resolver knows, web and API, in URLconf order."""
    return list(_walk(list(get_resolver().url_patterns), "", ""))
