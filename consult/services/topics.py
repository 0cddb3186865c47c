"""Research topics: creation (from problems or standalone), team, milestones, documents,
progress and the one state-change path. Every change of state writes a TopicEvent."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from accounts.notifications import notify
from experts.models import Discipline, Expert, Society
from experts.services.states import transition
from experts.text import normalize, query_terms
from problems.models import Problem
from problems.services import DomainError, attachment_validate, sequence_next

from ..models import Milestone, Topic, TopicDocument, TopicEvent, TopicMember, TopicUpdate

T = Topic.Status

# States in which problems, team and plan may still change.
OPEN_STATES = (T.PROPOSED, T.APPROVED, T.IN_PROGRESS, T.MIDTERM)
REASON_REQUIRED = {T.TERMINATED}
# The plan fields topic_update may change; state, number and progress have their own paths.
PLAN_FIELDS = frozenset(
    {
        "title",
        "summary",
        "region",
        "discipline",
        "lead_expert",
        "lead_society",
        "budget",
        "start_date",
        "end_date",
    }
)
# Problems a topic may take up: accepted into the pool or further along (not drafts, not
# those under screening, returned or rejected).
PROBLEM_STATES = (
    Problem.Status.ACCEPTED,
    Problem.Status.CONFIDENTIALITY,
    Problem.Status.READY,
    Problem.Status.CLOSED,
)


def topic_number_allocate(year: int) -> str:
    return f"ZK-{year}-{sequence_next(f'ZK-{year}'):03d}"


def _check_lead(lead_expert: Expert | None, lead_society: Society | None) -> None:
    if lead_expert and lead_society:
        raise DomainError(_("A topic has one lead: an expert or a learned society, not both."))


def _check_dates(start_date: date | None, end_date: date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise DomainError(_("The end date must not be before the start date."))


@transaction.atomic
def topic_create(
    *,
    title: str,
    region: Region,
    by: User,
    summary: str = "",
    discipline: Discipline | None = None,
    problems: list[Problem] | tuple = (),
    lead_expert: Expert | None = None,
    lead_society: Society | None = None,
    budget: Decimal | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Topic:
    """Create a proposed topic with the next ZK-YYYY-NNN number; the enterprises whose
    problems it takes up are told."""
    _check_lead(lead_expert, lead_society)
    _check_dates(start_date, end_date)
    topic = Topic.objects.create(
        number=topic_number_allocate(timezone.localdate().year),
        title=title.strip(),
        summary=summary.strip(),
        region=region,
        discipline=discipline,
        lead_expert=lead_expert,
        lead_society=lead_society,
        budget=budget,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    TopicEvent.objects.create(topic=topic, actor=by, from_status="", to_status=T.PROPOSED)
    topic_problems_add(topic, problems, by=by)
    return topic


@transaction.atomic
def topic_update(topic: Topic, *, by: User, problems=None, **fields) -> Topic:
    """Change a topic's plan (title, lead, budget, dates...) while it is open; `problems`, if
    given, is the full new set (enterprises of added problems are told). Only PLAN_FIELDS:
    the state changes through topic_transition, progress through topic_progress_update."""
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise TypeError(f"topic_update() cannot change {', '.join(sorted(unknown))}")
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    _check_open(topic)
    for name, value in fields.items():
        setattr(topic, name, value.strip() if isinstance(value, str) else value)
    _check_lead(topic.lead_expert, topic.lead_society)
    _check_dates(topic.start_date, topic.end_date)
    topic.save()
    if problems is not None:
        current = set(topic.problems.values_list("pk", flat=True))
        wanted = {problem.pk for problem in problems}
        topic.problems.remove(*(current - wanted))
        topic_problems_add(topic, [p for p in problems if p.pk not in current], by=by)
    return topic


def topic_problems_add(topic: Topic, problems, *, by: User) -> None:
    """Attach problems (similar problems merge into one topic) and tell their enterprises."""
    problems = list(problems)
    if not problems:
        return
    topic.problems.add(*problems)
    url_problem = "problems:problem_detail"
    for problem in problems:
        for member in problem.enterprise.members.filter(is_active=True):
            notify(
                member,
                title=_("Your problem %(problem)s became part of research topic %(topic)s")
                % {"problem": problem.number or problem.title, "topic": topic.number},
                body=_("The CAST think tank takes it up in the research topic “%s”.") % topic.title,
                url=reverse(url_problem, args=[problem.pk]),
            )


@transaction.atomic
def topic_transition(topic: Topic, to: str, *, by: User, reason: str = "") -> Topic:
    """Move a topic along proposed → approved (立项) → in progress ⇄ mid-term check →
    concluded (结题), or to terminated (with a reason)."""
    reason = reason.strip()
    if to in REASON_REQUIRED and not reason:
        raise DomainError(_("Please give a reason for terminating the topic."))
    fields = {}
    if to == T.CONCLUDED:
        fields["progress"] = 100
    topic = transition(
        topic,
        to,
        by=by,
        reason=reason,
        refused=_("A topic that is “%(from)s” cannot be moved to “%(to)s”."),
        **fields,
    )
    for user in topic_people(topic):
        if user.pk != by.pk:
            notify(
                user,
                title=_("Research topic %(number)s: %(status)s")
                % {"number": topic.number, "status": topic.get_status_display()},
                body=reason,
                url=topic.get_absolute_url(),
            )
    return topic


def topic_people(topic: Topic) -> list[User]:
    """The users who work on a topic: the lead expert, the lead society's admins, the team."""
    users = []
    if topic.lead_expert_id and topic.lead_expert.user_id:
        users.append(topic.lead_expert.user)
    if topic.lead_society_id:
        users.extend(topic.lead_society.admins.filter(is_active=True))
    for member in topic.members.select_related("expert__user"):
        if member.expert.user_id:
            users.append(member.expert.user)
    seen, unique = set(), []
    for user in users:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            unique.append(user)
    return unique


