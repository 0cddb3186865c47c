"""Advisory reports (咨询报告 / 智库专报): numbered issues of a series, written in restricted
Markdown, kept as revisions, rendered to GB/T 9704-style PDFs, downloaded with a per-person
watermark, and answered by leaders' instructions (批示) and adoptions (采纳).

States change only through `consult.services.reports.report_transition`; issuing allocates
the issue number; content changes only through `report_save`, which keeps a revision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import GovernmentBody, Region
from experts.models.assignments import WorkflowEvent

from .topics import Topic


class Series(models.Model):
    """A numbered publication (智库专报, 决策参考): issue numbers restart each year."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    issuing_body = models.CharField(
        _("issuing body"), max_length=100, help_text=_("Printed under the masthead.")
    )
    printing_office = models.CharField(
        _("printing office"),
        max_length=100,
        blank=True,
        help_text=_("Printed in the closing block (版记) with the printing date."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report series")
        verbose_name_plural = _("report series")
        ordering = ["ordering", "pk"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Internal review")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued (签发)")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.REVIEW},
        Status.REVIEW: {Status.DRAFT, Status.APPROVED},
        Status.APPROVED: {Status.DRAFT, Status.ISSUED},
        Status.ISSUED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }
    # Content may be edited freely only before issue; an issued report takes corrections.
    EDITABLE_STATES = (Status.DRAFT, Status.REVIEW, Status.APPROVED)

    class Circulation(models.TextChoices):
        PUBLIC = "public", _("Public")
        RESTRICTED = "restricted", _("Restricted to the named bodies")

    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="reports"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("research topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The CAST whose staff edit and issue the report."),
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    addressees = models.ManyToManyField(
        GovernmentBody, verbose_name=_("addressed to (报送)"), blank=True, related_name="+"
    )
    copies = models.ManyToManyField(
        GovernmentBody, verbose_name=_("copied to (抄送)"), blank=True, related_name="+"
    )
    circulation = models.CharField(
        _("circulation"),
        max_length=20,
        choices=Circulation.choices,
        default=Circulation.RESTRICTED,
        help_text=_("Restricted reports are seen only by officials of the bodies named above."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("advisory report")
        verbose_name_plural = _("advisory reports")
        ordering = ["-issued_on", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"],
                condition=Q(number__isnull=False),
                name="report_issue_number_once",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(year__isnull=False, issued_on__isnull=False),
                name="report_numbered_when_issued",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consult:report_detail", args=[self.pk])

    @property
    def issue_label(self) -> str:
        """「2026年第3期」 (in the active language), or "" before issue."""
        if self.number is None:
            return ""
        return _("No. %(number)s, %(year)s") % {"year": self.year, "number": self.number}

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES


class ReportEvent(WorkflowEvent):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Report.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Report.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"


def report_pdf_path(instance: "ReportRevision", filename: str) -> str:
    return f"reports/{instance.report_id}/r{instance.number}-{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class ReportRevision(models.Model):
    """A snapshot of everything the PDF prints, kept at every save. The PDF of a revision is
    rendered once and cached in `pdf`; `pdf_key` records the masthead facts it was rendered
    with (series, number, date), so issuing a report renders its revision again."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    addressees = models.TextField(_("addressed to (报送)"), blank=True)
    copies = models.TextField(_("copied to (抄送)"), blank=True)
    is_correction = models.BooleanField(_("correction (更正)"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    pdf = models.FileField(upload_to=report_pdf_path, blank=True)
    pdf_key = models.CharField(max_length=200, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} r{self.number}"

    @property
    def addressee_list(self) -> list[str]:
        return [line for line in self.addressees.splitlines() if line.strip()]

    @property
    def copy_list(self) -> list[str]:
        return [line for line in self.copies.splitlines() if line.strip()]


def report_image_path(instance: "ReportImage", filename: str) -> str:
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"reports/{instance.report_id}/images/{timezone.now():%Y%m%d%H%M%S%f}{extension}"


class ReportImage(models.Model):
    """A figure uploaded to a report; the body refers to it as `![caption](image:ID)`."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("image"), upload_to=report_image_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report image")
        verbose_name_plural = _("report images")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def reference(self) -> str:
        return f"image:{self.pk}"


class Download(models.Model):
    """One PDF download: the stamped copy carries `code`, so a leaked copy leads back here."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="downloads")
    revision = models.ForeignKey(
        ReportRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        on_delete=models.PROTECT,
        related_name="report_downloads",
    )
    body = models.ForeignKey(
        GovernmentBody,
        verbose_name=_("government body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(_("download code"), max_length=16, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("downloaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code


def feedback_scan_path(instance: "Instruction", filename: str) -> str:
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"reports/{instance.report_id}/feedback/{timezone.now():%Y%m%d%H%M%S%f}{extension}"


class Feedback(models.Model):
    """What a report led to, recorded by an official online or by staff from paper."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE)
    body = models.ForeignKey(
        GovernmentBody,
        verbose_name=_("government body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-pk"]


class Instruction(Feedback):
    """A leader's written instruction (批示) on a report."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial/ministerial (省部级)")
        BUREAU = "bureau", _("Bureau (厅局级)")
        COUNTY = "county", _("County/division (县处级)")

    leader_name = models.CharField(_("leader"), max_length=50)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    date = models.DateField(_("date of instruction"))
    text = models.TextField(_("instruction"))
    scan = models.FileField(_("scanned copy"), upload_to=feedback_scan_path, blank=True)

    class Meta(Feedback.Meta):
        verbose_name = _("leader's instruction (批示)")
        verbose_name_plural = _("leaders' instructions (批示)")
        default_related_name = "instructions"

    def __str__(self) -> str:
        return f"{self.leader_name} {self.date}"


class Adoption(Feedback):
    """The report's advice adopted (采纳) into a policy or document."""

    document = models.CharField(_("adopted into"), max_length=200)
    date = models.DateField(_("date of adoption"))
    note = models.TextField(_("note"), blank=True)

    class Meta(Feedback.Meta):
        verbose_name = _("adoption (采纳)")
        verbose_name_plural = _("adoptions (采纳)")
        default_related_name = "adoptions"

    def __str__(self) -> str:
        return self.document
