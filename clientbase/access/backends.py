"""The sign-in backend: loads the user's role with the user, in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import JSONField, OuterRef, Subquery

from clientbase.access.models import RoleDefinition, User
from clientbase.access.selectors import LOADED_ROLE


def _role_column(name: str) -> Subquery:
    row = RoleDefinition.objects.filter(key=OuterRef("role")).values(name)[:1]
    return Subquery(row, output_field=JSONField())


class RoleModelBackend(ModelBackend):
    """Django's ModelBackend; `get_user` (every request) also reads the role's grants and
    fields in the user's own query, so checking rights costs a request no query."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.annotate(
                role_grants_loaded=_role_column("grants"),
                role_fields_loaded=_role_column("fields"),
                role_name_loaded=Subquery(
                    RoleDefinition.objects.filter(key=OuterRef("role")).values("name")[:1]
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        grants = user.__dict__.pop("role_grants_loaded", None)
        fields = user.__dict__.pop("role_fields_loaded", None)
        name = user.__dict__.pop("role_name_loaded", None)
        if grants is not None:
            setattr(user, LOADED_ROLE, (user.role, grants, fields or [], name or ""))
        return user
