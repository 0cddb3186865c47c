"""Reading advisory reports: the list (officials: what was issued to their body and public
reports; staff: every report of their scope; the topics' people: their topics' issued
reports), the reading page styled like the paper, the stamped PDF download, and the feedback
officials (online) or staff (from paper) record: leaders' instructions (批示) and adoptions
(采纳)."""

import mimetypes

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.files import protected_file_response
from accounts.listing import filtered_page
from accounts.models import User
from problems.services import DomainError
from problems.views import require

from ..filters.reports import ReportFilter
from ..forms.feedback import AdoptionForm, InstructionForm
from ..markdown import render as render_markdown
from ..models import Adoption, Instruction, Report
from ..rules import reports_visible_to
from ..services import feedback as services
from ..services.downloads import download_filename, pdf_response, report_download


def _feedback_count(model, body_id: int | None) -> Coalesce:
    """How many rows of `model` (instructions or adoptions) each report has; only those of
    `body_id` when given (an official sees their own body's)."""
    rows = model.objects.filter(report=OuterRef("pk"))
    if body_id is not None:
        rows = rows.filter(body_id=body_id)
    counted = rows.order_by().values("report").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _is_official(user: User) -> bool:
    return user.role == User.Role.OFFICIAL


def _may_list(user: User) -> bool:
    if rules.has_perm("consult.read_reports", user):
        return True
    # Experts and society admins read the issued reports of the topics they work on.
    return user.role in (User.Role.EXPERT, User.Role.SOCIETY_ADMIN) and (
        reports_visible_to(user).exists()
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_list(user):
        raise PermissionDenied
    is_staff_view = rules.has_perm("consult.list_reports", user)
    body_id = user.government_body_id if _is_official(user) else None
    queryset = (
        reports_visible_to(user)
        .select_related("series", "topic", "region")
        .defer("summary", "body", "topic__summary")
        .annotate(
            instruction_count=_feedback_count(Instruction, body_id),
            adoption_count=_feedback_count(Adoption, body_id),
        )
        # Newest issue first; for staff, the reports not yet issued (no date) come on top.
        .order_by(
            F("issued_on").desc(nulls_first=True),
            F("year").desc(nulls_first=True),
            F("number").desc(nulls_first=True),
            "-created_at",
            "-pk",
        )
    )
    filterset = ReportFilter(request.GET or None, queryset=queryset, with_status=is_staff_view)
    return render(
        request,
        "consult/report_list.html",
        {
            **filtered_page(request, filterset),
            "is_staff_view": is_staff_view,
            "is_official": _is_official(user),
            "can_add": rules.has_perm("consult.add_report", user),
        },
    )


def _report(request: HttpRequest, pk: int) -> Report:
    """The report if the user may read it: 404 outside reports_visible_to."""
    report = get_object_or_404(
        reports_visible_to(request.user).select_related("series", "topic", "region", "issued_by"),
        pk=pk,
    )
    require(request, "consult.view_report", report)
    return report


def _visible_feedback(user: User, model) -> QuerySet:
    """Instructions or adoptions the user may see: an official those of their own body,
    staff and the topic's people all of those on reports they may read."""
    rows = model.objects.filter(report__in=reports_visible_to(user))
    if _is_official(user):
        rows = rows.filter(body_id=user.government_body_id)
    return rows


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    image_ids = list(report.images.values_list("pk", flat=True))
    body_html = render_markdown(
        report.body,
        image_ids=image_ids,
        image_url=lambda image_pk: reverse("consult:report_image", args=[report.pk, image_pk]),
    )
    feedback = {
        model: _visible_feedback(user, model)
        .filter(report=report)
        .select_related("body", "recorded_by")
        .order_by("-date", "-pk")
        for model in (Instruction, Adoption)
    }
    return render(
        request,
        "consult/report_detail.html",
        {
            "report": report,
            "body_html": body_html,
            "addressees": list(report.addressees.all()),
            "copies": list(report.copies.all()),
            "instructions": feedback[Instruction],
            "adoptions": feedback[Adoption],
            "is_official": _is_official(user),
            "can_feedback": rules.has_perm("consult.give_feedback", user, report),
            "can_change": rules.has_perm("consult.change_report", user, report),
            "events": report.events.select_related("actor"),
        },
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's PDF, stamped for the person downloading it and logged."""
    report = _report(request, pk)
    try:
        data, download = report_download(
            report, user=request.user, ip_address=audit.client_ip(request)
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(report)
    audit.record(
        audit.Action.PDF_DOWNLOAD,
        request=request,
        target=report,
        detail={"revision": download.revision.number},
    )
    return pdf_response(data, download_filename(report, download.revision))


# --- feedback --------------------------------------------------------------------------------


def _feedback_report(request: HttpRequest, pk: int) -> Report:
    report = get_object_or_404(
        reports_visible_to(request.user).select_related("series", "topic"), pk=pk
    )
    require(request, "consult.give_feedback", report)
    return report


def _is_paper(user: User) -> bool:
    """Staff record feedback that reached them on paper, naming the body it came from."""
    return not _is_official(user)


def _feedback_form(request: HttpRequest, pk: int, form_class, record, kind: str):
    report = _feedback_report(request, pk)
    paper = _is_paper(request.user)
    form = form_class(request.POST or None, request.FILES or None, report=report, paper=paper)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record(report, data)
        except (DomainError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Feedback recorded; the research team has been told."))
            return redirect(report)
    return render(
        request,
        "consult/feedback_form.html",
        {"form": form, "report": report, "paper": paper, "kind": kind},
    )


@login_required
def instruction_create(request: HttpRequest, pk: int) -> HttpResponse:
    def record(report: Report, data: dict) -> Instruction:
        return services.instruction_record(
            report,
            by=request.user,
            leader_name=data["leader_name"],
            level=data["level"],
            date=data["date"],
            text=data["text"],
            scan=data.get("scan"),
            body=data.get("body"),
        )

    return _feedback_form(request, pk, InstructionForm, record, "instruction")


@login_required
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    def record(report: Report, data: dict) -> Adoption:
        return services.adoption_record(
            report,
            by=request.user,
            document=data["document"],
            date=data["date"],
            note=data["note"],
            body=data.get("body"),
        )

    return _feedback_form(request, pk, AdoptionForm, record, "adoption")


@login_required
@require_GET
def instruction_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scanned page of an instruction, to those who may see the instruction; always as
    a download, never rendered inline."""
    instruction = get_object_or_404(_visible_feedback(request.user, Instruction), pk=pk)
    if not instruction.scan:
        raise Http404
    name = instruction.scan.name.rsplit("/", 1)[-1]
    extension = name[name.rfind(".") :] if "." in name else ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return protected_file_response(
        instruction.scan,
        filename=f"批示-{instruction.leader_name}-{instruction.date:%Y%m%d}{extension}",
        content_type=content_type,
    )


urlpatterns = [
    path("reports/", report_list, name="report_list"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", report_pdf, name="report_pdf"),
    path("reports/<int:pk>/instructions/new/", instruction_create, name="instruction_create"),
    path("reports/<int:pk>/adoptions/new/", adoption_create, name="adoption_create"),
    path("reports/instructions/<int:pk>/scan/", instruction_scan, name="instruction_scan"),
]
