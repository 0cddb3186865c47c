"""Personal data (个人信息保护法): an expert's request that their data be deleted, decided by
the autonomous-region staff; approval anonymises the expert (experts.services.personal)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assignments import WorkflowEvent
from .pool import Expert


class DeletionRequest(models.Model):
    """An expert's request to delete their personal data; one open request at a time."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting decision")
        APPROVED = "approved", _("Approved: data anonymised")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.OPEN: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    }

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="deletion_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("reason given"), blank=True)
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
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert"], condition=Q(status="open"), name="one_open_deletion_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert}: {self.get_status_display()}"


class DeletionRequestEvent(WorkflowEvent):
    request = models.ForeignKey(DeletionRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=DeletionRequest.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=DeletionRequest.Status.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("deletion request event")
        verbose_name_plural = _("deletion request events")
