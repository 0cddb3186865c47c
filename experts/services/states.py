"""The one state-change mechanism of the workflow's models (Assignment, Delegation,
Proposal): each declares its `Status` choices and `TRANSITIONS` table, and its event rows
hang off it as `events` with actor, from_status, to_status and reason."""

from django.db import models, transaction
from django.utils.translation import gettext as _

from problems.services import DomainError


@transaction.atomic
def transition(instance: models.Model, to: str, *, by, reason: str, refused: str, **fields):
    """Lock the row, check the move against the model's TRANSITIONS (`refused` is the error,
    with %(from)s and %(to)s), set the state and `fields`, save and write the event."""
    model = type(instance)
    if to not in model.Status.values:
        # Not a state at all: refused like an illegal move rather than a crash on its label.
        raise DomainError(_("Unknown status."))
    instance = model.objects.select_for_update().get(pk=instance.pk)
    if to not in model.TRANSITIONS.get(instance.status, set()):
        raise DomainError(
            refused % {"from": instance.get_status_display(), "to": model.Status(to).label}
        )
    from_status = instance.status
    instance.status = to
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save(update_fields=["status", *fields])
    instance.events.create(actor=by, from_status=from_status, to_status=to, reason=reason)
    return instance