def _check_open(topic: Topic) -> None:
    if topic.status not in OPEN_STATES:
        raise DomainError(_("A concluded or terminated topic can no longer be changed."))


@transaction.atomic
def topic_member_add(
    topic: Topic,
    expert: Expert,
    *,
    by: User,
    role: str = "",
    outside: bool = False,
    affiliation_note: str = "",
) -> TopicMember:
    _check_open(topic)
    if topic.members.filter(expert=expert).exists():
        raise DomainError(_("%s is already on the team.") % expert.name)
    member = TopicMember.objects.create(
        topic=topic,
        expert=expert,
        role=role.strip(),
        outside=outside,
        affiliation_note=affiliation_note.strip(),
        added_by=by,
    )
    if expert.user_id:
        notify(
            expert.user,
            title=_("You joined the team of research topic %s") % topic.number,
            body=topic.title,
            url=topic.get_absolute_url(),
        )
    return member


@transaction.atomic
def topic_member_remove(member: TopicMember, *, by: User) -> None:
    _check_open(member.topic)
    member.delete()


@transaction.atomic
def milestone_save(milestone: Milestone, *, by: User) -> Milestone:
    _check_open(milestone.topic)
    milestone.title = milestone.title.strip()
    if not milestone.title:
        raise DomainError(_("Please name the milestone."))
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(milestone: Milestone, *, by: User) -> None:
    _check_open(milestone.topic)
    milestone.delete()


@transaction.atomic
def topic_document_add(
    topic: Topic, upload: UploadedFile, *, kind: str, by: User, note: str = ""
) -> TopicDocument:
    """Store a document or deliverable (type checked by its first bytes, size capped)."""
    if kind not in TopicDocument.Kind.values:
        raise DomainError(_("Unknown kind of document."))
    name, content_type = attachment_validate(upload)
    document = TopicDocument(
        topic=topic,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        note=note.strip(),
        uploaded_by=by,
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def topic_progress_update(topic: Topic, *, by: User, text: str, progress: int) -> TopicUpdate:
    """The lead (or staff) reports what was done; only while the topic is under way."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.is_active:
        raise DomainError(_("Progress can be reported only while the topic is under way."))
    if not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage between 0 and 100."))
    text = text.strip()
    if not text:
        raise DomainError(_("Please describe the progress."))
    update = TopicUpdate.objects.create(topic=topic, author=by, text=text, progress=progress)
    topic.progress = progress
    topic.save(update_fields=["progress", "updated_at"])
    return update


# --- similar problems -----------------------------------------------------------------------

SIMILAR_LIMIT = 8


def similar_problems(chosen: list[Problem], candidates, *, limit: int = SIMILAR_LIMIT) -> list:
    """Problems among `candidates` that look like the chosen ones (to merge into one topic):
    a shared title word counts two, the same industry one. Modest on purpose: one query over
    the candidates whose title contains a shared word or whose industry is the same."""
    if not chosen:
        return []
    terms: set[str] = set()
    for problem in chosen:
        terms.update(term for term in query_terms(problem.title) if len(term) >= 2)
    industries = {problem.industry_id for problem in chosen}
    wanted = Q(industry_id__in=industries)
    for term in terms:
        wanted |= Q(title__icontains=term)
    rows = (
        candidates.exclude(pk__in=[problem.pk for problem in chosen])
        .filter(wanted)
        .select_related("enterprise", "industry")
        .order_by("-submitted_at", "-pk")[: limit * 6]
    )
    scored = []
    for row in rows:
        title = normalize(row.title)
        shared = sorted(term for term in terms if term in title)
        score = 2 * len(shared) + (1 if row.industry_id in industries else 0)
        row.shared_terms = shared
        scored.append((score, row))
    scored.sort(key=lambda item: -item[0])  # stable: equal scores stay newest first
    return [row for score, row in scored[:limit] if score]
