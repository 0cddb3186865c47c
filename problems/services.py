"""Business logic for enterprises, campaigns and problems.

Every state change goes through one transition function per model, which checks the transition
table, locks the row, saves and writes an event row (who, when, from, to, why).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.files import upload_scan
from accounts.models import User

from .models import (
    Attachment,
    Campaign,
    CampaignEvent,
    Enterprise,
    EnterpriseEvent,
    Problem,
    ProblemEvent,
    Sequence,
)

S = Problem.Status


class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user."""


# --- numbers --------------------------------------------------------------------------------


def sequence_next(name: str) -> int:
    """Take the next number of a gap-free counter. Must run inside the caller's transaction:
    the row stays locked until it commits, so concurrent callers queue and a rollback
    returns the number."""
    Sequence.objects.get_or_create(name=name)
    Sequence.objects.filter(name=name).update(last=F("last") + 1)
    return Sequence.objects.values_list("last", flat=True).get(name=name)


def problem_number_allocate(year: int) -> str:
    return f"KBZ-{year}-{sequence_next(f'KBZ-{year}'):04d}"


# --- enterprises ----------------------------------------------------------------------------


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    credit_code: str,
    region,
    industry,
    contact_name: str,
    contact_phone: str,
    contact_email: str = "",
    address: str = "",
    username: str,
    password: str | None,
    email: str = "",
) -> User:
    """Create a pending enterprise and its first member. Staff of its region verify it."""
    enterprise = Enterprise(
        name=name,
        credit_code=credit_code,
        region=region,
        industry=industry,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        address=address,
    )
    enterprise.full_clean()
    enterprise.save()
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email or contact_email,
        role=User.Role.ENTERPRISE,
        display_name=contact_name,
        phone=contact_phone,
        enterprise=enterprise,
    )
    EnterpriseEvent.objects.create(
        enterprise=enterprise, actor=user, from_status="", to_status=enterprise.status
    )
    return user


