"""Personal data (个人信息保护法): what the platform holds about an expert, given to them on
request, and deletion requests, whose approval anonymises the expert.

Anonymisation keeps the record and everything hanging off it (assignments, review opinions,
their history): the review history stays, attributed to 「已注销专家 #<id>」. What identifies the
person goes: the account's name, login, e-mail and mobile (and the account is deactivated with
an unusable password), the profile's name, reference, employer, title, directions, contact
details, disciplines, declared conflicts, profile-change history, society memberships and
in-app notifications; the expert leaves matching and the talent search."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Action, record
from accounts.models import Notification, User
from accounts.notifications import notify
from problems.services import DomainError

from ..models import (
    Assignment,
    DeletionRequest,
    DeletionRequestEvent,
    Expert,
    Review,
)
from .states import transition

ANONYMOUS_NAME = "已注销专家 #%(pk)d"


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(instance, names: list[str]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in names}


def expert_personal_data(expert: Expert) -> dict:
    """Everything the platform holds about the expert and their account, as plain JSON data:
    the answer to their request for their own data (个人信息查阅复制)."""
    user = expert.user
    data = {
        "generated_at": timezone.now().isoformat(),
        "account": _fields(
            user,
            [
                "username",
                "display_name",
                "first_name",
                "last_name",
                "email",
                "phone",
                "role",
                "is_active",
                "date_joined",
                "last_login",
            ],
        )
        if user
        else None,
        "profile": {
            **_fields(
                expert,
                [
                    "ref",
                    "name",
                    "gender",
                    "employer",
                    "title",
                    "research_directions",
                    "email",
                    "mobile",
                    "accepting",
                    "max_assignments",
                    "verified",
                    "verified_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            "region": {"code": expert.region_id, "name": expert.region.full_name},
        },
        "disciplines": [
            {"code": d.code, "name": d.name} for d in expert.disciplines.order_by("code")
        ],
        "societies": [s.name for s in expert.societies.order_by("name")],
        "declared_conflicts": [
            _fields(c, ["organisation", "credit_code", "kind", "note", "created_at"])
            for c in expert.conflicts.all()
        ],
        "problem_conflicts": [
            {"problem": c.problem.number, **_fields(c, ["reason", "created_at"])}
            for c in expert.problem_conflicts.select_related("problem").order_by("pk")
        ],
        "profile_changes": [
            _fields(
                c,
                [
                    "field",
                    "old_value",
                    "new_value",
                    "status",
                    "requested_at",
                    "decided_at",
                    "reason",
                ],
            )
            for c in expert.changes.order_by("requested_at", "pk")
        ],
        "assignments": [],
        "deletion_requests": [
            _fields(r, ["status", "reason", "requested_at", "decided_at", "decision_reason"])
            for r in expert.deletion_requests.order_by("requested_at", "pk")
        ],
        "notifications": [
            _fields(n, ["title", "body", "url", "created_at", "read_at"])
            for n in (user.notifications.order_by("created_at", "pk") if user else [])
        ],
    }
    assignments = (
        Assignment.objects.filter(expert=expert)
        .select_related("problem", "review")
        .prefetch_related("events", "review__attachments")
        .order_by("invited_at", "pk")
    )
    for assignment in assignments:
        entry = {
            "problem": assignment.problem.number,
            **_fields(
                assignment,
                [
                    "status",
                    "due_date",
                    "invited_at",
                    "responded_at",
                    "no_conflict_declared_at",
                    "decline_reason",
                    "decline_note",
                    "suggested_text",
                ],
            ),
            "history": [
                _fields(e, ["from_status", "to_status", "reason", "created_at"])
                for e in assignment.events.all()
            ],
            "opinion": None,
        }
        try:
            review = assignment.review
        except Review.DoesNotExist:
            review = None
        if review is not None:
            entry["opinion"] = {
                **_fields(
                    review,
                    [
                        "status",
                        "severity",
                        "difficulty",
                        "urgency",
                        "feasibility",
                        "route",
                        "recommend_topic",
                        "opinion",
                        "submitted_at",
                        "updated_at",
                        "released_at",
                        "released_named",
                    ],
                ),
                "attachments": [
                    {"name": a.original_name, "size": a.size, "uploaded_at": _plain(a.uploaded_at)}
                    for a in review.attachments.all()
                ],
            }
        data["assignments"].append(entry)
    return data


def personal_data_exported(expert: Expert, *, by: User, request=None) -> None:
    record(
        Action.PERSONAL_DATA_EXPORT,
        request=request,
        user=by,
        target=expert,
        detail={"kind": "own_data", "expert": expert.pk},
    )


# --- deletion requests ------------------------------------------------------------------------


def _deciders():
    """Who is told of a new request: the platform admins and the autonomous-region staff."""
    return User.objects.filter(is_active=True).filter(
        Q(role=User.Role.ADMIN)
        | Q(is_superuser=True)
        | Q(role=User.Role.STAFF, region_id=settings.ROOT_REGION_CODE)
    )


@transaction.atomic
def deletion_request_create(expert: Expert, *, by: User, reason: str = "") -> DeletionRequest:
    """The expert asks for their personal data to be deleted (one open request at a time)."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.anonymised_at:
        raise DomainError(_("This profile has already been anonymised."))
    if expert.deletion_requests.filter(status=DeletionRequest.Status.OPEN).exists():
        raise DomainError(_("You already have a deletion request awaiting a decision."))
    request = DeletionRequest.objects.create(expert=expert, reason=reason.strip())
    request.events.create(
        actor=by, from_status="", to_status=DeletionRequest.Status.OPEN, reason=request.reason
    )
    record(
        Action.DELETION_REQUEST,
        user=by,
        target=request,
        detail={"expert": expert.pk, "from": "", "to": DeletionRequest.Status.OPEN},
    )
    for user in _deciders():
        notify(
            user,
            title=_("Personal data deletion request: %(expert)s") % {"expert": expert.name},
            url=reverse("experts:deletion_request_detail", args=[request.pk]),
            email=False,
        )
    return request


