"""Staff authoring of advisory reports: writing and editing with a live preview, figures,
the workflow moves, corrections of issued reports, revisions and their differences, the
download log and tracing a leaked copy back to its download.

Reports are fetched through `reports_visible_to` (404 outside reach) and every action checks
its permission on the report (403): `consult.change_report` is staff within the report's
region."""

import re
from difflib import SequenceMatcher

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.files import protected_file_response
from accounts.listing import PAGE_SIZE
from problems.services import DomainError
from problems.views import require

from ..forms.reports import (
    BODY_MAX_CHARS,
    DownloadTraceForm,
    ReportCorrectionForm,
    ReportEditForm,
    ReportForm,
    ReportImageForm,
    ReportTransitionForm,
    create_initial,
    report_initial,
)
from ..markdown import render as render_markdown
from ..models import Report, ReportRevision
from ..rules import reports_visible_to, topics_visible_to
from ..services import feedback, reports

R = Report.Status
_ID = re.compile(r"[0-9]{1,18}")


def _id(value: str | None) -> int | None:
    """A positive id from user input, or None when it is not one."""
    return int(value) if value and _ID.fullmatch(value) else None


def _report(request: HttpRequest, pk: int, perm: str = "consult.change_report") -> Report:
    report = get_object_or_404(
        reports_visible_to(request.user).select_related("series", "region"), pk=pk
    )
    require(request, perm, report)
    return report


def _errors(request: HttpRequest, error: Exception) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


def _image_url(report: Report):
    return lambda image_pk: reverse("consult:report_image", args=[report.pk, image_pk])


def _preview(text: str, report: Report | None) -> str:
    if report is None:
        return render_markdown(text)
    ids = report.images.values_list("pk", flat=True)
    return render_markdown(text, image_ids=ids, image_url=_image_url(report))


def _form_page(request, form, *, mode: str, report: Report | None = None) -> HttpResponse:
    body = form["body"].value() or ""
    return render(
        request,
        "consult/report_form.html",
        {
            "form": form,
            "mode": mode,
            "report": report,
            "images": report.images.all() if report else (),
            "image_form": ReportImageForm() if report else None,
            # Sanitised by nh3 in render_markdown: nothing the author typed survives unsafe.
            "preview": mark_safe(_preview(body, report)),
        },
    )


# --- writing ----------------------------------------------------------------------------------


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    require(request, "consult.add_report")
    topic_pk = _id(request.GET.get("topic"))
    topic = topics_visible_to(request.user).filter(pk=topic_pk).first() if topic_pk else None
    form = ReportForm(
        request.POST or None, user=request.user, initial=create_initial(request.user, topic)
    )
    if request.method == "POST" and form.is_valid():
        report = reports.report_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Draft created. You can add figures below."))
        return redirect("consult:report_edit", report.pk)
    return _form_page(request, form, mode="create")


