"""The impact dashboard: one page of charts, drawn in the browser by static/consult/dashboard.js
from each chart's JSON, every chart also readable as a plain table on the page and
downloadable as XLSX. The page, the JSON and the XLSX answer only to consult.view_dashboard
(CAST staff within their scope, platform admins); everyone else gets 403."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.audit import record_export
from accounts.exports import XLSX, content_disposition
from accounts.tabular import escape_formula, write_xlsx
from problems.views import require

from ..dashboard import (
    CHARTS,
    ChartTable,
    Period,
    kpis,
    period_form,
    scope_label,
    sheet_title,
)

PERMISSION = "consult.view_dashboard"


def _query(period: Period) -> str:
    return "?" + urlencode({"year": period.year}) if period.year else ""


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request, PERMISSION)
    # A bad year shows the form's error and the figures of all years.
    form, period = period_form(request.GET or None)
    user, query = request.user, _query(period)
    charts = [
        {
            "table": chart(user, period),
            "json_url": reverse("consult:dashboard_data", args=[slug]) + query,
            "xlsx_url": reverse("consult:dashboard_xlsx", args=[slug]) + query,
        }
        for slug, chart in CHARTS.items()
    ]
    return render(
        request,
        "consult/dashboard.html",
        {
            "form": form,
            "period": period,
            "scope": scope_label(user),
            "kpis": kpis(user, period),
            "charts": charts,
        },
    )


def _chart(request: HttpRequest, chart: str) -> tuple[object, Period, JsonResponse | None]:
    """The chart function and the period, or the 400 answer to a bad query string."""
    require(request, PERMISSION)
    function = CHARTS.get(chart)
    if function is None:
        raise Http404
    form, period = period_form(request.GET or None)
    if form.is_bound and not form.is_valid():
        error = JsonResponse(
            {"error": _("Invalid filter."), "fields": form.errors.get_json_data()}, status=400
        )
        return function, period, error
    return function, period, None


@login_required
@require_safe
@never_cache
def dashboard_data(request: HttpRequest, chart: str) -> JsonResponse:
    function, period, error = _chart(request, chart)
    if error is not None:
        return error
    table: ChartTable = function(request.user, period)
    return JsonResponse(table.as_json(), json_dumps_params={"ensure_ascii": False})


def _cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula is defused."""
    if value is None or isinstance(value, int | float):
        return value
    return escape_formula(value)


@login_required
@require_safe
@never_cache
def dashboard_xlsx(request: HttpRequest, chart: str) -> HttpResponse:
    function, period, error = _chart(request, chart)
    if error is not None:
        return error
    # Spreadsheets circulate offline with Chinese headers, whatever language the page is in.
    with translation.override(settings.LANGUAGE_CODE):
        table: ChartTable = function(request.user, period)
        notes = [
            [_("Chart"), table.title],
            [_("Scope"), scope_label(request.user)],
            [_("Year"), period.year or _("All years")],
            [_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        ]
        if table.note:
            notes.append([_("Note"), table.note])
        content = write_xlsx(
            [_cell(c) for c in table.columns],
            ([_cell(v) for v in row] for row in [*table.rows, *table.footer]),
            notes=[[_cell(v) for v in line] for line in notes],
            title=sheet_title(table.title),
        )
    record_export("dashboard", len(table.rows), request=request, chart=table.slug, year=period.year)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{table.slug}-{period.year}.xlsx" if period.year else f"{table.slug}.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    return response


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/data/<slug:chart>.json", dashboard_data, name="dashboard_data"),
    path("dashboard/data/<slug:chart>.xlsx", dashboard_xlsx, name="dashboard_xlsx"),
]