@transaction.atomic
def deletion_request_withdraw(request: DeletionRequest, *, by: User) -> DeletionRequest:
    return _move(request, DeletionRequest.Status.WITHDRAWN, by=by, reason="")


@transaction.atomic
def deletion_request_decide(
    request: DeletionRequest, *, by: User, approve: bool, reason: str = ""
) -> DeletionRequest:
    """Approve (the expert is anonymised at once, in the same transaction) or reject (a
    reason is required: the expert reads it)."""
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(_("Please give the reason for rejecting the request."))
    to = DeletionRequest.Status.APPROVED if approve else DeletionRequest.Status.REJECTED
    request = _move(
        request,
        to,
        by=by,
        reason=reason,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=reason,
    )
    if approve:
        expert_anonymise(request.expert, by=by)
    elif request.expert.user_id:
        notify(
            request.expert.user,
            title=_("Your personal data deletion request was rejected"),
            body=reason,
            url=reverse("experts:my_data"),
        )
    return request


def _move(request: DeletionRequest, to: str, *, by: User, reason: str, **fields):
    from_status = request.status
    request = transition(
        request,
        to,
        by=by,
        reason=reason,
        refused=_("A deletion request cannot go from “%(from)s” to “%(to)s”."),
        **fields,
    )
    record(
        Action.DELETION_REQUEST,
        user=by,
        target=request,
        detail={"expert": request.expert_id, "from": from_status, "to": to, "reason": reason},
    )
    return request


@transaction.atomic
def expert_anonymise(expert: Expert, *, by: User) -> Expert:
    """Replace or clear everything that identifies the expert; keep the record, its
    assignments and opinions (see the module's docstring). Recorded in the audit log."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.anonymised_at:
        raise DomainError(_("This profile has already been anonymised."))
    label = ANONYMOUS_NAME % {"pk": expert.pk}
    user = expert.user
    if user is not None:
        user.username = f"deleted-expert-{expert.pk}"
        user.display_name = label
        user.first_name = user.last_name = user.email = user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        Notification.objects.filter(user=user).delete()
    expert.ref = f"deleted-{expert.pk}"
    expert.name = label
    expert.gender = expert.employer = expert.title = expert.research_directions = ""
    expert.email = expert.mobile = ""
    expert.accepting = False
    expert.search_text = ""
    expert.anonymised_at = timezone.now()
    expert.save()
    expert.disciplines.clear()
    expert.conflicts.all().delete()
    expert.changes.all().delete()
    expert.societies.clear()
    # The expert's own words in their requests; the decisions and their reasons stay.
    expert.deletion_requests.update(reason="")
    DeletionRequestEvent.objects.filter(
        request__expert=expert, to_status=DeletionRequest.Status.OPEN
    ).update(reason="")
    record(Action.ANONYMISE, user=by, target=expert, detail={"expert": expert.pk})
    return expert