def _frozen(request: HttpRequest, report: Report) -> HttpResponse:
    if report.status == R.ISSUED:
        messages.error(
            request,
            _("An issued report is frozen: publish a correction (更正) instead of editing it."),
        )
        return redirect("consult:report_correct", report.pk)
    messages.error(request, _("A withdrawn report can no longer be changed."))
    return redirect("consult:report_detail", report.pk)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not report.is_editable:
        return _frozen(request, report)
    form = ReportEditForm(
        request.POST or None, user=request.user, report=report, initial=report_initial(report)
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        note = fields.pop("note")
        try:
            revision = reports.report_save(report, by=request.user, note=note, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if revision is None:
                messages.info(request, _("Nothing changed, so no new revision was kept."))
            else:
                messages.success(
                    request, _("Saved as revision %(number)d.") % {"number": revision.number}
                )
            if "continue" in request.POST:
                return redirect("consult:report_edit", report.pk)
            return redirect("consult:report_detail", report.pk)
    return _form_page(request, form, mode="edit", report=report)


@login_required
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if report.status != R.ISSUED:
        messages.error(
            request, _("Only an issued report takes corrections; edit the draft instead.")
        )
        if report.is_editable:
            return redirect("consult:report_edit", report.pk)
        return redirect("consult:report_detail", report.pk)
    form = ReportCorrectionForm(request.POST or None, report=report, initial=report_initial(report))
    if request.method == "POST" and form.is_valid():
        try:
            revision = reports.report_correct(report, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Correction published as revision %(number)d; everyone who downloaded "
                    "the report has been told."
                )
                % {"number": revision.number},
            )
            return redirect("consult:report_detail", report.pk)
    return _form_page(request, form, mode="correct", report=report)


@login_required
@require_POST
def report_preview(request: HttpRequest) -> HttpResponse:
    """The body as the reading page shows it, for the editor's preview pane: a fragment of
    sanitised HTML. With `report`, that report's own figures are shown (and no other)."""
    require(request, "consult.add_report")
    text = request.POST.get("body", "")
    if len(text) > BODY_MAX_CHARS:
        return HttpResponseBadRequest(
            _("The text is too long to preview (at most %(max)d characters).")
            % {"max": BODY_MAX_CHARS},
            content_type="text/plain; charset=utf-8",
        )
    report = None
    if request.POST.get("report"):
        report_pk = _id(request.POST["report"])
        if report_pk is None:
            return HttpResponseBadRequest(
                _("Unknown report."), content_type="text/plain; charset=utf-8"
            )
        report = _report(request, report_pk)
    response = HttpResponse(_preview(text, report), content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- figures ----------------------------------------------------------------------------------


def _editor_url(report: Report) -> str:
    name = "consult:report_correct" if report.status == R.ISSUED else "consult:report_edit"
    return reverse(name, args=[report.pk]) + "#figures"


@login_required
@require_POST
def report_image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReportImageForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(_editor_url(report))
    try:
        image = reports.report_image_add(report, form.cleaned_data["file"], by=request.user)
    except (DomainError, ValidationError) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Figure “%(name)s” uploaded: put %(snippet)s in the body where it belongs.")
            % {"name": image.original_name, "snippet": f"![…]({image.reference})"},
        )
    return redirect(_editor_url(report))


@login_required
def report_image(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """A figure of a report, inline, for whoever may read the report."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not rules.has_perm("consult.view_report", request.user, report):
        raise Http404
    image = get_object_or_404(report.images, pk=image_pk)
    # Shown inline: the content type was sniffed from the bytes at upload (PNG or JPEG only).
    response = protected_file_response(
        image.file,
        filename=image.original_name,
        content_type=image.content_type,
        as_attachment=False,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- workflow ---------------------------------------------------------------------------------


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReportTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; please try again."))
        return redirect("consult:report_detail", report.pk)
    try:
        report = reports.report_transition(
            report, form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if report.status == R.ISSUED:
            messages.success(
                request,
                _("Issued as %(series)s %(issue)s; the bodies it is addressed to have been told.")
                % {"series": report.series.name, "issue": report.issue_label},
            )
        else:
            messages.success(
                request,
                _("The report is now “%(status)s”.") % {"status": report.get_status_display()},
            )
    return redirect("consult:report_detail", report.pk)


# --- revisions --------------------------------------------------------------------------------


@login_required
def report_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    revisions = (
        report.revisions.select_related("author")
        .defer("summary", "body", "addressees", "copies")
        .order_by("-number")
    )
    page = Paginator(revisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consult/report_revisions.html", {"report": report, "page": page})


# The fields a revision keeps, in the order the difference shows them.
DIFF_FIELDS = ("title", "summary", "body", "authors", "issuing_body", "addressees", "copies")
# Lines longer than this are compared whole, not character by character (quadratic cost).
CHAR_DIFF_MAX = 3000
CONTEXT_LINES = 3


def _char_parts(old: str, new: str) -> tuple[list, list]:
    """(changed?, text) runs of two versions of a line, for highlighting inside it."""
    if len(old) > CHAR_DIFF_MAX or len(new) > CHAR_DIFF_MAX:
        return [(True, old)], [(True, new)]
    before, after = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i2 > i1:
            before.append((tag != "equal", old[i1:i2]))
        if j2 > j1:
            after.append((tag != "equal", new[j1:j2]))
    return before, after


def line_diff(old: str, new: str) -> list[dict]:
    """The rows of a readable line diff: unchanged lines near a change, deleted and inserted
    lines (a line changed in place shows which characters changed), and a gap row counting
    each run of unchanged lines left out. The text is plain; the template escapes it."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[dict] = []
    shown_to = 0  # the old lines before this index have been shown or counted
    for group in SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(CONTEXT_LINES):
        if group[0][1] > shown_to:
            rows.append({"kind": "gap", "count": group[0][1] - shown_to})
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    {"kind": "equal", "old": i + 1, "new": j + 1, "parts": [(False, a[i])]}
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            deleted = [
                {"kind": "delete", "old": i + 1, "parts": [(True, a[i])]} for i in range(i1, i2)
            ]
            inserted = [
                {"kind": "insert", "new": j + 1, "parts": [(True, b[j])]} for j in range(j1, j2)
            ]
            # A line changed in place: show which characters changed.
            for deletion, insertion in zip(deleted, inserted, strict=False):
                deletion["parts"], insertion["parts"] = _char_parts(
                    a[deletion["old"] - 1], b[insertion["new"] - 1]
                )
            rows += deleted + inserted
        shown_to = group[-1][2]
    if rows and len(a) > shown_to:
        rows.append({"kind": "gap", "count": len(a) - shown_to})
    return rows


def revision_diff(old: ReportRevision, new: ReportRevision) -> list[dict]:
    sections = []
    for name in DIFF_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        sections.append(
            {
                "label": capfirst(ReportRevision._meta.get_field(name).verbose_name),
                "changed": before != after,
                "rows": line_diff(before, after) if before != after else [],
            }
        )
    return sections


@login_required
def report_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two revisions side by side (`?a=&b=` revision numbers; the latest against the one
    before by default)."""
    report = _report(request, pk)
    numbers = list(report.revisions.order_by("number").values_list("number", flat=True))
    context = {"report": report, "numbers": numbers}
    if len(numbers) < 2:
        return render(request, "consult/report_diff.html", context)
    b = _id(request.GET.get("b")) if request.GET.get("b") else numbers[-1]
    if b not in numbers:
        raise Http404(_("This report has no such revision."))
    if request.GET.get("a"):
        a = _id(request.GET.get("a"))
    else:
        earlier = [number for number in numbers if number < b]
        a = earlier[-1] if earlier else numbers[0]
    if a not in numbers:
        raise Http404(_("This report has no such revision."))
    revisions = {
        revision.number: revision
        for revision in report.revisions.select_related("author").filter(number__in=[a, b])
    }
    sections = revision_diff(revisions[a], revisions[b])
    context.update(
        a=revisions[a],
        b=revisions[b],
        sections=sections,
        unchanged=[section["label"] for section in sections if not section["changed"]],
    )
    return render(request, "consult/report_diff.html", context)


# --- downloads --------------------------------------------------------------------------------


@login_required
def report_downloads(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, "consult.view_downloads")
    downloads = (
        report.downloads.select_related("user", "body")
        .annotate(revision_number=F("revision__number"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(downloads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consult/report_downloads.html", {"report": report, "page": page})


@login_required
def download_trace(request: HttpRequest) -> HttpResponse:
    """Who downloaded the copy that carries this code. A download of a report outside the
    user's reach answers exactly as an unknown code does."""
    require(request, "consult.trace_download")
    form = DownloadTraceForm(request.GET or None)
    download = None
    if form.is_valid():
        found = feedback.download_trace(form.cleaned_data["code"])
        if found and rules.has_perm("consult.view_downloads", request.user, found.report):
            download = found
    return render(
        request,
        "consult/download_trace.html",
        {"form": form, "download": download, "searched": form.is_bound and form.is_valid()},
    )


urlpatterns = [
    path("reports/new/", report_create, name="report_create"),
    path("reports/preview/", report_preview, name="report_preview"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/<int:pk>/correct/", report_correct, name="report_correct"),
    path("reports/<int:pk>/images/", report_image_upload, name="report_image_upload"),
    path("reports/<int:pk>/images/<int:image_pk>/", report_image, name="report_image"),
    path("reports/<int:pk>/transition/", report_transition, name="report_transition"),
    path("reports/<int:pk>/revisions/", report_revisions, name="report_revisions"),
    path("reports/<int:pk>/diff/", report_diff, name="report_diff"),
    path("reports/<int:pk>/downloads/", report_downloads, name="report_downloads"),
    path("downloads/trace/", download_trace, name="download_trace"),
]
