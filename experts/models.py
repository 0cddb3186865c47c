from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Region


class Expert(models.Model):
    """A scientist or engineer in the talent pool (人才库)."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    ref = models.CharField(_("reference"), max_length=50, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    employer = models.CharField(_("employer"), max_length=100)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    research_directions = models.TextField(
        _("research directions"), blank=True, help_text=_("One direction per line.")
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    accepting = models.BooleanField(_("accepting assignments"), default=True)
    max_assignments = models.PositiveSmallIntegerField(_("max concurrent assignments"), default=3)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:expert_detail", args=[self.pk])

    def direction_list(self) -> list[str]:
        return [line.strip() for line in self.research_directions.splitlines() if line.strip()]


class Society(models.Model):
    """A learned society (学会) that can take on problems and topics."""

    class Level(models.TextChoices):
        REGION = "region", _("Autonomous-region society")
        PREFECTURE = "prefecture", _("Prefecture society")
        UNIVERSITY = "university", _("University CAST")
        ENTERPRISE = "enterprise", _("Enterprise CAST")

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    description = models.TextField(_("expertise"), blank=True)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("admins"),
        blank=True,
        related_name="administered_societies",
    )
    members = models.ManyToManyField(
        Expert, verbose_name=_("members"), blank=True, related_name="societies"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("learned society")
        verbose_name_plural = _("learned societies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:society_detail", args=[self.pk])
