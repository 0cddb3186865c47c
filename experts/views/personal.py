"""Personal data (个人信息保护法): the expert's page of their own data, its download, their
deletion requests; the autonomous-region staff's list of requests and their decisions."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from problems.services import DomainError
from problems.views import form_errors, require

from ..filters import DeletionRequestFilter
from ..forms import ChangeDecisionForm, DeletionRequestForm
from ..models import DeletionRequest
from ..services import personal as services
from .pool import own_expert


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What the platform holds about the expert, its download, and the deletion request."""
    expert = own_expert(request)
    require(request, "experts.export_own_data", expert)
    requests = list(expert.deletion_requests.prefetch_related("events"))
    open_request = next((r for r in requests if r.status == DeletionRequest.Status.OPEN), None)
    return render(
        request,
        "experts/my_data.html",
        {
            "expert": expert,
            "requests": requests,
            "open_request": open_request,
            "form": None if open_request else DeletionRequestForm(),
        },
    )


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    expert = own_expert(request)
    require(request, "experts.export_own_data", expert)
    data = services.expert_personal_data(expert)
    services.personal_data_exported(expert, by=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{expert.pk}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def deletion_request_create(request: HttpRequest) -> HttpResponse:
    expert = own_expert(request)
    require(request, "experts.request_deletion", expert)
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("experts:my_data")
    try:
        services.deletion_request_create(
            expert, by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your request was sent; CAST staff will decide on it and tell you.")
        )
    return redirect("experts:my_data")


@login_required
@require_POST
def deletion_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    expert = own_expert(request)
    require(request, "experts.request_deletion", expert)
    deletion = get_object_or_404(expert.deletion_requests, pk=pk)
    try:
        services.deletion_request_withdraw(deletion, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("experts:my_data")


@login_required
def deletion_request_list(request: HttpRequest) -> HttpResponse:
    require(request, "experts.decide_deletion")
    queryset = DeletionRequest.objects.select_related("expert__region", "decided_by")
    filterset = DeletionRequestFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/deletion_request_list.html", filtered_page(request, filterset))


@login_required
def deletion_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "experts.decide_deletion")
    deletion = get_object_or_404(
        DeletionRequest.objects.select_related("expert__region", "expert__user", "decided_by"),
        pk=pk,
    )
    return render(
        request,
        "experts/deletion_request_detail.html",
        {
            "deletion": deletion,
            "events": deletion.events.select_related("actor"),
            "n_assignments": deletion.expert.assignments.count(),
            "form": ChangeDecisionForm(),
        },
    )


@login_required
@require_POST
def deletion_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "experts.decide_deletion")
    deletion = get_object_or_404(DeletionRequest.objects.select_related("expert"), pk=pk)
    form = ChangeDecisionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("experts:deletion_request_detail", deletion.pk)
    try:
        services.deletion_request_decide(
            deletion, by=request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Request approved: the expert's personal data was anonymised.")
            if form.approve
            else _("Request rejected."),
        )
    return redirect("experts:deletion_request_detail", deletion.pk)
