"""Business logic for experts, their profile changes and declared conflicts, and societies.

Every write records who made it and when: ProfileChange rows for name and employer, a
SocietyEvent for every change to a society's record or member list.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from problems.services import DomainError, sequence_next
from problems.validators import normalize_credit_code

from ..models import DeclaredConflict, Discipline, Expert, ProfileChange, Society, SocietyEvent
from ..search import expert_index
from ..validators import normalize_email, normalize_mobile

# --- experts --------------------------------------------------------------------------------


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


# Fields an expert changes for themselves at once.
PROFILE_FIELDS = (
    "gender",
    "title",
    "research_directions",
    "region",
    "email",
    "mobile",
    "accepting",
    "max_assignments",
)
# The expert's identity towards enterprises and staff: an expert's own change to these waits
# for staff of the region to confirm it (ProfileChange); staff change them directly.
CONFIRMED_FIELDS = ("name", "employer")
# What the talent search indexes (experts.search.expert_search_text).
INDEXED_FIELDS = {"name", "employer", "title", "research_directions"}


def _clean_value(field: str, value: Any) -> Any:
    if field.endswith("email"):
        return normalize_email(value)
    if field == "mobile":
        return normalize_mobile(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _assign(obj: Expert | Society, field: str, value: Any) -> Any:
    """Set `field` to `value` if it differs; return the old value, or None if unchanged."""
    if field == "region":
        old = obj.region
        if obj.region_id == getattr(value, "pk", None):
            return None
    else:
        old = getattr(obj, field)
        if old == value:
            return None
    setattr(obj, field, value)
    return old if old is not None else ""


@transaction.atomic
def expert_update_profile(
    expert: Expert, *, by: User, data: Mapping[str, Any]
) -> list[ProfileChange]:
    """Apply `data` (a form's cleaned data) to the expert's profile.

    Keys other than the profile fields, name, employer and disciplines are ignored. Name and
    employer are applied at once when `by` may edit the expert's record (staff of the region,
    platform admin), and recorded as an approved ProfileChange; when the expert edits their
    own profile each becomes a pending ProfileChange that staff decide on (a newer request for
    the same field supersedes the older one). Returns the ProfileChanges created."""
    # Permissions are read from the stored row: a bound ModelForm has already written the
    # submitted values (the new region, say) into the instance the caller holds.
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    direct = rules.has_perm("experts.change_expert", by, expert)
    if not direct and not rules.has_perm("experts.edit_own_profile", by, expert):
        raise DomainError(_("You may not edit this expert's profile."))
    now = timezone.now()
    old_name = expert.name

    changed = set()
    for field in PROFILE_FIELDS:
        if field in data and _assign(expert, field, _clean_value(field, data[field])) is not None:
            changed.add(field)

    changes = []
    for field in CONFIRMED_FIELDS:
        if field not in data:
            continue
        value = _clean_value(field, data[field])
        if not value:
            raise DomainError(_("The name and the employer must not be empty."))
        change = _identity_change(expert, field, value, by=by, direct=direct, now=now)
        if change is not None:
            changes.append(change)
            if direct:
                setattr(expert, field, value)
                changed.add(field)

    if "disciplines" in data:
        _set_disciplines(expert, data["disciplines"])
    if changed & INDEXED_FIELDS:
        expert_index(expert)
        changed.add("search_text")
    if changed:
        expert.save(update_fields=[*sorted(changed), "updated_at"])
    if "name" in changed and expert.user_id:
        _sync_display_name(expert, old=old_name)
    return changes


def _identity_change(
    expert: Expert, field: str, value: str, *, by: User, direct: bool, now: datetime
) -> ProfileChange | None:
    """The ProfileChange for a new name or employer: approved at once when staff make it, else
    pending (replacing an older pending request); None when there is nothing to change."""
    old = getattr(expert, field)
    pending = expert.changes.filter(field=field, status=ProfileChange.Status.PENDING)
    if value == old or (not direct and pending.filter(new_value=value).exists()):
        return None
    if direct:
        return ProfileChange.objects.create(
            expert=expert,
            field=field,
            old_value=old,
            new_value=value,
            status=ProfileChange.Status.APPROVED,
            requested_by=by,
            requested_at=now,
            decided_by=by,
            decided_at=now,
        )
    pending.update(
        status=ProfileChange.Status.REJECTED,
        decided_by=by,
        decided_at=now,
        reason=_("Superseded by a newer request."),
    )
    return ProfileChange.objects.create(
        expert=expert, field=field, old_value=old, new_value=value, requested_by=by
    )


def _set_disciplines(expert: Expert, disciplines: Iterable[Discipline]) -> None:
    wanted = {discipline.pk for discipline in disciplines}
    if wanted != set(expert.disciplines.values_list("pk", flat=True)):
        expert.disciplines.set(wanted)


def _sync_display_name(expert: Expert, *, old: str) -> None:
    # The account was created with the profile's name; follow a confirmed rename, but leave
    # a display name the user chose themselves alone.
    User.objects.filter(pk=expert.user_id, display_name=old).update(display_name=expert.name)


@transaction.atomic
def profile_change_decide(
    change: ProfileChange, *, by: User, approve: bool, reason: str = ""
) -> ProfileChange:
    """Approve (apply the new value and re-index the expert) or reject (a reason is required,
    the expert sees it) a pending name or employer change."""
    change = ProfileChange.objects.select_for_update().select_related("expert").get(pk=change.pk)
    if not rules.has_perm("experts.decide_change", by, change):
        raise DomainError(_("You may not decide on this change."))
    if change.status != ProfileChange.Status.PENDING:
        raise DomainError(_("This change has already been decided."))
    if change.field not in CONFIRMED_FIELDS:
        raise DomainError(_("This field cannot be changed this way."))
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(_("Please give a reason; the expert will see it."))
    if approve:
        expert = Expert.objects.select_for_update().get(pk=change.expert_id)
        old = getattr(expert, change.field)
        setattr(expert, change.field, change.new_value)
        expert_index(expert)
        expert.save(update_fields=[change.field, "search_text", "updated_at"])
        if change.field == "name" and expert.user_id:
            _sync_display_name(expert, old=old)
    change.status = ProfileChange.Status.APPROVED if approve else ProfileChange.Status.REJECTED
    change.decided_by, change.decided_at, change.reason = by, timezone.now(), reason
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return change


# --- declared conflicts ---------------------------------------------------------------------


@transaction.atomic
def conflict_add(
    expert: Expert,
    *,
    by: User,
    organisation: str,
    kind: str,
    credit_code: str = "",
    note: str = "",
) -> DeclaredConflict:
    """Declare an organisation the expert must not review for."""
    if not rules.has_perm("experts.manage_conflicts", by, expert):
        raise DomainError(_("You may not change this expert's declared conflicts."))
    organisation = organisation.strip()
    credit_code = normalize_credit_code(credit_code)
    if not organisation:
        raise DomainError(_("Please name the organisation."))
    if kind not in DeclaredConflict.Kind.values:
        raise DomainError(_("Unknown kind of conflict."))
    declared = expert.conflicts.filter(organisation=organisation)
    if credit_code:
        declared = declared | expert.conflicts.filter(credit_code=credit_code)
    if declared.exists():
        raise DomainError(_("This organisation is already declared."))
    return DeclaredConflict.objects.create(
        expert=expert,
        organisation=organisation,
        kind=kind,
        credit_code=credit_code,
        note=note.strip(),
    )


@transaction.atomic
def conflict_remove(conflict: DeclaredConflict, *, by: User) -> None:
    if not rules.has_perm("experts.manage_conflicts", by, conflict.expert):
        raise DomainError(_("You may not change this expert's declared conflicts."))
    conflict.delete()


# --- societies ------------------------------------------------------------------------------

SOCIETY_FIELDS = (
    "name",
    "level",
    "region",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
)
# Only staff of the society's region change these (experts.rename_society).
SOCIETY_STAFF_FIELDS = ("name", "region")


@transaction.atomic
def society_update(society: Society, *, by: User, data: Mapping[str, Any]) -> Society:
    """Apply `data` (a form's cleaned data) to the society and record one SocietyEvent naming
    the changed fields. Nothing changed, nothing recorded."""
    society = Society.objects.select_for_update().get(pk=society.pk)
    if not rules.has_perm("experts.change_society", by, society):
        raise DomainError(_("You may not edit this society."))
    may_rename = rules.has_perm("experts.rename_society", by, society)
    changes: list[str] = []
    update_fields = []
    for field in SOCIETY_FIELDS:
        if field not in data:
            continue
        value = _clean_value(field, data[field])
        old = _assign(society, field, value)
        if old is None:
            continue
        if field in SOCIETY_STAFF_FIELDS and not may_rename:
            raise DomainError(_("Only CAST staff may change a society's name or region."))
        update_fields.append(field)
        changes.append(_describe(society, field, old, value))
    if update_fields:
        society.save(update_fields=[*update_fields, "updated_at"])
    if "disciplines" in data:
        wanted = {discipline.pk for discipline in data["disciplines"]}
        current = set(society.disciplines.values_list("pk", flat=True))
        if wanted != current:
            society.disciplines.set(wanted)
            label = Society._meta.get_field("disciplines").verbose_name
            before, after = "、".join(sorted(current)) or "—", "、".join(sorted(wanted)) or "—"
            changes.append(f"{label}: {before} → {after}")
    if changes:
        SocietyEvent.objects.create(
            society=society,
            actor=by,
            action=SocietyEvent.Action.EDITED,
            detail="\n".join(changes),
        )
    return society


def _describe(society: Society, field: str, old: Any, new: Any) -> str:
    label = society._meta.get_field(field).verbose_name
    if field == "description":
        return str(label)  # long free text: naming the field is enough
    if field == "level":
        old, new = Society.Level(old).label if old else "—", Society.Level(new).label
    return f"{label}: {old or '—'} → {new or '—'}"


def _check_manage_members(society: Society, by: User) -> None:
    if not rules.has_perm("experts.manage_members", by, society):
        raise DomainError(_("You may not change this society's members."))


@transaction.atomic
def society_member_add(society: Society, expert: Expert, *, by: User) -> SocietyEvent:
    _check_manage_members(society, by)
    society = Society.objects.select_for_update().get(pk=society.pk)
    if society.members.filter(pk=expert.pk).exists():
        raise DomainError(
            _("%(name)s is already a member of this society.") % {"name": expert.name}
        )
    society.members.add(expert)
    return SocietyEvent.objects.create(
        society=society,
        actor=by,
        action=SocietyEvent.Action.MEMBER_ADDED,
        expert=expert,
        detail=f"{expert.ref} {expert.name}",
    )


@transaction.atomic
def society_member_remove(society: Society, expert: Expert, *, by: User) -> SocietyEvent:
    _check_manage_members(society, by)
    society = Society.objects.select_for_update().get(pk=society.pk)
    if not society.members.filter(pk=expert.pk).exists():
        raise DomainError(_("%(name)s is not a member of this society.") % {"name": expert.name})
    society.members.remove(expert)
    return SocietyEvent.objects.create(
        society=society,
        actor=by,
        action=SocietyEvent.Action.MEMBER_REMOVED,
        expert=expert,
        detail=f"{expert.ref} {expert.name}",
    )
