"""The impact dashboard's figures: what was collected, how fast problems found an expert,
what the think tank produced and what its reports led to.

One function per chart returns a `ChartTable` (title, column headers, rows, and how to draw
it). Each runs a constant number of aggregate queries, whatever the number of rows, and
counts only what the user's region scope covers: problems by their region, topics and
reports by the CAST they belong to, downloads and feedback by their report's region. The
optional `Period` (a calendar year in Asia/Shanghai) narrows every chart alike."""

import datetime
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from experts.models import Assignment, AssignmentEvent
from problems.models import Category, Problem

from .models import Adoption, Download, Instruction, Report, Topic
from .rules import scope_q

# Months are counted as the 科协 counts them, on Beijing time, whatever the server's zone.
TZ = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- the period filter ----------------------------------------------------------------------


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=gettext_lazy("Leave empty for all years."),
    )


@dataclass(frozen=True)
class Period:
    """A calendar year, or everything (year None)."""

    year: int | None = None

    def datetimes(self, name: str) -> Q:
        """Rows whose datetime field `name` falls in the period (Beijing time)."""
        if self.year is None:
            return Q()
        start = datetime.datetime(self.year, 1, 1, tzinfo=TZ)
        end = datetime.datetime(self.year + 1, 1, 1, tzinfo=TZ)
        return Q(**{f"{name}__gte": start, f"{name}__lt": end})

    def dates(self, name: str) -> Q:
        """Rows whose date field `name` falls in the period."""
        if self.year is None:
            return Q()
        return Q(**{f"{name}__year": self.year})


def period_form(data) -> tuple[PeriodForm, Period]:
    """The filter form bound to the query string, and the period it gives (everything when
    the form is invalid: the caller decides whether that is an error)."""
    form = PeriodForm(data)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return form, Period(year)


# --- the table every chart returns ----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """How one numeric column is drawn: as bars or a line, stacked with others of the same
    `stack`, against the y axis `axis` (an index into ChartTable.axes)."""

    column: int
    type: str = "bar"
    stack: str = ""
    axis: int = 0


@dataclass
class ChartTable:
    """A chart's data as a plain table. `label` is the column the chart's categories come
    from; `footer` rows (totals) appear in the tables and the XLSX, not in the chart.
    `kind` is "bar" (categories along x), "hbar" (categories down y) or "pie"."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    kind: str = "bar"
    label: int = 0
    series: list[Series] = field(default_factory=list)
    axes: list[str] = field(default_factory=list)
    footer: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            isinstance(value, int | float) and value
            for row in self.rows
            for value in (row[s.column] for s in self.series)
        )

    def as_json(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "footer": self.footer,
            "note": self.note,
            "chart": {
                "kind": self.kind,
                "label": self.label,
                "axes": self.axes,
                "series": [
                    {"column": s.column, "type": s.type, "stack": s.stack, "axis": s.axis}
                    for s in self.series
                ],
            },
        }


# --- scope and the querysets the charts count ------------------------------------------------


def _scope(user: User, name: str) -> Q:
    """Rows whose region code (at `name`) lies in the user's scope; nothing without one."""
    scope = scope_q(user, name)
    return Q(pk__in=[]) if scope is None else scope


def collected_problems(user: User, period: Period) -> QuerySet[Problem]:
    """Problems submitted (drafts never count), by the date they were first submitted."""
    return (
        Problem.objects.filter(_scope(user, "region__code"), period.datetimes("submitted_at"))
        .filter(submitted_at__isnull=False)
        .exclude(status=Problem.Status.DRAFT)
    )


def scoped_topics(user: User, period: Period) -> QuerySet[Topic]:
    """Topics of the user's CASTs, by the date they were created."""
    return Topic.objects.filter(_scope(user, "region__code"), period.datetimes("created_at"))


def issued_reports(user: User, period: Period) -> QuerySet[Report]:
    """Reports issued (and not withdrawn since), by their date of issue."""
    return Report.objects.filter(
        _scope(user, "region__code"), period.dates("issued_on"), status=Report.Status.ISSUED
    ).filter(issued_on__isnull=False)


