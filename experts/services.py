from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from problems.services import DomainError, sequence_next

from .models import Expert
from .search import expert_index


@transaction.atomic
def expert_register(*, username: str, password: str | None, profile: Expert) -> User:
    """Self-registration: an account and an unverified profile that staff then verify."""
    user = User.objects.create_user(
        username=username,
        password=password,
        email=profile.email,
        role=User.Role.EXPERT,
        display_name=profile.name,
        phone=profile.mobile,
    )
    profile.user = user
    profile.verified = False
    if not profile.ref:
        profile.ref = f"ZJ-{timezone.localdate().year}-{sequence_next('ZJ'):05d}"
    expert_index(profile)
    profile.save()
    return user


@transaction.atomic
def expert_verify(expert: Expert, *, by: User) -> Expert:
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.verified:
        raise DomainError(_("This expert is already verified."))
    expert.verified, expert.verified_at, expert.verified_by = True, timezone.now(), by
    expert.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    return expert
