"""The assignment workflow: a problem that passed 保密审查 goes to experts (invitations, one at
a time from the matching page or many at once from a bulk proposal) or to a learned society
(a delegation whose admin then invites members); experts accept or decline, review, and staff
release chosen opinions to the enterprise. Every state change writes an event row."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pool import Expert, Society


class WorkflowEvent(models.Model):
    """One history row: who (none for the background jobs), when, why; the subclasses add
    the row they belong to and the from/to states of its model."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class ProblemBrief(models.Model):
    """The staff's restatement of a problem for the experts who review it.

    Experts never read the enterprise's own wording or attachments: they read this brief,
    and only the attachments staff release."""

    problem = models.OneToOneField(
        "problems.Problem", on_delete=models.CASCADE, related_name="brief"
    )
    title = models.CharField(_("restated title"), max_length=150)
    summary = models.TextField(
        _("restated problem"),
        help_text=_("What the experts read: the technical question without business details."),
    )
    released_attachments = models.ManyToManyField(
        "problems.Attachment",
        verbose_name=_("attachments released to experts"),
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("problem brief")
        verbose_name_plural = _("problem briefs")

    def __str__(self) -> str:
        return self.title


class ProblemConflict(models.Model):
    """An expert's conflict of interest on one problem (declared when declining, or recorded
    by staff): the expert is never suggested for it or assignable to it again."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="problem_conflicts")
    problem = models.ForeignKey(
        "problems.Problem", on_delete=models.CASCADE, related_name="expert_conflicts"
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict on a problem")
        verbose_name_plural = _("conflicts on problems")
        constraints = [
            models.UniqueConstraint(fields=["expert", "problem"], name="problem_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} × {self.problem_id}"


class Delegation(models.Model):
    """A problem handed to a learned society; its admin invites members to review it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the society")
        STAFFED = "staffed", _("Members invited")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.OPEN: {Status.STAFFED, Status.WITHDRAWN},
        Status.STAFFED: {Status.WITHDRAWN},
    }

    problem = models.ForeignKey(
        "problems.Problem", on_delete=models.CASCADE, related_name="delegations"
    )
    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="delegations")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    experts_wanted = models.PositiveSmallIntegerField(
        _("experts wanted"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    due_date = models.DateField(_("opinions due"))
    note = models.TextField(_("note to the society"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("delegated at"), default=timezone.now)

    class Meta:
        verbose_name = _("delegation to a society")
        verbose_name_plural = _("delegations to societies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "society"],
                condition=~Q(status="withdrawn"),
                name="delegation_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.society} ← {self.problem_id}"


class DelegationEvent(WorkflowEvent):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Delegation.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Delegation.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("delegation event")
        verbose_name_plural = _("delegation events")

    def __str__(self) -> str:
        return f"{self.delegation_id}: {self.from_status} → {self.to_status}"


class Proposal(models.Model):
    """A bulk assignment computed by the optimiser, which staff review, edit and publish."""

    class Status(models.TextChoices):
        COMPUTING = "computing", _("Computing")
        DRAFT = "draft", _("Ready for review")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.COMPUTING: {Status.DRAFT, Status.FAILED},
        Status.DRAFT: {Status.PUBLISHED, Status.DISCARDED, Status.COMPUTING},
        Status.FAILED: {Status.COMPUTING, Status.DISCARDED},
    }

    label = models.CharField(_("label"), max_length=100)
    campaign = models.ForeignKey(
        "problems.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    problems = models.ManyToManyField(
        "problems.Problem", verbose_name=_("problems"), related_name="+"
    )
    experts_per_problem = models.PositiveSmallIntegerField(
        _("experts per problem"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    due_date = models.DateField(_("opinions due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COMPUTING
    )
    # Solver figures: total score, problems left short of k, candidates considered, seconds.
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment proposal")
        verbose_name_plural = _("assignment proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class ProposalEvent(WorkflowEvent):
    """Who moved a proposal (or edited its items), when, from which state to which, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Proposal.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Proposal.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class ProposalItem(models.Model):
    """One proposed (problem, expert) pair with the matcher's score, reasons and flags."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    problem = models.ForeignKey("problems.Problem", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), default=0)
    reasons = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    # A flagged pair is published only once staff confirm it (recorded on the invitation).
    flags_confirmed = models.BooleanField(_("flags confirmed"), default=False)
    added_by_staff = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("proposed assignment")
        verbose_name_plural = _("proposed assignments")
        ordering = ["problem_id", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "problem", "expert"], name="proposal_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.expert_id}"


class Assignment(models.Model):
    """An invitation of one expert to review one problem, and its outcome."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Opinion submitted")

    TRANSITIONS = {
        Status.INVITED: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.COMPLETED, Status.WITHDRAWN},
    }
    # States that occupy one of the expert's concurrent slots (Expert.max_assignments).
    LOAD_STATES = (Status.INVITED, Status.ACCEPTED)
    ACTIVE_STATES = (Status.INVITED, Status.ACCEPTED, Status.COMPLETED)

    class DeclineReason(models.TextChoices):
        UNFAMILIAR = "unfamiliar", _("Not familiar with the field")
        TIME = "time", _("Schedule conflict")
        CONFLICT = "conflict", _("Conflict of interest")
        OTHER = "other", _("Other")

    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    due_date = models.DateField(_("opinion due"))
    # Where the invitation came from: a society's admin, a bulk proposal, or neither.
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("via society"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("via proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    score = models.FloatField(_("match score"), null=True, blank=True)
    # Likely conflicts shown when the invitation was made, and who confirmed them.
    flags = models.JSONField(_("conflict flags"), default=list, blank=True)
    flags_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    no_conflict_declared_at = models.DateTimeField(
        _("no-conflict declaration"), null=True, blank=True
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("explanation"), blank=True)
    suggested_expert = models.ForeignKey(
        Expert,
        verbose_name=_("suggested instead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_text = models.CharField(
        _("suggested instead (not in the pool)"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "expert"],
                condition=Q(status__in=["invited", "accepted", "completed"]),
                name="assignment_active_once",
            )
        ]
        indexes = [models.Index(fields=["expert", "status"])]

    def __str__(self) -> str:
        return f"{self.expert} ← {self.problem_id}"

    def get_absolute_url(self) -> str:
        return reverse("experts:assignment_detail", args=[self.pk])


class AssignmentEvent(WorkflowEvent):
    """Who moved an assignment, when, from which state to which, and why. Releases of the
    opinion to the enterprise are recorded here too (same state, with the reason)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Assignment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Assignment.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("assignment event")
        verbose_name_plural = _("assignment events")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.from_status} → {self.to_status}"


class Reminder(models.Model):
    """One row per reminder sent: the unique constraint makes the reminder job idempotent."""

    class Kind(models.TextChoices):
        UNANSWERED = "unanswered", _("Invitation unanswered for 3 days")
        DUE_SOON = "due_soon", _("Opinion due in 7 days")
        OVERDUE = "overdue", _("Opinion 3 days overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.kind}"


class Review(models.Model):
    """An expert's review opinion (评审意见) on an assigned problem."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Route(models.TextChoices):
        JOINT = "joint", _("Joint research (联合攻关)")
        IMPORT = "import", _("Import and absorb (引进消化)")
        OWN = "own", _("Independent R&D (自主研发)")
        NOT_READY = "not_ready", _("Conditions not yet in place (暂不具备条件)")

    SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    severity = models.PositiveSmallIntegerField(
        _("bottleneck severity"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    difficulty = models.PositiveSmallIntegerField(
        _("technical difficulty"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    feasibility = models.PositiveSmallIntegerField(
        _("feasibility"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    route = models.CharField(
        _("recommended route"), max_length=20, choices=Route.choices, blank=True
    )
    recommend_topic = models.BooleanField(
        _("recommended as a research topic"), null=True, blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Release to the enterprise: staff choose which opinions, and whether the expert is named.
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_named = models.BooleanField(_("expert named"), default=False)

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")

    def __str__(self) -> str:
        return f"{self.assignment}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


def review_attachment_path(instance: "ReviewAttachment", filename: str) -> str:
    return f"reviews/{instance.review_id}/{timezone.now():%Y%m%d%H%M%S%f}{instance.extension}"


class ReviewAttachment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=review_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("opinion attachment")
        verbose_name_plural = _("opinion attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        name = self.original_name.lower()
        return name[name.rfind(".") :] if "." in name else ""
