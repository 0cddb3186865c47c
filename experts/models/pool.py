from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Region

from ..validators import normalize_email, validate_mobile


class Discipline(models.Model):
    """GB/T 13745-2009 学科分类与代码: first-level (3-digit) and second-level (5-digit) entries."""

    class Level(models.IntegerChoices):
        FIRST = 1, _("First level")
        SECOND = 2, _("Second level")

    code = models.CharField(_("code"), max_length=7, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent discipline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    former_names = models.CharField(
        _("former names"), max_length=200, blank=True, help_text=_("Separated by |.")
    )

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def former_name_list(self) -> list[str]:
        return [name for name in self.former_names.split("|") if name]


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
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True, related_name="experts"
    )
    research_directions = models.TextField(
        _("research directions"), blank=True, help_text=_("One direction per line.")
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[validate_mobile])
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
    # Set when the expert's deletion request was approved: the personal data is gone, the
    # record stays (anonymised) under the assignments and opinions it wrote.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Script- and width-normalised text of name, employer, title and directions: the
    # talent search matches against this (see experts.search), never against raw fields.
    search_text = models.TextField(editable=False, blank=True, default="")
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

    def clean(self) -> None:
        self.email = normalize_email(self.email)


class DeclaredConflict(models.Model):
    """An organisation the expert must not review for (回避单位)."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Current employer")
        FORMER_EMPLOYER = "former_employer", _("Recent employer (last 3 years)")
        FINANCIAL = "financial", _("Financial ties")
        OTHER = "other", _("Other")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.CharField(_("organisation"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, help_text=_("If known.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.organisation


class ProfileChange(models.Model):
    """An expert's request to change a field that staff must confirm (name, employer)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=20)
    old_value = models.CharField(_("old value"), max_length=100, blank=True)
    new_value = models.CharField(_("new value"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.expert}: {self.field} {self.old_value} → {self.new_value}"


class Society(models.Model):
    """A learned society (学会) that can take on problems and topics."""

    class Level(models.TextChoices):
        REGION = "region", _("Autonomous-region society")
        PREFECTURE = "prefecture", _("Prefecture society")
        UNIVERSITY = "university", _("University CAST")
        ENTERPRISE = "enterprise", _("Enterprise CAST")

    ref = models.CharField(_("reference"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True, related_name="societies"
    )
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("learned society")
        verbose_name_plural = _("learned societies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:society_detail", args=[self.pk])


class SocietyEvent(models.Model):
    """A change to a society's record or member list: who, when, what."""

    class Action(models.TextChoices):
        EDITED = "edited", _("Profile edited")
        MEMBER_ADDED = "member_added", _("Member added")
        MEMBER_REMOVED = "member_removed", _("Member removed")

    society = models.ForeignKey(Society, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), null=True, blank=True, on_delete=models.SET_NULL
    )
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("society event")
        verbose_name_plural = _("society events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.society}: {self.action}"
