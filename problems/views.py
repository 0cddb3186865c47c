import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.files import protected_file_response
from accounts.listing import filtered_page
from consult.models import Report
from consult.services.topics import PROBLEM_STATES as TOPIC_PROBLEM_STATES

from . import services
from .filters import CampaignFilter, EnterpriseFilter, ProblemFilter
from .forms import CampaignForm, EnterpriseStatusForm, NoteForm, ProblemForm, TransitionForm
from .models import Attachment, Campaign, Problem
from .rules import campaigns_visible_to, enterprises_visible_to, problems_visible_to


def require(request: HttpRequest, perm: str, obj=None) -> None:
    # rules.has_perm, not user.has_perm: Django grants superusers every permission, and a
    # platform admin must get exactly what the predicates say (e.g. no enterprise forms).
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def form_errors(request: HttpRequest, form) -> None:
    """The errors of a form posted from a page that redirects back to itself, as messages."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _domain_error(request: HttpRequest, error: Exception) -> None:
    messages.error(request, str(error))


# --- problems -------------------------------------------------------------------------------


LONG_TEXT_FIELDS = ("background", "bottleneck", "indicators", "attempts", "expected_goal")


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_staff_view = rules.has_perm("problems.list_problems", user)
    if not (is_staff_view or user.enterprise_id):
        raise PermissionDenied
    # The long texts are read on the detail page, not in a list of 25.
    queryset = (
        problems_visible_to(user)
        .select_related("enterprise", "region", "industry", "campaign")
        .defer(*LONG_TEXT_FIELDS)
    )
    filterset = ProblemFilter(
        request.GET or None,
        queryset=queryset,
        campaigns=campaigns_visible_to(user),
        with_drafts=not is_staff_view,
    )
    return render(
        request,
        "problems/problem_list.html",
        {**filtered_page(request, filterset), "is_staff_view": is_staff_view},
    )


def _campaign_choices(user):
    return services.campaigns_open_to(user.enterprise)


def _save_attachments(request, problem, files) -> None:
    for upload in files:
        services.attachment_add(problem, upload, by=request.user)


@login_required
def problem_create(request: HttpRequest) -> HttpResponse:
    require(request, "problems.add_problem")
    enterprise = request.user.enterprise
    initial = {
        "region": enterprise.region_id,
        "industry": enterprise.industry_id,
        "contact_name": request.user.display_name or enterprise.contact_name,
        "contact_phone": request.user.phone or enterprise.contact_phone,
        "campaign": request.GET.get("campaign"),
    }
    form = ProblemForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        campaigns=_campaign_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        return _save_problem(request, form)
    return render(request, "problems/problem_form.html", {"form": form})


@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    require(request, "problems.change_problem", problem)
    form = ProblemForm(
        request.POST or None,
        request.FILES or None,
        instance=problem,
        campaigns=_campaign_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        return _save_problem(request, form)
    return render(
        request,
        "problems/problem_form.html",
        {"form": form, "problem": problem, "return_reason": _return_reason(problem)},
    )


def _return_reason(problem: Problem) -> str:
    """What staff asked the enterprise to change, the last time they returned the problem."""
    if problem.status != Problem.Status.RETURNED:
        return ""
    event = problem.events.filter(to_status=Problem.Status.RETURNED).last()
    return event.reason if event else ""


def _save_problem(request: HttpRequest, form: ProblemForm) -> HttpResponse:
    """Save the draft and its attachments; optionally submit in the same breath. A refused
    submission keeps the saved draft and says why."""
    try:
        with transaction.atomic():
            problem = services.problem_save_draft(form.save(commit=False), by=request.user)
            _save_attachments(request, problem, form.cleaned_data.get("new_attachments") or [])
    except (services.DomainError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return render(
            request, "problems/problem_form.html", {"form": form, "problem": form.instance}
        )
    if "submit" in request.POST:
        target = (
            Problem.Status.RESUBMITTED
            if problem.status == Problem.Status.RETURNED
            else Problem.Status.SUBMITTED
        )
        try:
            problem = services.problem_transition(problem, target, by=request.user)
        except services.DomainError as error:
            messages.warning(request, _("Saved as a draft, but not submitted: %s") % error)
            return redirect(problem)
        messages.success(request, _("Problem %(number)s submitted.") % {"number": problem.number})
    else:
        messages.success(request, _("Saved."))
    return redirect(problem)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(
        problems_visible_to(request.user).select_related(
            "enterprise", "region__parent", "industry", "campaign"
        ),
        pk=pk,
    )
    user = request.user
    is_staff_view = rules.has_perm("problems.screen_problem", user, problem)
    events = problem.events.select_related("actor")
    moves = [
        {
            "to": to,
            "label": services.ACTION_LABELS[(frm, to)],
            "needs_reason": to in services.REASON_REQUIRED,
            "danger": to in {Problem.Status.REJECTED, Problem.Status.CLOSED},
        }
        for frm, to in services.available_moves(problem, user)
    ]
    return render(
        request,
        "problems/problem_detail.html",
        {
            "problem": problem,
            "events": events,
            "attachments": problem.attachments.all(),
            "moves": moves,
            "is_staff_view": is_staff_view,
            "can_edit": rules.has_perm("problems.change_problem", user, problem),
            "note_form": NoteForm() if is_staff_view else None,
            "topics": _problem_topics(problem, user, is_staff_view=is_staff_view),
            "can_add_topic": is_staff_view
            and problem.status in TOPIC_PROBLEM_STATES
            and rules.has_perm("consult.add_topic", user),
        },
    )


def _problem_topics(problem: Problem, user, *, is_staff_view: bool) -> list:
    """The research topics that took the problem up, each with the feedback (批示, 采纳) on
    its issued reports, in four queries whatever their number. Only staff who may open a
    topic get its link; the enterprise is told that, not shown the topic."""
    issued = Report.objects.filter(status=Report.Status.ISSUED).prefetch_related(
        "instructions", "adoptions"
    )
    topics = list(
        problem.topics.order_by("created_at", "pk").prefetch_related(
            Prefetch("reports", queryset=issued.select_related("series"), to_attr="issued")
        )
    )
    for topic in topics:
        topic.can_open = is_staff_view and rules.has_perm("consult.view_topic", user, topic)
    return topics


@login_required
@require_POST
def problem_transition(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; please try again."))
        return redirect(problem)
    move = (problem.status, form.cleaned_data["to"])
    if not services.may_act(request.user, problem, move):
        raise PermissionDenied
    try:
        problem = services.problem_transition(
            problem,
            form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            internal_note=form.cleaned_data["internal_note"],
        )
    except services.DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(
            request,
            _("The problem is now “%(status)s”.") % {"status": problem.get_status_display()},
        )
    return redirect(problem)


@login_required
@require_POST
def problem_note(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    require(request, "problems.screen_problem", problem)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.problem_note(problem, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("The note is empty or too long (2000 characters at most)."))
    return redirect(problem)


def attachment_response(attachment) -> HttpResponse:
    """A stored upload (problem or opinion attachment), always as a download under its
    original name: never rendered inline, whatever its type."""
    return protected_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.filter(problem__in=problems_visible_to(request.user)), pk=pk
    )
    return attachment_response(attachment)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.filter(problem__in=problems_visible_to(request.user)).select_related(
            "problem"
        ),
        pk=pk,
    )
    require(request, "problems.change_problem", attachment.problem)
    try:
        services.attachment_delete(attachment, by=request.user)
        messages.success(request, _("Attachment removed."))
    except services.DomainError as error:
        _domain_error(request, error)
    return redirect("problems:problem_edit", attachment.problem_id)


# --- campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(request, "problems.view_campaign")
    queryset = (
        campaigns_visible_to(user)
        .select_related("region")
        .annotate(n_problems=Count("problems", filter=~Q(problems__status=Problem.Status.DRAFT)))
        .order_by("-opens_on", "-pk")
    )
    filterset = CampaignFilter(request.GET or None, queryset=queryset)
    return render(
        request,
        "problems/campaign_list.html",
        {
            **filtered_page(request, filterset),
            "can_add": rules.has_perm("problems.add_campaign", user),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "problems.view_campaign")
    campaign = get_object_or_404(
        campaigns_visible_to(request.user).select_related("region", "created_by"), pk=pk
    )
    user = request.user
    context = {
        "campaign": campaign,
        "events": campaign.events.select_related("actor"),
        "can_change": rules.has_perm("problems.change_campaign", user, campaign),
        "is_open": campaign.is_open(),
    }
    if rules.has_perm("problems.list_problems", user):
        visible = problems_visible_to(user).filter(campaign=campaign)
        context["counts"] = visible.values("status").annotate(n=Count("pk")).order_by("status")
        context["n_visible"] = visible.count()
    elif user.enterprise_id:
        context["own_problems"] = problems_visible_to(user).filter(campaign=campaign)
    return render(request, "problems/campaign_detail.html", context)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request, "problems.add_campaign")
    form = CampaignForm(
        request.POST or None, user=request.user, initial={"region": request.user.region_id}
    )
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_create(form.save(commit=False), by=request.user)
        messages.success(request, _("Campaign created as a draft; publish it when ready."))
        return redirect(campaign)
    return render(request, "problems/campaign_form.html", {"form": form})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(request, "problems.change_campaign", campaign)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(campaign)
    return render(request, "problems/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(request, "problems.change_campaign", campaign)
    to = request.POST.get("to", "")
    if to not in Campaign.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(campaign)
    try:
        services.campaign_set_status(campaign, to, by=request.user)
        messages.success(request, _("Campaign status changed."))
    except services.DomainError as error:
        _domain_error(request, error)
    return redirect(campaign)


# --- enterprises ----------------------------------------------------------------------------


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    require(request, "problems.list_enterprises")
    queryset = (
        enterprises_visible_to(request.user)
        .select_related("region", "industry")
        .annotate(n_problems=Count("problems", filter=~Q(problems__status=Problem.Status.DRAFT)))
        .order_by("name", "pk")
    )
    filterset = EnterpriseFilter(request.GET or None, queryset=queryset)
    return render(request, "problems/enterprise_list.html", filtered_page(request, filterset))


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(
        enterprises_visible_to(request.user).select_related("region__parent", "industry"), pk=pk
    )
    require(request, "problems.view_enterprise", enterprise)
    return render(
        request,
        "problems/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "events": enterprise.events.select_related("actor"),
            "members": enterprise.members.all(),
            "problems": problems_visible_to(request.user).filter(enterprise=enterprise)[:50],
            "can_verify": rules.has_perm("problems.verify_enterprise", request.user, enterprise),
        },
    )


@login_required
@require_POST
def enterprise_status(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    require(request, "problems.verify_enterprise", enterprise)
    form = EnterpriseStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; please try again."))
        return redirect(enterprise)
    try:
        services.enterprise_set_status(
            enterprise, form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Enterprise status changed."))
    except services.DomainError as error:
        _domain_error(request, error)
    return redirect(enterprise)
