from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

from .validators import normalize_credit_code, validate_credit_code


class Industry(models.Model):
    """GB/T 4754-2017 国民经济行业分类: doors (A–T) and their 2-digit major categories."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CreditCodeField(models.CharField):
    """A 统一社会信用代码 that is normalised before validation and storage."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("validators", [validate_credit_code])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_credit_code(value) if value is not None else value

    def pre_save(self, model_instance, add):
        value = normalize_credit_code(getattr(model_instance, self.attname) or "")
        # Enterprises created by an import may not have a code yet: NULL, so that several
        # of them don't collide on the unique constraint.
        value = value or (None if self.null else "")
        setattr(model_instance, self.attname, value)
        return value


class Enterprise(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Verification refused")

    TRANSITIONS = {
        Status.PENDING: {Status.VERIFIED, Status.REJECTED},
        Status.REJECTED: {Status.VERIFIED},
        Status.VERIFIED: {Status.REJECTED},
    }

    name = models.CharField(_("enterprise name"), max_length=100)
    credit_code = CreditCodeField(
        _("unified social credit code"), unique=True, null=True, blank=True
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("problems:enterprise_detail", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class EnterpriseEvent(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Enterprise.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Enterprise.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enterprise event")
        verbose_name_plural = _("enterprise events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.from_status} → {self.to_status}"


class Category(models.TextChoices):
    COMPONENT = "component", _("Key components")
    MATERIAL = "material", _("Key materials")
    SOFTWARE = "software", _("Basic software")
    EQUIPMENT = "equipment", _("High-end equipment")
    INSTRUMENT = "instrument", _("Testing instruments")
    PROCESS = "process", _("Core processes")
    OTHER = "other", _("Other")


class Campaign(models.Model):
    """A collection campaign (征集活动) issued by a 科协 at some level."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.CLOSED},
        Status.CLOSED: {Status.PUBLISHED},
    }

    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    region = models.ForeignKey(Region, verbose_name=_("issuing region"), on_delete=models.PROTECT)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = models.JSONField(_("categories"), default=list, blank=True)
    cap_per_unit = models.PositiveSmallIntegerField(
        _("problems per enterprise"),
        default=3,
        help_text=_("How many problems one enterprise may submit to this campaign."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("collection campaign")
        verbose_name_plural = _("collection campaigns")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(cap_per_unit__gte=1), name="campaign_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("problems:campaign_detail", args=[self.pk])

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.PUBLISHED and self.opens_on <= today <= self.closes_on

    def category_labels(self) -> list[str]:
        return [Category(value).label for value in self.categories if value in Category.values]


class CampaignEvent(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Campaign.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Campaign.Status.choices)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"


class Sequence(models.Model):
    """Gap-free counters (KBZ-2026 → 17). Rows are locked while a number is taken."""

    name = models.CharField(max_length=40, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"


class Problem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Under screening")
        RETURNED = "returned", _("Returned for revision")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted into the pool")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality review")
        READY = "ready", _("Ready for matching")
        CLOSED = "closed", _("Closed")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal")
        CLASSIFIED = "classified", _("Contains classified content (must not be submitted)")

    class CooperationMode(models.TextChoices):
        JOINT = "joint", _("Joint research")
        TRANSFER = "transfer", _("Technology transfer")
        CONSULTING = "consulting", _("Technical consulting")
        TALENT = "talent", _("Talent recruitment")
        CONTRACT = "contract", _("Contracted R&D")

    class Budget(models.TextChoices):
        UNDER_50 = "lt50", _("Under ¥500,000")
        FROM_50 = "50-200", _("¥500,000 – ¥2 million")
        FROM_200 = "200-1000", _("¥2 – 10 million")
        OVER_1000 = "gt1000", _("Over ¥10 million")
        OPEN = "open", _("To be negotiated")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="problems"
    )
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    ref = models.CharField(
        _("external reference"), max_length=50, unique=True, null=True, blank=True
    )
    title = models.CharField(_("problem title"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    background = models.TextField(_("background"), blank=True)
    bottleneck = models.TextField(_("current state and the bottleneck"))
    indicators = models.TextField(_("technical indicators to reach"), blank=True)
    import_source = models.CharField(_("import source"), max_length=200, blank=True)
    import_share = models.PositiveSmallIntegerField(_("import share (%)"), null=True, blank=True)
    attempts = models.TextField(_("what has been tried"), blank=True)
    expected_goal = models.TextField(_("expected goal"), blank=True)
    cooperation_modes = models.JSONField(_("cooperation modes"), default=list, blank=True)
    budget_range = models.CharField(
        _("budget range"), max_length=20, choices=Budget.choices, blank=True
    )
    desired_completion = models.DateField(_("desired completion date"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("bottleneck problem")
        verbose_name_plural = _("bottleneck problems")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(import_share__isnull=True) | models.Q(import_share__lte=100),
                name="problem_import_share_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            # The default order of every list: a page is read from the index, not sorted.
            models.Index(fields=["-submitted_at", "-id"], name="problem_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('(draft)')} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("problems:problem_detail", args=[self.pk])

    def cooperation_mode_labels(self) -> list[str]:
        modes = self.CooperationMode
        return [modes(value).label for value in self.cooperation_modes if value in modes.values]


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"problems/{instance.problem_id}/{timezone.now():%Y%m%d%H%M%S%f}{instance.extension}"


class Attachment(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        name = self.original_name.lower()
        return name[name.rfind(".") :] if "." in name else ""


class ProblemEvent(models.Model):
    """One row per state change (and per staff note): who, when, from, to, why."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Problem.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Problem.Status.choices)
    reason = models.TextField(_("reason / comment"), blank=True)
    internal_note = models.TextField(_("internal note (staff only)"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_status} → {self.to_status}"
