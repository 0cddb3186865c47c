import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from problems.services import DomainError

from .filters import ExpertFilter
from .rules import experts_visible_to, societies_visible_to
from .services import expert_verify


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("experts.list_experts", request.user):
        raise PermissionDenied
    queryset = experts_visible_to(request.user).select_related("region__parent")
    filterset = ExpertFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/expert_list.html", filtered_page(request, filterset))


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(
        experts_visible_to(request.user).select_related("region__parent", "verified_by"), pk=pk
    )
    return render(
        request,
        "experts/expert_detail.html",
        {
            "expert": expert,
            "societies": expert.societies.all(),
            "can_verify": rules.has_perm("experts.verify_expert", request.user, expert)
            and not expert.verified,
        },
    )


@login_required
@require_POST
def expert_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(experts_visible_to(request.user), pk=pk)
    if not rules.has_perm("experts.verify_expert", request.user, expert):
        raise PermissionDenied
    try:
        expert_verify(expert, by=request.user)
        messages.success(request, _("Expert verified."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(expert)


@login_required
def society_detail(request: HttpRequest, pk: int) -> HttpResponse:
    society = get_object_or_404(societies_visible_to(request.user).select_related("region"), pk=pk)
    return render(
        request,
        "experts/society_detail.html",
        {"society": society, "members": society.members.select_related("region")},
    )
