"""Research topics (课题): problems worth a study become a topic with a lead (an expert or a
learned society), a team, a budget, milestones and documents. States change only through
`consult.services.topics.topic_transition`, which writes a TopicEvent."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from experts.models import Discipline, Expert, Society
from experts.models.assignments import WorkflowEvent


class Topic(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved (立项)")
        IN_PROGRESS = "in_progress", _("In progress")
        MIDTERM = "midterm", _("Mid-term check")
        CONCLUDED = "concluded", _("Concluded (结题)")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS = {
        Status.PROPOSED: {Status.APPROVED, Status.TERMINATED},
        Status.APPROVED: {Status.IN_PROGRESS, Status.TERMINATED},
        Status.IN_PROGRESS: {Status.MIDTERM, Status.CONCLUDED, Status.TERMINATED},
        # A passed mid-term check sends the work back in progress.
        Status.MIDTERM: {Status.IN_PROGRESS, Status.CONCLUDED, Status.TERMINATED},
        Status.CONCLUDED: set(),
        Status.TERMINATED: set(),
    }
    # States in which the team works and the lead reports progress.
    ACTIVE_STATES = (Status.APPROVED, Status.IN_PROGRESS, Status.MIDTERM)

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("research content"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The CAST whose staff manage the topic."),
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problems = models.ManyToManyField(
        "problems.Problem", verbose_name=_("problems"), blank=True, related_name="topics"
    )
    lead_expert = models.ForeignKey(
        Expert,
        verbose_name=_("lead expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_topics",
    )
    lead_society = models.ForeignKey(
        Society,
        verbose_name=_("lead society"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_topics",
    )
    budget = models.DecimalField(
        _("budget (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_expert__isnull=True) | Q(lead_society__isnull=True),
                name="topic_one_lead",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="topic_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("consult:topic_detail", args=[self.pk])

    @property
    def lead(self) -> Expert | Society | None:
        return self.lead_expert or self.lead_society

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATES


class TopicEvent(WorkflowEvent):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Topic.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Topic.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.from_status} → {self.to_status}"


class TopicMember(models.Model):
    """An expert on the team. Outside experts (柔性智库, e.g. from a partner province under
    对口援疆) are pool experts marked `outside`, with where they come from."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="topic_memberships")
    role = models.CharField(_("role in the team"), max_length=50, blank=True)
    outside = models.BooleanField(_("outside expert (柔性智库)"), default=False)
    affiliation_note = models.CharField(
        _("from"),
        max_length=100,
        blank=True,
        help_text=_("E.g. the partner province or programme."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "expert"], name="topic_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.expert_id}"


class Milestone(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=150)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.due_date < today


def topic_document_path(instance: "TopicDocument", filename: str) -> str:
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"topics/{instance.topic_id}/{timezone.now():%Y%m%d%H%M%S%f}{extension}"


class TopicDocument(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Application (申报书)")
        PROGRESS = "progress", _("Progress report")
        MIDTERM = "midterm", _("Mid-term report")
        DELIVERABLE = "deliverable", _("Deliverable")
        FINAL = "final", _("Final report (结题报告)")
        OTHER = "other", _("Other")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=topic_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("topic document")
        verbose_name_plural = _("topic documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class TopicUpdate(models.Model):
    """A progress note from the lead (or staff): what was done, with the overall percentage."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("progress"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.progress}%"