@transaction.atomic
def enterprise_set_status(
    enterprise: Enterprise, to: str, *, by: User, reason: str = ""
) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = enterprise.status
    if to not in Enterprise.TRANSITIONS.get(current, set()):
        raise DomainError(
            _("An enterprise that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Enterprise.Status(current).label, "to": Enterprise.Status(to).label}
        )
    if to == Enterprise.Status.REJECTED and not reason.strip():
        raise DomainError(_("Please give the reason so the enterprise knows what to correct."))
    enterprise.status = to
    if to == Enterprise.Status.VERIFIED:
        enterprise.verified_at, enterprise.verified_by = timezone.now(), by
    else:
        # The history keeps who verified it once; the flag fields describe the present.
        enterprise.verified_at, enterprise.verified_by = None, None
    enterprise.save(update_fields=["status", "verified_at", "verified_by"])
    EnterpriseEvent.objects.create(
        enterprise=enterprise, actor=by, from_status=current, to_status=to, reason=reason.strip()
    )
    return enterprise


# --- campaigns ------------------------------------------------------------------------------


@transaction.atomic
def campaign_set_status(campaign: Campaign, to: str, *, by: User) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if to not in Campaign.TRANSITIONS.get(campaign.status, set()):
        raise DomainError(
            _("A campaign that is “%(from)s” cannot become “%(to)s”.")
            % {"from": campaign.get_status_display(), "to": Campaign.Status(to).label}
        )
    current = campaign.status
    campaign.status = to
    campaign.save(update_fields=["status"])
    CampaignEvent.objects.create(campaign=campaign, actor=by, from_status=current, to_status=to)
    return campaign


@transaction.atomic
def campaign_create(campaign: Campaign, *, by: User) -> Campaign:
    """Save a new campaign as a draft, recording who created it."""
    campaign.status = Campaign.Status.DRAFT
    campaign.created_by = by
    campaign.save()
    CampaignEvent.objects.create(
        campaign=campaign, actor=by, from_status="", to_status=campaign.status
    )
    return campaign


def campaigns_open_to(enterprise: Enterprise, today: date | None = None):
    """Published campaigns accepting problems today from this enterprise: the deployment's
    own (root-level) campaigns are open to everyone, a prefecture's to its own region."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(
        status=Campaign.Status.PUBLISHED, opens_on__lte=today, closes_on__gte=today
    ).select_related("region")
    return [
        c
        for c in campaigns
        if c.region.code == settings.ROOT_REGION_CODE or c.region.contains(enterprise.region_id)
    ]


# --- problems -------------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.SCREENING, S.DRAFT},
    S.RESUBMITTED: {S.SCREENING, S.DRAFT},
    S.SCREENING: {S.RETURNED, S.REJECTED, S.ACCEPTED},
    S.RETURNED: {S.RESUBMITTED},
    S.ACCEPTED: {S.CONFIDENTIALITY, S.CLOSED},
    S.CONFIDENTIALITY: {S.READY, S.RETURNED, S.REJECTED},
    S.READY: {S.CLOSED},
    S.REJECTED: set(),
    S.CLOSED: set(),
}

ENTERPRISE = "enterprise"
STAFF = "staff"

# Who may take each move. Everything else in TRANSITIONS is a staff action.
ENTERPRISE_MOVES = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.DRAFT),
    (S.RESUBMITTED, S.DRAFT),
    (S.RETURNED, S.RESUBMITTED),
}

REASON_REQUIRED = {S.RETURNED, S.REJECTED, S.CLOSED}

# Button labels for each move, as the acting user reads them.
ACTION_LABELS = {
    (S.DRAFT, S.SUBMITTED): gettext_lazy("Submit"),
    (S.SUBMITTED, S.DRAFT): gettext_lazy("Withdraw"),
    (S.RESUBMITTED, S.DRAFT): gettext_lazy("Withdraw"),
    (S.RETURNED, S.RESUBMITTED): gettext_lazy("Resubmit"),
    (S.SUBMITTED, S.SCREENING): gettext_lazy("Start screening"),
    (S.RESUBMITTED, S.SCREENING): gettext_lazy("Start screening"),
    (S.SCREENING, S.RETURNED): gettext_lazy("Return for revision"),
    (S.SCREENING, S.REJECTED): gettext_lazy("Reject"),
    (S.SCREENING, S.ACCEPTED): gettext_lazy("Accept into the pool"),
    (S.ACCEPTED, S.CONFIDENTIALITY): gettext_lazy("Send to confidentiality review"),
    (S.ACCEPTED, S.CLOSED): gettext_lazy("Close"),
    (S.CONFIDENTIALITY, S.READY): gettext_lazy("Pass confidentiality review"),
    (S.CONFIDENTIALITY, S.RETURNED): gettext_lazy("Return for desensitisation"),
    (S.CONFIDENTIALITY, S.REJECTED): gettext_lazy("Reject (classified content)"),
    (S.READY, S.CLOSED): gettext_lazy("Close"),
}


def actor_kind(move: tuple[str, str]) -> str:
    return ENTERPRISE if move in ENTERPRISE_MOVES else STAFF


def may_act(user: User, problem: Problem, move: tuple[str, str]) -> bool:
    if actor_kind(move) == ENTERPRISE:
        return user.is_active and user.enterprise_id == problem.enterprise_id
    return user.in_scope(problem.region_id)


def available_moves(problem: Problem, user: User) -> list[tuple[str, str]]:
    """The moves this user may take now, in the table's order."""
    return [
        (problem.status, to)
        for to in TRANSITIONS.get(problem.status, ())
        if may_act(user, problem, (problem.status, to))
    ]


REQUIRED_FOR_SUBMIT = ("title", "category", "bottleneck", "expected_goal", "contact_name")


def _check_can_submit(problem: Problem, *, new_submission: bool) -> None:
    enterprise = Enterprise.objects.select_for_update().get(pk=problem.enterprise_id)
    if not enterprise.is_verified:
        raise DomainError(
            _(
                "Your enterprise has not been verified yet; problems can be submitted once the "
                "CAST of your region has verified it."
            )
        )
    if problem.confidentiality == Problem.Confidentiality.CLASSIFIED:
        raise DomainError(
            _(
                "Problems containing classified information must not be submitted through this "
                "platform. Remove the classified details (or report through your confidential "
                "channel) and mark the problem as public or internal."
            )
        )
    missing = [
        str(Problem._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMIT
        if not getattr(problem, name)
    ]
    if missing:
        raise DomainError(
            _("Please complete these fields before submitting: %(fields)s.")
            % {"fields": "、".join(missing)}
        )
    campaign = problem.campaign
    if campaign is None:
        return
    if campaign.categories and problem.category not in campaign.categories:
        raise DomainError(
            _("The campaign “%(title)s” collects only these categories: %(categories)s.")
            % {
                "title": campaign.title,
                "categories": "、".join(str(label) for label in campaign.category_labels()),
            }
        )
    if not new_submission:
        return
    if not campaign.is_open():
        raise DomainError(
            _("The campaign “%(title)s” is not accepting problems (open %(opens)s to %(closes)s).")
            % {"title": campaign.title, "opens": campaign.opens_on, "closes": campaign.closes_on}
        )
    used = (
        Problem.objects.filter(campaign=campaign, enterprise_id=problem.enterprise_id)
        .exclude(status=S.DRAFT)
        .exclude(pk=problem.pk)
        .count()
    )
    if used >= campaign.cap_per_unit:
        raise DomainError(
            _(
                "Each enterprise may submit at most %(cap)d problems to this campaign; yours has "
                "already submitted %(used)d."
            )
            % {"cap": campaign.cap_per_unit, "used": used}
        )


@transaction.atomic
def problem_transition(
    problem: Problem, to: str, *, by: User, reason: str = "", internal_note: str = ""
) -> Problem:
    """Move a problem to state `to`. Raises DomainError for an illegal move, a user who may
    not take it, or an unmet precondition; writes a ProblemEvent otherwise."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    current = problem.status
    move = (current, to)
    if to not in TRANSITIONS.get(current, set()):
        raise DomainError(
            _("A problem that is “%(from)s” cannot be moved to “%(to)s”.")
            % {"from": S(current).label, "to": S(to).label}
        )
    if not may_act(by, problem, move):
        raise DomainError(_("You may not take this action on this problem."))
    reason = reason.strip()
    if to in REASON_REQUIRED and not reason:
        raise DomainError(_("Please give a reason; the enterprise will see it."))
    if to in {S.SUBMITTED, S.RESUBMITTED}:
        # A submission (also of a withdrawn draft) must fit the open campaign and its cap; a
        # revision that staff asked for is already counted and may come back after closing.
        _check_can_submit(problem, new_submission=to == S.SUBMITTED)
        if problem.number is None:
            problem.number = problem_number_allocate(timezone.localdate().year)
        if problem.submitted_at is None:
            problem.submitted_at = timezone.now()
    problem.status = to
    problem.save(update_fields=["status", "number", "submitted_at", "updated_at"])
    ProblemEvent.objects.create(
        problem=problem,
        actor=by,
        from_status=current,
        to_status=to,
        reason=reason,
        internal_note=internal_note.strip(),
    )
    return problem


@transaction.atomic
def problem_note(problem: Problem, *, by: User, note: str) -> ProblemEvent:
    """A staff-only comment on the timeline; the state does not change."""
    if not by.in_scope(problem.region_id):
        raise DomainError(_("You may not take this action on this problem."))
    if not note.strip():
        raise DomainError(_("The note is empty."))
    return ProblemEvent.objects.create(
        problem=problem,
        actor=by,
        from_status=problem.status,
        to_status=problem.status,
        internal_note=note.strip(),
    )


@transaction.atomic
def problem_save_draft(problem: Problem, *, by: User) -> Problem:
    """Create or update a problem the enterprise is still editing (draft or returned)."""
    if problem.pk is None:
        problem.enterprise = by.enterprise
        problem.created_by = by
        problem.status = S.DRAFT
        if problem.region_id is None:
            problem.region = by.enterprise.region
        if problem.industry_id is None:
            problem.industry = by.enterprise.industry
        problem.save()
        ProblemEvent.objects.create(problem=problem, actor=by, from_status="", to_status=S.DRAFT)
        return problem
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.status not in {S.DRAFT, S.RETURNED}:
        raise DomainError(
            _("A problem can only be edited while it is a draft or returned for revision.")
        )
    problem.save()
    return problem


# --- attachments ----------------------------------------------------------------------------

# Allowed types are recognised by their first bytes, never by the name alone.
_SIGNATURES = {
    b"%PDF-": ("application/pdf", {".pdf"}),
    b"\x89PNG\r\n\x1a\n": ("image/png", {".png"}),
    b"\xff\xd8\xff": ("image/jpeg", {".jpg", ".jpeg"}),
    b"PK\x03\x04": ("application/zip", {".docx", ".xlsx", ".pptx"}),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": ("application/x-ole-storage", {".doc", ".xls", ".ppt"}),
}
_OOXML_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
ALLOWED_EXTENSIONS = sorted({ext for _type, exts in _SIGNATURES.values() for ext in exts})
MAX_ATTACHMENTS = 10


def sniff_content_type(head: bytes, extension: str) -> str | None:
    """The content type if the file's first bytes match its extension, else None."""
    for magic, (content_type, extensions) in _SIGNATURES.items():
        if head.startswith(magic) and extension in extensions:
            return _OOXML_TYPES.get(extension) or _OLE_TYPES.get(extension) or content_type
    return None


def clean_upload_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name.strip(" .")[-150:] or "file"


def attachment_validate(upload: UploadedFile) -> tuple[str, str]:
    """Return (clean name, content type) or raise ValidationError with a clear message."""
    name = clean_upload_name(upload.name or "")
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; attachments may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s”: only these file types are accepted: %(types)s.")
            % {"name": name, "types": " ".join(ALLOWED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, extension)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not really a %(ext)s file (its content does not match its name).")
            % {"name": name, "ext": extension}
        )
    upload_scan(upload, name=name)
    return name, content_type


@transaction.atomic
def attachment_add(problem: Problem, upload: UploadedFile, *, by: User) -> Attachment:
    if problem.status not in {S.DRAFT, S.RETURNED}:
        raise DomainError(
            _("Attachments can only be changed while the problem is a draft or returned.")
        )
    if problem.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(
            _("A problem may have at most %(max)d attachments.") % {"max": MAX_ATTACHMENTS}
        )
    name, content_type = attachment_validate(upload)
    attachment = Attachment(
        problem=problem,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(attachment: Attachment, *, by: User) -> None:
    if attachment.problem.status not in {S.DRAFT, S.RETURNED}:
        raise DomainError(
            _("Attachments can only be changed while the problem is a draft or returned.")
        )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
