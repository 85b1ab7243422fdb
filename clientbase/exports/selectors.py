"""Reads of exports. An export is its requester's alone: anyone else gets a 404 for its id."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clientbase.access.models import User
from clientbase.exports.models import Export


def own_exports(*, actor: User) -> QuerySet[Export]:
    return Export.objects.filter(created_by=actor)


def get_own_export(*, actor: User, export_id: int) -> Export:
    """One of `actor`'s exports, or 404 (for another user's export id as for a missing one)."""
    export = own_exports(actor=actor).filter(pk=export_id).first()
    if export is None:
        raise Http404("No such export")
    return export


def recent_background_exports(*, actor: User, limit: int = 20) -> list[Export]:
    """`actor`'s latest background exports, newest first, for the exports page."""
    return list(own_exports(actor=actor).filter(background=True).order_by("-id")[:limit])
