from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from experts.models import Expert, Society
from experts.rules import experts_visible_to
from experts.services import expert_register
from problems.models import Enterprise, Problem
from problems.rules import enterprises_visible_to, problems_visible_to
from problems.services import campaigns_open_to, enterprise_register

from .forms import EnterpriseRegistrationForm, ExpertRegistrationForm
from .models import User


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    if user.is_platform_admin or user.is_cast_staff:
        return _home_staff(request, user)
    role_pages = {
        User.Role.ENTERPRISE: _home_enterprise,
        User.Role.EXPERT: _home_expert,
        User.Role.SOCIETY_ADMIN: _home_society,
        User.Role.OFFICIAL: _home_official,
    }
    page = role_pages.get(user.role)
    if page is None or (user.role == User.Role.ENTERPRISE and not user.enterprise_id):
        return render(request, "accounts/home_none.html")
    return page(request, user)


def _home_staff(request, user):
    visible = problems_visible_to(user)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    states = [(value, label, counts.get(value, 0)) for value, label in Problem.Status.choices]
    waiting = (
        visible.filter(status__in=[Problem.Status.SUBMITTED, Problem.Status.RESUBMITTED])
        .select_related("enterprise", "region")
        .order_by("submitted_at")[:10]
    )
    pending_enterprises = enterprises_visible_to(user).filter(status=Enterprise.Status.PENDING)
    # The talent pool is shared, but each staff user verifies the experts of their own scope.
    pending_experts = experts_visible_to(user).filter(
        verified=False, region__code__startswith=user.scope_prefix()
    )
    return render(
        request,
        "accounts/home_staff.html",
        {
            "states": [s for s in states if s[0] != Problem.Status.DRAFT],
            "total": sum(n for value, _label, n in states if value != Problem.Status.DRAFT),
            "waiting": waiting,
            "pending_enterprises": pending_enterprises.count(),
            "pending_experts": pending_experts.count(),
        },
    )


def _home_enterprise(request, user):
    enterprise = user.enterprise
    problems = problems_visible_to(user).select_related("campaign").order_by("-updated_at")
    counts = problems.aggregate(
        drafts=Count("pk", filter=Q(status=Problem.Status.DRAFT)),
        returned=Count("pk", filter=Q(status=Problem.Status.RETURNED)),
        total=Count("pk"),
    )
    return render(
        request,
        "accounts/home_enterprise.html",
        {
            "enterprise": enterprise,
            "problems": problems[:20],
            "counts": counts,
            "campaigns": campaigns_open_to(enterprise) if enterprise.is_verified else [],
        },
    )


def _home_expert(request, user):
    expert = Expert.objects.filter(user=user).select_related("region").first()
    societies = expert.societies.all() if expert else []
    return render(request, "accounts/home_expert.html", {"expert": expert, "societies": societies})


def _home_society(request, user):
    societies = (
        Society.objects.filter(admins=user).select_related("region").prefetch_related("members")
    )
    return render(request, "accounts/home_society.html", {"societies": societies})


def _home_official(request, user):
    return render(request, "accounts/home_official.html", {"body": user.government_body})


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register.html")


def register_enterprise(request: HttpRequest) -> HttpResponse:
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = enterprise_register(
            name=data["name"],
            credit_code=data["credit_code"],
            region=data["region"],
            industry=data["industry"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            address=data["address"],
            username=data["username"],
            password=data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Registration received. The CAST of your region will verify your enterprise; you "
                "can prepare problem drafts meanwhile."
            ),
        )
        return redirect("home")
    return render(request, "accounts/register_enterprise.html", {"form": form})


def register_expert(request: HttpRequest) -> HttpResponse:
    form = ExpertRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = expert_register(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            profile=form.save(commit=False),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to the talent pool. Staff will verify your profile shortly.")
        )
        return redirect("home")
    return render(request, "accounts/register_expert.html", {"form": form})