def scoped_downloads(user: User, period: Period) -> QuerySet[Download]:
    return Download.objects.filter(
        _scope(user, "report__region__code"), period.datetimes("created_at")
    )


def scoped_instructions(user: User, period: Period) -> QuerySet[Instruction]:
    return Instruction.objects.filter(_scope(user, "report__region__code"), period.dates("date"))


def scoped_adoptions(user: User, period: Period) -> QuerySet[Adoption]:
    return Adoption.objects.filter(_scope(user, "report__region__code"), period.dates("date"))


# --- months ---------------------------------------------------------------------------------


def month_key(value: datetime.date | datetime.datetime) -> str:
    """'2026-03' for a date, or a datetime taken in Beijing time."""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(TZ) if timezone.is_aware(value) else value
    return f"{value.year:04d}-{value.month:02d}"


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_range(keys: Iterable[str], period: Period) -> list[str]:
    """Every month from the first to the last with data, gaps included, so a time axis has
    no holes. A chosen year shows all its months (up to this month in the current year)."""
    keys = sorted(set(keys))
    if period.year is not None:
        today = timezone.localtime(timezone=TZ).date()
        last = 12 if period.year != today.year else today.month
        if keys:
            last = max(last, int(keys[-1][5:]))
        first, last = (period.year, 1), (period.year, last)
    elif keys:
        first = (int(keys[0][:4]), int(keys[0][5:]))
        last = (int(keys[-1][:4]), int(keys[-1][5:]))
    else:
        return []
    months, current = [], first
    while current <= last:
        months.append(f"{current[0]:04d}-{current[1]:02d}")
        current = _next_month(*current)
    return months


def _counts_by_month(queryset: QuerySet, name: str, *groups: str, tz: bool) -> list[dict]:
    """One GROUP BY query: rows of {"month": ..., *groups, "n": count}."""
    month = TruncMonth(name, tzinfo=TZ) if tz else TruncMonth(name)
    return list(
        queryset.annotate(month=month).values("month", *groups).annotate(n=Count("pk")).order_by()
    )


# --- the charts -----------------------------------------------------------------------------


def problems_by_month(user: User, period: Period) -> ChartTable:
    """(a) Problems collected per month of first submission, stacked by their current state."""
    counts = _counts_by_month(collected_problems(user, period), "submitted_at", "status", tz=True)
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in counts:
        table[month_key(row["month"])][row["status"]] = row["n"]
    present = {row["status"] for row in counts}
    states = [s for s in Problem.Status if s in present]
    rows = []
    for month in month_range(table, period):
        values = [table[month].get(s, 0) for s in states] if month in table else [0] * len(states)
        rows.append([month, *values, sum(values)])
    return ChartTable(
        slug="problems-by-month",
        title=_("Problems collected per month, by current state"),
        columns=[_("Month"), *(str(s.label) for s in states), _("Total")],
        rows=rows,
        series=[Series(column=i + 1, stack="states") for i in range(len(states))],
        axes=[_("Problems")],
    )


