"""Playbook pages: the list of every playbook (tiers, quadrants, RFM segments, ABC classes and
the saved segments), the admins' and directors' form to change one, and the run that creates a
follow-up task for each covered account's responsible person (confirmed first, then counted)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clientbase.access.roles import MANAGE, PLAYBOOKS, RUN
from clientbase.access.routes import AUTHENTICATED
from clientbase.analytics.models import ServiceLevel
from clientbase.analytics.playbook_selectors import (
    get_playbook,
    may_edit_playbooks,
    may_run_playbooks,
    playbook_accounts,
    playbook_list,
    playbook_override,
)
from clientbase.analytics.playbook_services import (
    MAX_DESCRIPTION,
    MAX_EVERY_DAYS,
    PlaybookChange,
    create_playbook_tasks,
    reset_playbook,
    save_playbook,
)
from clientbase.analytics.playbooks import PlaybookView, is_builtin, responsible_choices
from clientbase.web.auth import allow
from clientbase.web.views import acting_user


class PlaybookForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    service_level = forms.ChoiceField(label=gettext_lazy("Service level"), required=False)
    contact_every_days = forms.IntegerField(
        label=gettext_lazy("Contact every (days)"),
        required=False,
        min_value=0,
        max_value=MAX_EVERY_DAYS,
    )
    responsible_role = forms.ChoiceField(label=gettext_lazy("Responsible role"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("In use"), required=False)

    def __init__(self, *args: Any, builtin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = _("(built-in)") if builtin else "—"
        level: Any = self.fields["service_level"]
        level.choices = [("", keep), *ServiceLevel.choices]
        role: Any = self.fields["responsible_role"]
        role.choices = [("", keep), *responsible_choices()]

    def change(self) -> PlaybookChange:
        data = self.cleaned_data
        return PlaybookChange(
            description=data["description"],
            service_level=data["service_level"],
            contact_every_days=data["contact_every_days"],
            responsible_role=data["responsible_role"],
            is_active=data["is_active"],
        )


@allow(AUTHENTICATED)
@require_GET
def playbooks_page(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    views = playbook_list(actor=actor)
    groups = [(kind, list(items)) for kind, items in groupby(views, key=lambda p: p.kind_label)]
    return render(
        request,
        "web/playbooks/list.html",
        {
            "groups": groups,
            "may_edit": may_edit_playbooks(actor),
            "may_run": may_run_playbooks(actor),
        },
    )


@allow(MANAGE, PLAYBOOKS)
@require_http_methods(["GET", "POST"])
def playbook_edit(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Admins and directors change a playbook or put back the built-in one; others get 403."""
    actor = acting_user(request)
    if not may_edit_playbooks(actor):
        raise PermissionDenied(_("You do not have the right to change playbooks."))
    playbook = get_playbook(actor=actor, kind=kind, key=key)
    builtin = is_builtin(kind, key)
    row = playbook_override(actor=actor, kind=kind, key=key)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            reset_playbook(actor=actor, kind=kind, key=key)
            return redirect("web:playbooks")
        form = PlaybookForm(request.POST, builtin=builtin)
        if form.is_valid():
            try:
                save_playbook(actor=actor, kind=kind, key=key, change=form.change())
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect("web:playbooks")
    else:
        initial: dict[str, Any] = {"is_active": True}
        if row is not None:
            initial = {
                "description": row.description,
                "service_level": row.service_level,
                "contact_every_days": row.contact_every_days,
                "responsible_role": row.responsible_role,
                "is_active": row.is_active,
            }
        form = PlaybookForm(initial=initial, builtin=builtin)
    return render(
        request,
        "web/playbooks/edit.html",
        {"playbook": playbook, "form": form, "builtin": builtin, "customised": row is not None},
        status=400 if form.errors else 200,
    )


@allow(RUN, PLAYBOOKS)
@require_http_methods(["GET", "POST"])
def playbook_tasks(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """GET: how many accounts would get a task; POST: create them and say how many."""
    actor = acting_user(request)
    if not may_run_playbooks(actor):
        raise PermissionDenied(_("You do not have the right to run playbooks."))
    playbook: PlaybookView = get_playbook(actor=actor, kind=kind, key=key)
    context: dict[str, Any] = {"playbook": playbook}
    if request.method == "POST":
        try:
            context["result"] = create_playbook_tasks(actor=actor, playbook=playbook)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            context["accounts"] = playbook_accounts(actor=actor, playbook=playbook).count()
            return render(request, "web/playbooks/tasks.html", context, status=400)
    else:
        context["accounts"] = playbook_accounts(actor=actor, playbook=playbook).count()
    return render(request, "web/playbooks/tasks.html", context)
