import sys

import rules
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from consult.models import Adoption, Instruction, Report
from consult.rules import reports_visible_to
from experts.models import Expert, Society
from experts.rules import experts_visible_to
from experts.services import expert_register
from problems.models import Enterprise, Problem
from problems.rules import enterprises_visible_to, problems_visible_to
from problems.services import DomainError, campaigns_open_to, enterprise_register

from .audit import Counted, record_export
from .exports import EXPORTS, XLSX, content_disposition
from .forms import EnterpriseRegistrationForm, ExpertRegistrationForm, ImportUploadForm
from .imports import (
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    may_import,
    resource_for,
    template_workbook,
)
from .listing import PAGE_SIZE
from .models import ImportJob, Notification, User
from .notifications import notifications_mark_read
from .tabular import ImportReport, write_csv, write_xlsx
from .tasks import enqueue, import_apply_task, import_check_task

BACKGROUND_AWAY = gettext_lazy(
    "The background service is unavailable at the moment. Your file is stored and the import "
    "starts by itself as soon as the service is back; this page shows its progress."
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database (a restart, a failover) is a 503 with Retry-After,
    not a 500; the connection is re-opened by the next request (conn_health_checks), so the
    site recovers without a restart. Plain templates: nothing here may touch the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(
            loader.get_template("503.html").render(), status=503, content_type="text/html"
        )
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)


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
    """The latest reports issued to the official's body (and public ones), how many there
    are, and the feedback the official recorded lately."""
    reports = reports_visible_to(user)
    this_year = timezone.localdate().year
    named = Report.objects.filter(
        Q(addressees=user.government_body_id) | Q(copies=user.government_body_id)
    ).values("pk")
    counts = reports.aggregate(
        total=Count("pk"),
        this_year=Count("pk", filter=Q(year=this_year)),
        named=Count("pk", filter=Q(pk__in=named)),
    )
    feedback_models = {"instruction": Instruction, "adoption": Adoption}
    mine = [
        (kind, row)
        for kind, model in feedback_models.items()
        for row in model.objects.filter(recorded_by=user).select_related("report__series")[:5]
    ]
    mine.sort(key=lambda item: item[1].recorded_at, reverse=True)
    return render(
        request,
        "accounts/home_official.html",
        {
            "body": user.government_body,
            "latest": reports.select_related("series", "topic").order_by(
                "-issued_on", "-year", "-number", "-pk"
            )[:10],
            "counts": counts,
            "this_year": this_year,
            "my_feedback": mine[:5],
        },
    )


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


# --- spreadsheet import and export ---------------------------------------------------------


def _import_kind(request: HttpRequest, kind: str) -> str:
    if kind not in ImportJob.Kind.values:
        raise Http404
    if not may_import(request.user):
        raise PermissionDenied
    return kind


@login_required
def data_import(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _import_kind(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            kind=kind,
            upload=form.cleaned_data["file"],
            skip_errors=form.cleaned_data["skip_errors"],
            by=request.user,
        )
        if not enqueue(import_check_task, job.pk):
            messages.warning(request, BACKGROUND_AWAY)
        return redirect(job)
    resource = resource_for(kind)
    return render(
        request,
        "accounts/import_upload.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ImportJob.Kind(kind).label,
            "columns": [f.column_name for f in resource.import_columns()],
            "required": resource.required_columns(),
            "jobs": ImportJob.objects.filter(kind=kind, created_by=request.user)[:10],
        },
    )


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    jobs = ImportJob.objects.select_related("created_by")
    if not request.user.is_platform_admin:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "done": job.progress_done,
                "total": job.progress_total,
                "percent": job.percent,
            }
        )
    shown = 200
    report = (
        ImportReport.from_dict(job.report or job.preview) if (job.report or job.preview) else None
    )
    return render(
        request,
        "accounts/import_job.html",
        {
            "job": job,
            "report": report,
            "shown": shown,
            "errors": report.errors[:shown] if report else [],
            "new_rows": report.new[:shown] if report else [],
            "updated_rows": report.updated[:shown] if report else [],
            "can_confirm": job.status == ImportJob.Status.CHECKED
            and job.created_by == request.user,
        },
    )


@login_required
@require_POST
def import_job_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.created_by != request.user:
        raise PermissionDenied
    if request.POST.get("action") == "cancel":
        import_job_cancel(job, by=request.user)
        messages.info(request, _("Import cancelled; nothing was written."))
        return redirect(job)
    try:
        job = import_job_confirm(job, by=request.user, skip_errors=bool(request.POST.get("skip")))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(job)
    if not enqueue(import_apply_task, job.pk):
        messages.warning(request, BACKGROUND_AWAY)
    return redirect(job)


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _import_kind(request, kind)
    response = HttpResponse(template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"{kind}-template.xlsx")
    return response


@login_required
def data_export(request: HttpRequest, kind: str) -> HttpResponse:
    spec = EXPORTS.get(kind)
    if spec is None:
        raise Http404
    if not rules.has_perm(spec.permission, request.user):
        raise PermissionDenied
    filterset = spec.filterset(request)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    resource = import_string(spec.resource)(user=request.user)
    headers, data = resource.export_rows(
        rows.select_related(*spec.select_related).prefetch_related(*spec.prefetch_related)
    )
    data = Counted(data)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "csv":
        response = HttpResponse(write_csv(headers, data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{kind}-{stamp}.csv")
    else:
        response = HttpResponse(write_xlsx(headers, data, title=kind), content_type=XLSX)
        response["Content-Disposition"] = content_disposition(f"{kind}-{stamp}.xlsx")
    record_export(kind, data.count, request=request, format=request.GET.get("format") or "xlsx")
    return response


# --- notifications --------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, unread first, then newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    notifications = Notification.objects.filter(user=request.user).order_by(
        unread.desc(), "-created_at", "-pk"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and open what it is about."""
    notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    notifications_mark_read(request.user, [notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications_mark_read(request.user)
    messages.success(
        request,
        ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", n)
        % {"n": n},
    )
    return redirect("notifications")
