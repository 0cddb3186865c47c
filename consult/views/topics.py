"""Research topic pages. Staff manage the topics of their scope; the lead (an expert, or the
admins of the lead society) reports progress and uploads deliverables; team members see their
topic; nobody else does (404 outside `topics_visible_to`, 403 for a refused action)."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from accounts.models import User
from problems.rules import problems_visible_to
from problems.services import DomainError
from problems.views import LONG_TEXT_FIELDS, attachment_response, form_errors, require

from ..filters.topics import MyTopicFilter, TopicFilter
from ..forms.topics import (
    DocumentForm,
    MemberForm,
    MilestoneForm,
    ProgressForm,
    TopicForm,
    TransitionForm,
    scope_regions,
    topic_problem_choices,
)
from ..models import Milestone, Topic, TopicDocument, TopicMember
from ..rules import reports_visible_to, topics_visible_to
from ..services import topics as services

T = Topic.Status
MAX_PRESELECTED = 50

# The buttons of the state machine, by target state (and source where the words differ).
MOVE_LABELS = {
    T.APPROVED: gettext_lazy("Approve (立项)"),
    T.IN_PROGRESS: gettext_lazy("Start the work"),
    T.MIDTERM: gettext_lazy("Start the mid-term check"),
    T.CONCLUDED: gettext_lazy("Conclude (结题)"),
    T.TERMINATED: gettext_lazy("Terminate"),
}
MOVE_ORDER = [T.APPROVED, T.IN_PROGRESS, T.MIDTERM, T.CONCLUDED, T.TERMINATED]


def _move_label(frm: str, to: str) -> str:
    if frm == T.MIDTERM and to == T.IN_PROGRESS:
        return _("Mid-term check passed: resume the work")
    return str(MOVE_LABELS[to])


def _visible_topic(request: HttpRequest, pk: int, perm: str) -> Topic:
    topic = get_object_or_404(
        topics_visible_to(request.user).select_related(
            "region__parent__parent", "discipline", "lead_expert", "lead_society", "created_by"
        ),
        pk=pk,
    )
    require(request, perm, topic)
    return topic


def _error(request: HttpRequest, error: Exception) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


# --- list and creation ------------------------------------------------------------------------


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_staff_view = rules.has_perm("consult.list_topics", user)
    if not (is_staff_view or user.role in (User.Role.EXPERT, User.Role.SOCIETY_ADMIN)):
        raise PermissionDenied
    queryset = topics_visible_to(user).select_related(
        "region", "lead_expert", "lead_society", "discipline"
    )
    if is_staff_view:
        filterset = TopicFilter(request.GET or None, queryset=queryset, user=user)
    else:
        filterset = MyTopicFilter(request.GET or None, queryset=queryset)
    return render(
        request,
        "consult/topic_list.html",
        {
            **filtered_page(request, filterset),
            "is_staff_view": is_staff_view,
            "can_add": rules.has_perm("consult.add_topic", user),
        },
    )


def _requested_ids(raw: str) -> list[int]:
    """`?problems=1,2,3`: the ids that are plain numbers of a sane size; the rest is ignored."""
    ids = []
    for part in raw.split(",")[:MAX_PRESELECTED]:
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) <= 18:
            ids.append(int(part))
    return ids


def _default_region(user: User) -> str | None:
    code = user.region_id or settings.ROOT_REGION_CODE
    return code if scope_regions(user).filter(code=code).exists() else None


@login_required
def topic_create(request: HttpRequest) -> HttpResponse:
    require(request, "consult.add_topic")
    user = request.user
    preselected, similar = [], []
    if request.method == "POST":
        form = TopicForm(request.POST, user=user)
        if form.is_valid():
            try:
                topic = services.topic_create(by=user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Research topic %(number)s created.") % {"number": topic.number}
                )
                return redirect(topic)
    else:
        ids = _requested_ids(request.GET.get("problems", ""))
        candidates = topic_problem_choices(user)
        if ids:
            preselected = list(candidates.filter(pk__in=ids).order_by("number", "pk"))
            similar = services.similar_problems(preselected, candidates)
        initial = {"region": _default_region(user), "problems": [p.pk for p in preselected]}
        if len(preselected) == 1:
            initial["title"] = preselected[0].title
        form = TopicForm(initial=initial, user=user)
    return render(
        request,
        "consult/topic_form.html",
        {
            "form": form,
            "preselected": preselected,
            "similar": similar,
            "preselected_ids": ",".join(str(p.pk) for p in preselected),
        },
    )


@login_required
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.change_topic")
    form = TopicForm(request.POST or None, user=request.user, topic=topic)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        problems = list(fields.pop("problems"))
        try:
            topic = services.topic_update(topic, by=request.user, problems=problems, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(topic)
    return render(request, "consult/topic_form.html", {"form": form, "topic": topic})


# --- the topic page ---------------------------------------------------------------------------


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.view_topic")
    user = request.user
    can_change = rules.has_perm("consult.change_topic", user, topic)
    can_report = rules.has_perm("consult.report_progress", user, topic)
    is_open = topic.status in services.OPEN_STATES
    moves = [
        {
            "to": to,
            "label": _move_label(topic.status, to),
            "needs_reason": to in services.REASON_REQUIRED,
        }
        for to in MOVE_ORDER
        if can_change and to in Topic.TRANSITIONS[topic.status]
    ]
    problems = list(topic.problems.defer(*LONG_TEXT_FIELDS).order_by("number", "pk"))
    # Staff get links to the problems they may open (a topic may take up problems from
    # outside their scope); the topic's people see numbers and titles only.
    openable = (
        set(problems_visible_to(user).filter(topics=topic).values_list("pk", flat=True))
        if can_change
        else set()
    )
    for problem in problems:
        problem.can_open = problem.pk in openable
    reports = (
        reports_visible_to(user)
        .filter(topic=topic)
        .select_related("series")
        .defer("summary", "body")
    )
    return render(
        request,
        "consult/topic_detail.html",
        {
            "topic": topic,
            "is_staff_view": can_change,
            "can_report": can_report,
            "is_open": is_open,
            "moves": moves,
            "members": topic.members.select_related("expert"),
            "problems": problems,
            "milestones": topic.milestones.all(),
            "documents": topic.documents.select_related("uploaded_by"),
            "updates": topic.updates.select_related("author"),
            "reports": reports,
            "events": topic.events.select_related("actor"),
            "member_form": MemberForm() if can_change and is_open else None,
            "milestone_form": MilestoneForm(prefix="milestone") if can_change and is_open else None,
            "document_form": DocumentForm() if can_report else None,
            "progress_form": (
                ProgressForm(initial={"progress": topic.progress})
                if can_report and topic.is_active
                else None
            ),
        },
    )


@login_required
@require_POST
def topic_transition(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.change_topic")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; please try again."))
        return redirect(topic)
    try:
        topic = services.topic_transition(
            topic, form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("The topic is now “%(status)s”.") % {"status": topic.get_status_display()}
        )
    return redirect(topic)


@login_required
@require_POST
def topic_progress(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.report_progress")
    form = ProgressForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(topic)
    try:
        services.topic_progress_update(topic, by=request.user, **form.cleaned_data)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Progress recorded."))
    return redirect(topic)


# --- team -------------------------------------------------------------------------------------


@login_required
@require_POST
def topic_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.change_topic")
    form = MemberForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(topic)
    try:
        member = services.topic_member_add(topic, by=request.user, **form.cleaned_data)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("%s joined the team.") % member.expert.name)
    return redirect(topic)


@login_required
@require_POST
def topic_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        TopicMember.objects.filter(topic__in=topics_visible_to(request.user)).select_related(
            "topic", "expert"
        ),
        pk=pk,
    )
    require(request, "consult.change_topic", member.topic)
    try:
        services.topic_member_remove(member, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("%s left the team.") % member.expert.name)
    return redirect(member.topic)


# --- milestones -------------------------------------------------------------------------------


def _visible_milestone(request: HttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.filter(topic__in=topics_visible_to(request.user)).select_related("topic"),
        pk=pk,
    )
    require(request, "consult.change_topic", milestone.topic)
    return milestone


@login_required
@require_POST
def topic_milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.change_topic")
    form = MilestoneForm(request.POST, prefix="milestone", instance=Milestone(topic=topic))
    if not form.is_valid():
        form_errors(request, form)
        return redirect(topic)
    try:
        services.milestone_save(form.save(commit=False), by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Milestone added."))
    return redirect(topic)


@login_required
def topic_milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(form.save(commit=False), by=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(milestone.topic)
    return render(
        request,
        "consult/topic_milestone_form.html",
        {"form": form, "milestone": milestone, "topic": milestone.topic},
    )


@login_required
@require_POST
def topic_milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    if milestone.done_on is None:
        milestone.done_on = timezone.localdate()
        try:
            services.milestone_save(milestone, by=request.user)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Milestone marked as done."))
    return redirect(milestone.topic)


@login_required
@require_POST
def topic_milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    try:
        services.milestone_delete(milestone, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Milestone removed."))
    return redirect(milestone.topic)


# --- documents --------------------------------------------------------------------------------


@login_required
@require_POST
def topic_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _visible_topic(request, pk, "consult.report_progress")
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(topic)
    try:
        document = services.topic_document_add(
            topic,
            form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except (DomainError, ValidationError) as error:
        _error(request, error)
    else:
        messages.success(request, _("“%s” uploaded.") % document.original_name)
    return redirect(topic)


@login_required
def topic_document(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        TopicDocument.objects.filter(topic__in=topics_visible_to(request.user)).select_related(
            "topic"
        ),
        pk=pk,
    )
    require(request, "consult.view_topic", document.topic)
    return attachment_response(document)


urlpatterns = [
    path("topics/", topic_list, name="topic_list"),
    path("topics/new/", topic_create, name="topic_create"),
    path("topics/<int:pk>/", topic_detail, name="topic_detail"),
    path("topics/<int:pk>/edit/", topic_edit, name="topic_edit"),
    path("topics/<int:pk>/transition/", topic_transition, name="topic_transition"),
    path("topics/<int:pk>/progress/", topic_progress, name="topic_progress"),
    path("topics/<int:pk>/members/", topic_member_add, name="topic_member_add"),
    path("topics/members/<int:pk>/remove/", topic_member_remove, name="topic_member_remove"),
    path("topics/<int:pk>/milestones/", topic_milestone_add, name="topic_milestone_add"),
    path("topics/milestones/<int:pk>/edit/", topic_milestone_edit, name="topic_milestone_edit"),
    path("topics/milestones/<int:pk>/done/", topic_milestone_done, name="topic_milestone_done"),
    path(
        "topics/milestones/<int:pk>/delete/",
        topic_milestone_delete,
        name="topic_milestone_delete",
    ),
    path("topics/<int:pk>/documents/", topic_document_upload, name="topic_document_upload"),
    path("topics/documents/<int:pk>/", topic_document, name="topic_document"),
]
