"""Who may see and do what with research topics and advisory reports.

Topics concern the staff who manage them (region scope) and the people who work on them (the
lead expert, the lead society's admins, the team); nobody else. Reports concern their staff;
once issued, also the officials of the bodies they are addressed or copied to (all officials
when the circulation is public) and the topic's people. Querysets are scoped by the same
rules: what a user may not see answers 404; what a user may not do answers 403."""

import rules
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.rules import is_cast_staff, is_official, is_platform_admin

from .models import Report, Topic

R = Report.Status


def scope_q(user: User, field: str) -> Q | None:
    """Rows whose region code (at `field`) lies in the user's scope; None without a scope."""
    prefix = user.scope_prefix() if user.is_authenticated else None
    if prefix is None:
        return None
    return Q() if prefix == "" else Q(**{f"{field}__startswith": prefix})


def _people_topic_q(user: User, prefix: str = "") -> Q:
    """Topics the user works on (as lead expert, admin of the lead society, team member)."""
    if user.role == User.Role.EXPERT:
        return Q(**{f"{prefix}lead_expert__user": user}) | Q(
            **{f"{prefix}members__expert__user": user}
        )
    if user.role == User.Role.SOCIETY_ADMIN:
        return Q(**{f"{prefix}lead_society__admins": user})
    return Q(pk__in=[])


def topics_visible_to(user: User) -> QuerySet[Topic]:
    topics = Topic.objects.all()
    if not user.is_authenticated:
        return topics.none()
    scope = scope_q(user, "region__code")
    if scope is not None:
        return topics.filter(scope)
    if user.role in (User.Role.EXPERT, User.Role.SOCIETY_ADMIN):
        return topics.filter(pk__in=Topic.objects.filter(_people_topic_q(user)).values("pk"))
    return topics.none()


def reports_visible_to(user: User) -> QuerySet[Report]:
    reports = Report.objects.all()
    if not user.is_authenticated:
        return reports.none()
    scope = scope_q(user, "region__code")
    if scope is not None:
        return reports.filter(scope)
    issued = reports.filter(status=R.ISSUED)
    if user.role == User.Role.OFFICIAL and user.government_body_id:
        body = user.government_body_id
        named = Report.objects.filter(Q(addressees=body) | Q(copies=body)).values("pk")
        return issued.filter(Q(circulation=Report.Circulation.PUBLIC) | Q(pk__in=named))
    if user.role in (User.Role.EXPERT, User.Role.SOCIETY_ADMIN):
        return issued.filter(topic__in=Topic.objects.filter(_people_topic_q(user)).values("pk"))
    return reports.none()


@rules.predicate
def is_in_scope(user, obj) -> bool:
    return obj is not None and user.in_scope(obj.region_id)


@rules.predicate
def works_on_topic(user, topic) -> bool:
    return (
        topic is not None and Topic.objects.filter(Q(pk=topic.pk) & _people_topic_q(user)).exists()
    )


@rules.predicate
def leads_topic(user, topic) -> bool:
    if topic is None:
        return False
    if topic.lead_expert_id:
        return topic.lead_expert.user_id == user.pk
    if topic.lead_society_id:
        return topic.lead_society.admins.filter(pk=user.pk).exists()
    return False


@rules.predicate
def is_active_topic(user, topic) -> bool:
    return topic is not None and topic.is_active


@rules.predicate
def is_issued(user, report) -> bool:
    return report is not None and report.status == R.ISSUED


@rules.predicate
def is_addressed_to_users_body(user, report) -> bool:
    if report is None or not user.government_body_id:
        return False
    if report.circulation == Report.Circulation.PUBLIC:
        return True
    body = user.government_body_id
    return report.addressees.filter(pk=body).exists() or report.copies.filter(pk=body).exists()


@rules.predicate
def works_on_reports_topic(user, report) -> bool:
    return report is not None and report.topic_id is not None and works_on_topic(user, report.topic)


staff_in_scope = is_platform_admin | (is_cast_staff & is_in_scope)
is_staff_or_admin = is_cast_staff | is_platform_admin

rules.add_perm("consult.list_topics", is_staff_or_admin)
rules.add_perm("consult.add_topic", is_staff_or_admin)
rules.add_perm("consult.view_topic", staff_in_scope | works_on_topic)
rules.add_perm("consult.change_topic", staff_in_scope)
rules.add_perm("consult.report_progress", staff_in_scope | (leads_topic & is_active_topic))

rules.add_perm("consult.list_reports", is_staff_or_admin)
rules.add_perm("consult.add_report", is_staff_or_admin)
rules.add_perm("consult.change_report", staff_in_scope)
rules.add_perm(
    "consult.view_report",
    staff_in_scope
    | (is_issued & is_official & is_addressed_to_users_body)
    | (is_issued & works_on_reports_topic),
)
rules.add_perm("consult.read_reports", is_official | is_staff_or_admin)
rules.add_perm(
    "consult.give_feedback",
    is_issued & (staff_in_scope | (is_official & is_addressed_to_users_body)),
)
rules.add_perm("consult.view_downloads", staff_in_scope)
rules.add_perm("consult.trace_download", is_staff_or_admin)
rules.add_perm("consult.view_dashboard", is_staff_or_admin)
