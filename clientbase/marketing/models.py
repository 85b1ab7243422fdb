"""Where clients come from: channels and campaigns, for attribution."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clientbase.core.models import MoneyField, Provenance


class ChannelKind(models.TextChoices):
    INBOUND = "inbound", _("Inbound (web, blog, search)")
    OUTBOUND = "outbound", _("Outbound (cold calls, mailings)")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event / exhibition")
    OFFLINE = "offline", _("Offline advertising")
    PARTNER = "partner", _("Partner")


class Channel(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)

    class Meta:
        verbose_name = _("channel")

    def __str__(self) -> str:
        return self.name


class Campaign(Provenance):
    name = models.CharField(_("name"), max_length=200)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    cost = MoneyField(_("cost"))

    class Meta(Provenance.Meta):
        verbose_name = _("campaign")

    def __str__(self) -> str:
        return self.name
