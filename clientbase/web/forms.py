"""Forms that parse what a page was asked for. They validate; selectors do the reading."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clientbase.accounts.models import LifecycleStatus
from clientbase.accounts.selectors import DEFAULT_SORT, SORT_COLUMNS, AccountListQuery

SORT_CHOICES = [(key, key) for column in SORT_COLUMNS for key in (column, f"-{column}")]


class AccountListForm(forms.Form):
    """The account list's GET parameters. Anything malformed falls back to the default."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, tax id, phone or e-mail"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *LifecycleStatus.choices],
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)
    after = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def to_query(self) -> AccountListQuery:
        """The selector's query; invalid fields are dropped rather than shown as errors."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        data = self.cleaned_data
        return AccountListQuery(
            q=str(data.get("q") or ""),
            status=str(data.get("status") or ""),
            sort=str(data.get("sort") or DEFAULT_SORT),
            after=str(data.get("after") or ""),
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)