def problems_by_region(user: User, period: Period) -> ChartTable:
    """(b) Problems by prefecture-level region: a county's code 654201 counts for 654200."""
    counts = list(
        collected_problems(user, period)
        .annotate(prefix=Substr("region_id", 1, 4))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    codes = [row["prefix"] + "00" for row in counts]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = sorted(
        ([code, names.get(code, code), row["n"]] for code, row in zip(codes, counts, strict=True)),
        key=lambda row: (-row[2], row[0]),
    )
    return ChartTable(
        slug="problems-by-region",
        title=_("Problems by prefecture-level region"),
        columns=[_("Region code"), _("Region"), _("Problems")],
        rows=rows,
        kind="hbar",
        label=1,
        series=[Series(column=2)],
        axes=[_("Problems")],
    )


def problems_by_industry(user: User, period: Period) -> ChartTable:
    """(c) Problems by GB/T 4754 section (门类): a major category C26 counts for C."""
    counts = (
        collected_problems(user, period)
        .annotate(
            section=Coalesce("industry__parent_id", "industry_id"),
            section_name=Coalesce("industry__parent__name", "industry__name"),
        )
        .values("section", "section_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = sorted(
        ([row["section"], row["section_name"], row["n"]] for row in counts),
        key=lambda row: (-row[2], row[0]),
    )
    return ChartTable(
        slug="problems-by-industry",
        title=_("Problems by industry (GB/T 4754 section)"),
        columns=[_("Section"), _("Industry"), _("Problems")],
        rows=rows,
        kind="hbar",
        label=1,
        series=[Series(column=2)],
        axes=[_("Problems")],
    )


def problems_by_category(user: User, period: Period) -> ChartTable:
    """(d) Problems by category (key components, materials, software...)."""
    counts = dict(
        collected_problems(user, period)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    rows = [[str(c.label), counts.get(c.value, 0)] for c in Category]
    return ChartTable(
        slug="problems-by-category",
        title=_("Problems by category"),
        columns=[_("Category"), _("Problems")],
        rows=rows,
        kind="pie",
        series=[Series(column=1)],
    )


def _days(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(statistics.median(values), 1), round(statistics.fmean(values), 1)


def matching_turnaround(user: User, period: Period) -> ChartTable:
    """(e) Days from a problem's first submission to the first acceptance of an invitation
    to review it (the AssignmentEvent that moved an assignment to "accepted", which stays
    true when the assignment is later completed or withdrawn). Problems nobody has accepted
    yet are left out. Per month of submission, and over all months in the footer."""
    firsts = (
        AssignmentEvent.objects.filter(
            to_status=Assignment.Status.ACCEPTED,
            assignment__problem__in=collected_problems(user, period),
        )
        .values("assignment__problem_id", "assignment__problem__submitted_at")
        .annotate(accepted_at=Min("created_at"))
        .order_by()
    )
    by_month: dict[str, list[float]] = defaultdict(list)
    for row in firsts:
        submitted = row["assignment__problem__submitted_at"]
        days = (row["accepted_at"] - submitted).total_seconds() / 86400
        by_month[month_key(submitted)].append(days)
    rows = []
    for month in month_range(by_month, period):
        values = by_month.get(month, [])
        rows.append([month, len(values), *_days(values)])
    every = [days for values in by_month.values() for days in values]
    return ChartTable(
        slug="matching-turnaround",
        title=_("Matching turnaround: days from submission to the first accepted invitation"),
        columns=[_("Month of submission"), _("Problems matched"), _("Median days"), _("Mean days")],
        rows=rows,
        footer=[[_("All months"), len(every), *_days(every)]] if every else [],
        series=[
            Series(column=1, axis=1),
            Series(column=2, type="line"),
            Series(column=3, type="line"),
        ],
        axes=[_("Days"), _("Problems")],
        note=_("Only problems with at least one accepted invitation are counted."),
    )


def topics_by_state(user: User, period: Period) -> ChartTable:
    """(f) Research topics by their current state (created in the period)."""
    counts = dict(
        scoped_topics(user, period)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    rows = [[str(s.label), counts.get(s.value, 0)] for s in Topic.Status]
    return ChartTable(
        slug="topics-by-state",
        title=_("Research topics by state"),
        columns=[_("State"), _("Topics")],
        rows=rows,
        kind="hbar",
        series=[Series(column=1)],
        axes=[_("Topics")],
    )


def reports_by_month(user: User, period: Period) -> ChartTable:
    """(g) Reports issued per month, stacked by series (智库专报, 决策参考...)."""
    counts = _counts_by_month(
        issued_reports(user, period),
        "issued_on",
        "series_id",
        "series__name",
        "series__ordering",
        tz=False,
    )
    series_order = sorted(
        {(row["series__ordering"], row["series_id"], row["series__name"]) for row in counts}
    )
    table: dict[str, dict[int, int]] = defaultdict(dict)
    for row in counts:
        table[month_key(row["month"])][row["series_id"]] = row["n"]
    rows = []
    for month in month_range(table, period):
        values = [table.get(month, {}).get(pk, 0) for _o, pk, _n in series_order]
        rows.append([month, *values, sum(values)])
    return ChartTable(
        slug="reports-by-month",
        title=_("Advisory reports issued per month, by series"),
        columns=[_("Month"), *(name for _o, _pk, name in series_order), _("Total")],
        rows=rows,
        series=[Series(column=i + 1, stack="series") for i in range(len(series_order))],
        axes=[_("Reports")],
    )


def downloads_by_month(user: User, period: Period) -> ChartTable:
    """(h) Report downloads per month, and how many different people downloaded."""
    counts = (
        scoped_downloads(user, period)
        .annotate(month=TruncMonth("created_at", tzinfo=TZ))
        .values("month")
        .annotate(n=Count("pk"), people=Count("user", distinct=True))
        .order_by()
    )
    table = {month_key(row["month"]): (row["n"], row["people"]) for row in counts}
    rows = [[month, *table.get(month, (0, 0))] for month in month_range(table, period)]
    return ChartTable(
        slug="downloads-by-month",
        title=_("Report downloads per month"),
        columns=[_("Month"), _("Downloads"), _("People downloading")],
        rows=rows,
        series=[Series(column=1), Series(column=2, type="line")],
        axes=[_("Downloads")],
    )


def feedback_by_month(user: User, period: Period) -> ChartTable:
    """(i) Leaders' instructions (批示) per month by level, and adoptions (采纳)."""
    instructions = _counts_by_month(scoped_instructions(user, period), "date", "level", tz=False)
    adoptions = _counts_by_month(scoped_adoptions(user, period), "date", tz=False)
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in instructions:
        table[month_key(row["month"])][row["level"]] = row["n"]
    for row in adoptions:
        table[month_key(row["month"])]["adoption"] = row["n"]
    levels = [*Instruction.Level.values, "adoption"]
    rows = [
        [month, *(table.get(month, {}).get(key, 0) for key in levels)]
        for month in month_range(table, period)
    ]
    return ChartTable(
        slug="feedback-by-month",
        title=_("Leaders' instructions (批示) by level and adoptions (采纳) per month"),
        columns=[
            _("Month"),
            *(_("Instructions: %s") % level.label for level in Instruction.Level),
            _("Adoptions (采纳)"),
        ],
        rows=rows,
        series=[
            *(Series(column=i + 1, stack="instructions") for i in range(len(Instruction.Level))),
            Series(column=len(Instruction.Level) + 1, stack="adoptions"),
        ],
        axes=[_("Count")],
    )


CHARTS: dict[str, Callable[[User, Period], ChartTable]] = {
    "problems-by-month": problems_by_month,
    "problems-by-region": problems_by_region,
    "problems-by-industry": problems_by_industry,
    "problems-by-category": problems_by_category,
    "matching-turnaround": matching_turnaround,
    "topics-by-state": topics_by_state,
    "reports-by-month": reports_by_month,
    "downloads-by-month": downloads_by_month,
    "feedback-by-month": feedback_by_month,
}


@dataclass(frozen=True)
class Kpi:
    label: str
    value: int
    chart: str  # the slug of the chart that breaks the figure down


def kpis(user: User, period: Period) -> list[Kpi]:
    """The headline figures above the charts (one COUNT each)."""
    return [
        Kpi(_("Problems collected"), collected_problems(user, period).count(), "problems-by-month"),
        Kpi(
            _("Topics in progress"),
            scoped_topics(user, period).filter(status__in=Topic.ACTIVE_STATES).count(),
            "topics-by-state",
        ),
        Kpi(_("Reports issued"), issued_reports(user, period).count(), "reports-by-month"),
        Kpi(_("Downloads"), scoped_downloads(user, period).count(), "downloads-by-month"),
        Kpi(
            _("Leaders' instructions (批示)"),
            scoped_instructions(user, period).count(),
            "feedback-by-month",
        ),
        Kpi(_("Adoptions (采纳)"), scoped_adoptions(user, period).count(), "feedback-by-month"),
    ]


# Characters Excel refuses in a sheet name; it also allows at most 31 characters.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    return " ".join(SHEET_FORBIDDEN.sub(" ", title).split())[:31] or "data"


def scope_label(user: User) -> str:
    """What the figures cover, for headings and the XLSX notes."""
    prefix = user.scope_prefix()
    if prefix == "" or user.region_id is None:
        return _("All regions")
    return user.region.full_name
