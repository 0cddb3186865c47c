"""The impact dashboard: every chart's numbers against a small world built with known
states and dates, region scope (塔城 staff see 塔城 only), permissions on the page, the JSON
and the XLSX, the XLSX itself, the year filter, and constant query counts."""

import io
import json
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from consult.dashboard import CHARTS, Period, month_range, sheet_title
from consult.models import Download, Report, Series
from consult.services.feedback import adoption_record, download_record, instruction_record
from consult.services.reports import current_revision, report_transition
from experts.models import Assignment, AssignmentEvent
from problems.models import Category, Problem
from tests.factories import (
    AssignmentFactory,
    EnterpriseFactory,
    ProblemFactory,
    TopicFactory,
    industry,
    issued_report,
    region,
    series,
)

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
P = Problem.Status


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def problem(code: str, status: str, submitted_at, industry_code: str, category: str) -> Problem:
    enterprise = EnterpriseFactory(region=region(code), industry=industry(industry_code))
    return ProblemFactory(
        enterprise=enterprise, status=status, submitted_at=submitted_at, category=category
    )


def accepted(problem: Problem, at: datetime, *, status=Assignment.Status.ACCEPTED) -> Assignment:
    """An assignment of `problem` that was accepted at `at` (its history row says so)."""
    assignment = AssignmentFactory(problem=problem, status=status)
    AssignmentEvent.objects.create(
        assignment=assignment, from_status="invited", to_status="accepted", created_at=at
    )
    return assignment


def issued_on(report: Report, day: date) -> Report:
    """Move an issued report's date of issue into the past, as if issued then."""
    Report.objects.filter(pk=report.pk).update(issued_on=day, year=day.year)
    report.refresh_from_db()
    return report


def downloaded(report: Report, user, at: datetime) -> Download:
    download = download_record(report, current_revision(report), user=user)
    Download.objects.filter(pk=download.pk).update(created_at=at)
    return download


@pytest.fixture
def world(staff_xj, official_user):
    """塔城 (654200): p1, p2, p3, p7; 喀什 (653100): p4, p6; one draft that never counts."""
    body = official_user.government_body
    p1 = problem("654201", P.READY, sh(2025, 1, 10, 10), "C26", Category.MATERIAL)
    p2 = problem("654202", P.SUBMITTED, sh(2025, 1, 31, 23, 30), "C", Category.COMPONENT)
    # 17:00 UTC on 31 January is 01:00 on 1 February in Beijing: a February problem.
    problem("654201", P.REJECTED, datetime(2025, 1, 31, 17, tzinfo=UTC), "A03", Category.EQUIPMENT)
    p4 = problem("653101", P.READY, sh(2025, 3, 5, 9), "B07", Category.MATERIAL)
    p6 = problem("653101", P.ACCEPTED, sh(2024, 12, 20, 12), "C26", Category.SOFTWARE)
    p7 = problem("654201", P.READY, sh(2025, 1, 5, 8), "C26", Category.MATERIAL)
    problem("654201", P.DRAFT, None, "C26", Category.MATERIAL)

    # Matching: p1 after 3 days (a later acceptance and an earlier refusal don't count),
    # p2 after 7, p7 after 20, p4 after 2 (since completed); p6 only invited.
    accepted(p1, sh(2025, 1, 13, 10))
    accepted(p1, sh(2025, 1, 20, 10))
    declined = AssignmentFactory(problem=p1, status=Assignment.Status.DECLINED)
    AssignmentEvent.objects.create(
        assignment=declined, from_status="invited", to_status="declined", created_at=sh(2025, 1, 11)
    )
    accepted(p2, sh(2025, 2, 7, 23, 30))
    accepted(p7, sh(2025, 1, 25, 8))
    accepted(p4, sh(2025, 3, 7, 9), status=Assignment.Status.COMPLETED)
    AssignmentFactory(problem=p6)

    tc, ks, xj = region("654200"), region("653100"), region("650000")
    for status, where in [
        ("proposed", tc),
        ("in_progress", tc),
        ("in_progress", tc),
        ("concluded", tc),
        ("approved", ks),
        ("terminated", xj),
    ]:
        # The topics in progress date from 2025; the others are created today.
        created = {"created_at": sh(2025, 2, 1)} if status == "in_progress" else {}
        TopicFactory(status=status, region=where, **created)

    r1 = issued_on(issued_report(by=staff_xj, addressees=[body], region=tc), date(2025, 1, 15))
    issued_on(issued_report(by=staff_xj, addressees=[body], region=tc), date(2025, 1, 20))
    r3 = issued_on(
        issued_report(by=staff_xj, addressees=[body], region=tc, series=series("jcck")),
        date(2025, 3, 2),
    )
    r4 = issued_on(issued_report(by=staff_xj, addressees=[body], region=ks), date(2025, 2, 10))
    withdrawn = issued_on(
        issued_report(by=staff_xj, addressees=[body], region=tc), date(2025, 1, 16)
    )
    report_transition(withdrawn, "withdrawn", by=staff_xj, reason="数据有误")

    downloaded(r1, official_user, sh(2025, 1, 20, 9))
    downloaded(r1, official_user, datetime(2025, 1, 31, 20, tzinfo=UTC))  # 1 Feb in Beijing
    downloaded(r1, staff_xj, sh(2025, 2, 3, 9))
    downloaded(r4, official_user, sh(2025, 2, 11, 9))

    def instruction(report, level, day):
        instruction_record(
            report, by=staff_xj, leader_name="王书记", level=level, date=day, text="请研究落实。"
        )

    instruction(r1, "provincial", date(2025, 1, 28))
    instruction(r1, "bureau", date(2025, 2, 5))
    instruction(r4, "county", date(2025, 2, 15))
    instruction(r3, "bureau", date(2025, 3, 10))
    adoption_record(r1, by=staff_xj, document="关于节水的实施意见", date=date(2025, 2, 20))
    adoption_record(r4, by=staff_xj, document="喀什地区节水方案", date=date(2025, 3, 1))


LEVELS = [
    "Instructions: Provincial/ministerial (省部级)",
    "Instructions: Bureau (厅局级)",
    "Instructions: County/division (县处级)",
]
CATEGORIES = [
    "Key components",
    "Key materials",
    "Basic software",
    "High-end equipment",
    "Testing instruments",
    "Core processes",
    "Other",
]
TOPIC_STATES = [
    "Proposed",
    "Approved (立项)",
    "In progress",
    "Mid-term check",
    "Concluded (结题)",
    "Terminated",
]


def pairs(labels: list[str], counts: list[int]) -> list[list]:
    return [list(row) for row in zip(labels, counts, strict=True)]


# (columns, rows, footer) of every chart, for all regions (staff_xj) and for 塔城 (staff_tc).
EXPECTED = {
    "problems-by-month": {
        "xj": (
            [
                "Month",
                "Submitted",
                "Rejected",
                "Accepted into the pool",
                "Ready for matching",
                "Total",
            ],
            [
                ["2024-12", 0, 0, 1, 0, 1],
                ["2025-01", 1, 0, 0, 2, 3],
                ["2025-02", 0, 1, 0, 0, 1],
                ["2025-03", 0, 0, 0, 1, 1],
            ],
            [],
        ),
        "tc": (
            ["Month", "Submitted", "Rejected", "Ready for matching", "Total"],
            [["2025-01", 1, 0, 2, 3], ["2025-02", 0, 1, 0, 1]],
            [],
        ),
    },
    "problems-by-region": {
        "xj": (
            ["Region code", "Region", "Problems"],
            [["654200", "塔城地区", 4], ["653100", "喀什地区", 2]],
            [],
        ),
        "tc": (["Region code", "Region", "Problems"], [["654200", "塔城地区", 4]], []),
    },
    "problems-by-industry": {
        "xj": (
            ["Section", "Industry", "Problems"],
            [["C", "制造业", 4], ["A", "农、林、牧、渔业", 1], ["B", "采矿业", 1]],
            [],
        ),
        "tc": (
            ["Section", "Industry", "Problems"],
            [["C", "制造业", 3], ["A", "农、林、牧、渔业", 1]],
            [],
        ),
    },
    "problems-by-category": {
        "xj": (
            ["Category", "Problems"],
            pairs(CATEGORIES, [1, 3, 1, 1, 0, 0, 0]),
            [],
        ),
        "tc": (
            ["Category", "Problems"],
            pairs(CATEGORIES, [1, 2, 0, 1, 0, 0, 0]),
            [],
        ),
    },
    "matching-turnaround": {
        "xj": (
            ["Month of submission", "Problems matched", "Median days", "Mean days"],
            [["2025-01", 3, 7.0, 10.0], ["2025-02", 0, None, None], ["2025-03", 1, 2.0, 2.0]],
            [["All months", 4, 5.0, 8.0]],
        ),
        "tc": (
            ["Month of submission", "Problems matched", "Median days", "Mean days"],
            [["2025-01", 3, 7.0, 10.0]],
            [["All months", 3, 7.0, 10.0]],
        ),
    },
    "topics-by-state": {
        "xj": (["State", "Topics"], pairs(TOPIC_STATES, [1, 1, 2, 0, 1, 1]), []),
        "tc": (["State", "Topics"], pairs(TOPIC_STATES, [1, 0, 2, 0, 1, 0]), []),
    },
    "reports-by-month": {
        "xj": (
            ["Month", "智库专报", "决策参考", "Total"],
            [["2025-01", 2, 0, 2], ["2025-02", 1, 0, 1], ["2025-03", 0, 1, 1]],
            [],
        ),
        "tc": (
            ["Month", "智库专报", "决策参考", "Total"],
            [["2025-01", 2, 0, 2], ["2025-02", 0, 0, 0], ["2025-03", 0, 1, 1]],
            [],
        ),
    },
    "downloads-by-month": {
        "xj": (
            ["Month", "Downloads", "People downloading"],
            [["2025-01", 1, 1], ["2025-02", 3, 2]],
            [],
        ),
        "tc": (
            ["Month", "Downloads", "People downloading"],
            [["2025-01", 1, 1], ["2025-02", 2, 2]],
            [],
        ),
    },
    "feedback-by-month": {
        "xj": (
            ["Month", *LEVELS, "Adoptions (采纳)"],
            [["2025-01", 1, 0, 0, 0], ["2025-02", 0, 1, 1, 1], ["2025-03", 0, 1, 0, 1]],
            [],
        ),
        "tc": (
            ["Month", *LEVELS, "Adoptions (采纳)"],
            [["2025-01", 1, 0, 0, 0], ["2025-02", 0, 1, 0, 1], ["2025-03", 0, 1, 0, 0]],
            [],
        ),
    },
}


def test_every_chart_has_expectations():
    assert set(EXPECTED) == set(CHARTS)


@pytest.mark.parametrize("chart", EXPECTED)
@pytest.mark.parametrize("who", ["xj", "tc"])
def test_chart_json_holds_what_the_database_says(chart, who, world, client_for, request):
    user = request.getfixturevalue({"xj": "staff_xj", "tc": "staff_tc"}[who])
    response = client_for(user).get(reverse("consult:dashboard_data", args=[chart]))
    assert response.status_code == 200
    data = response.json()
    columns, rows, footer = EXPECTED[chart][who]
    assert (data["slug"], data["columns"], data["rows"], data["footer"]) == (
        chart,
        columns,
        rows,
        footer,
    )
    assert data["title"] == CHARTS[chart](user, Period()).title


def test_platform_admin_sees_every_region(world, admin_user, client_for):
    client = client_for(admin_user)
    for chart, expected in EXPECTED.items():
        data = client.get(reverse("consult:dashboard_data", args=[chart])).json()
        assert [data["columns"], data["rows"], data["footer"]] == list(expected["xj"])


def test_kashgar_staff_see_only_kashgar(world, staff_ks, client_for):
    data = client_for(staff_ks).get(reverse("consult:dashboard_data", args=["problems-by-region"]))
    assert data.json()["rows"] == [["653100", "喀什地区", 2]]


def test_chart_json_describes_how_to_draw_it(world, staff_xj, client_for):
    client = client_for(staff_xj)
    turnaround = client.get(reverse("consult:dashboard_data", args=["matching-turnaround"]))
    assert turnaround.json()["chart"] == {
        "kind": "bar",
        "label": 0,
        "axes": ["Days", "Problems"],
        "series": [
            {"column": 1, "type": "bar", "stack": "", "axis": 1},
            {"column": 2, "type": "line", "stack": "", "axis": 0},
            {"column": 3, "type": "line", "stack": "", "axis": 0},
        ],
    }
    regions = client.get(reverse("consult:dashboard_data", args=["problems-by-region"])).json()
    assert regions["chart"]["kind"] == "hbar"
    assert regions["chart"]["label"] == 1
    category = client.get(reverse("consult:dashboard_data", args=["problems-by-category"]))
    assert category.json()["chart"]["kind"] == "pie"


# --- the year filter -------------------------------------------------------------------------


def test_year_filter_narrows_every_chart_and_shows_all_its_months(world, staff_xj, client_for):
    client = client_for(staff_xj)
    url = reverse("consult:dashboard_data", args=["problems-by-month"])
    data = client.get(url, {"year": "2024"}).json()
    assert data["columns"] == ["Month", "Accepted into the pool", "Total"]
    assert data["rows"] == [[f"2024-{m:02d}", 0, 0] for m in range(1, 12)] + [["2024-12", 1, 1]]
    feedback = client.get(
        reverse("consult:dashboard_data", args=["feedback-by-month"]), {"year": "2024"}
    ).json()
    assert feedback["rows"] == [[f"2024-{m:02d}", 0, 0, 0, 0] for m in range(1, 13)]
    turnaround = client.get(
        reverse("consult:dashboard_data", args=["matching-turnaround"]), {"year": "2025"}
    ).json()
    assert turnaround["footer"] == [["All months", 4, 5.0, 8.0]]
    assert len(turnaround["rows"]) == 12


def test_month_range_of_the_current_year_stops_at_this_month():
    today = timezone.localtime(timezone=SH).date()
    months = month_range([], Period(today.year))
    assert months == [f"{today.year}-{m:02d}" for m in range(1, today.month + 1)]
    assert month_range(["2025-11", "2026-02"], Period()) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert month_range([], Period()) == []


@pytest.mark.parametrize("year", ["abc", "1800", "2101", "99999999999999999999999", "2025.5", ""])
def test_bad_year_answers_400_on_json_and_xlsx(year, staff_xj, client_for):
    client = client_for(staff_xj)
    for name in ("consult:dashboard_data", "consult:dashboard_xlsx"):
        response = client.get(reverse(name, args=["problems-by-month"]), {"year": year})
        if year == "":
            # An empty year is the default: every year.
            assert response.status_code == 200
            continue
        assert response.status_code == 400
        assert response.json()["error"] == "Invalid filter."
        assert list(response.json()["fields"]) == ["year"]


def test_bad_year_on_the_page_shows_the_error_and_all_years(world, staff_xj, client_for):
    response = client_for(staff_xj).get(reverse("consult:dashboard"), {"year": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a whole number." in html
    assert [k.value for k in response.context["kpis"]] == [6, 3, 4, 4, 4, 2]


def test_unknown_chart_is_404(staff_xj, client_for):
    client = client_for(staff_xj)
    for name in ("consult:dashboard_data", "consult:dashboard_xlsx"):
        assert client.get(reverse(name, args=["nope"])).status_code == 404
        assert client.get(reverse(name, args=["nope"]), {"year": "x"}).status_code == 404


def test_post_is_not_allowed(staff_xj, client_for):
    client = client_for(staff_xj)
    assert client.post(reverse("consult:dashboard")).status_code == 405
    url = reverse("consult:dashboard_data", args=["problems-by-month"])
    assert client.post(url).status_code == 405


# --- the page -------------------------------------------------------------------------------


def test_page_shows_kpis_charts_and_fallback_tables(world, staff_tc, client_for):
    response = client_for(staff_tc).get(reverse("consult:dashboard"))
    assert response.status_code == 200
    assert [(k.label, k.value) for k in response.context["kpis"]] == [
        ("Problems collected", 4),
        ("Topics in progress", 2),
        ("Reports issued", 3),
        ("Downloads", 3),
        ("Leaders' instructions (批示)", 3),
        ("Adoptions (采纳)", 1),
    ]
    html = response.content.decode()
    assert "塔城地区" in html
    for slug in CHARTS:
        assert f'data-chart="{reverse("consult:dashboard_data", args=[slug])}"' in html
        assert f'href="{reverse("consult:dashboard_xlsx", args=[slug])}"' in html
    assert html.count("<details") == len(CHARTS)
    # The fallback table of the turnaround chart, footer included.
    assert '<th scope="row">All months</th><td>3</td><td>7.0</td><td>10.0</td>' in html
    assert '<th scope="row">2025-01</th><td>1</td><td>0</td><td>2</td><td>3</td>' in html
    # ECharts is served from our static files; nothing from elsewhere.
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/consult/dashboard.js" defer></script>' in html
    assert "cdn" not in html.lower()
    assert '<script src="http' not in html


def test_page_passes_the_year_to_the_data_links(world, staff_xj, client_for):
    response = client_for(staff_xj).get(reverse("consult:dashboard"), {"year": "2025"})
    html = response.content.decode()
    url = reverse("consult:dashboard_data", args=["problems-by-month"])
    assert f'data-chart="{url}?year=2025"' in html
    assert [k.value for k in response.context["kpis"]] == [5, 2, 4, 4, 4, 2]


def test_empty_chart_says_so_instead_of_drawing(staff_tc, client_for):
    html = client_for(staff_tc).get(reverse("consult:dashboard")).content.decode()
    assert html.count("Nothing to show yet.") == len(CHARTS)
    assert "data-chart=" not in html


def test_vendored_echarts_is_present_with_its_licence():
    vendor = settings.BASE_DIR / "static" / "vendor" / "echarts"
    assert (vendor / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert "echarts@5" in (vendor / "README.md").read_text()


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["ent_a_user", "expert_user", "official_user", "society_admin_user"]
)
def test_other_roles_get_403_everywhere(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for url in (
        reverse("consult:dashboard"),
        reverse("consult:dashboard_data", args=["problems-by-month"]),
        reverse("consult:dashboard_xlsx", args=["problems-by-month"]),
        reverse("consult:dashboard_data", args=["nope"]),
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (
        reverse("consult:dashboard"),
        reverse("consult:dashboard_data", args=["problems-by-month"]),
        reverse("consult:dashboard_xlsx", args=["problems-by-month"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- XLSX -----------------------------------------------------------------------------------


def workbook_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize(
    "chart", ["problems-by-region", "matching-turnaround", "feedback-by-month"]
)
def test_xlsx_holds_the_chart_table_in_the_default_language(chart, world, staff_tc, client_for):
    response = client_for(staff_tc).get(reverse("consult:dashboard_xlsx", args=[chart]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{chart}.xlsx"
    with translation.override(settings.LANGUAGE_CODE):
        table = CHARTS[chart](staff_tc, Period())
        notes_title = str(translation.gettext("Notes"))
    book = workbook_of(response)
    sheet = book.worksheets[0]
    assert sheet.title == sheet_title(table.title)
    assert len(sheet.title) <= 31
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [table.columns, *table.rows, *table.footer]
    # The same numbers as the JSON (which the English client gets).
    _columns, expected_rows, expected_footer = EXPECTED[chart]["tc"]
    assert [row[1:] for row in rows[1:]] == [row[1:] for row in expected_rows + expected_footer]
    notes = book[notes_title]
    assert [row[1] for row in notes.iter_rows(values_only=True)][1] == "新疆维吾尔自治区 塔城地区"


def test_xlsx_of_a_year_is_named_after_it(world, staff_xj, client_for):
    url = reverse("consult:dashboard_xlsx", args=["reports-by-month"])
    response = client_for(staff_xj).get(url, {"year": "2025"})
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''reports-by-month-2025.xlsx"
    )
    rows = list(workbook_of(response).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 12
    assert rows[1:4] == [("2025-01", 2, 0, 2), ("2025-02", 1, 0, 1), ("2025-03", 0, 1, 1)]


def test_xlsx_defuses_formula_like_text(staff_xj, official_user, client_for):
    evil = Series.objects.create(
        name='=HYPERLINK("http://x")', code="evil", issuing_body="某科协", ordering=9
    )
    issued_report(by=staff_xj, addressees=[official_user.government_body], series=evil)
    response = client_for(staff_xj).get(
        reverse("consult:dashboard_xlsx", args=["reports-by-month"])
    )
    header = next(workbook_of(response).worksheets[0].iter_rows(values_only=True))
    assert header[1] == '\'=HYPERLINK("http://x")'


def test_sheet_title_drops_characters_excel_refuses():
    assert sheet_title("批示/采纳: [按月]") == "批示 采纳 按月"
    assert sheet_title("很" * 40) == "很" * 31


# --- query counts ---------------------------------------------------------------------------


def build(n: int) -> None:
    """n problems in n prefectures and months, each matched, each with a report, download
    and feedback in its own month."""
    codes = ["654201", "653101", "650102"]
    for i in range(n):
        p = problem(codes[i], P.READY, sh(2025, i + 1, 3), ["C26", "A03", "B07"][i], "material")
        accepted(p, sh(2025, i + 1, 5))
        TopicFactory(status=["proposed", "approved", "concluded"][i], region=region(codes[i]))


# session, user, the user's region, then the chart's own queries.
QUERIES = {
    "problems-by-month": 4,
    "problems-by-region": 5,
    "problems-by-industry": 4,
    "problems-by-category": 4,
    "matching-turnaround": 4,
    "topics-by-state": 4,
    "reports-by-month": 4,
    "downloads-by-month": 4,
    "feedback-by-month": 5,
}


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("n", [1, 3])
def test_json_query_count_does_not_grow_with_rows(
    chart, n, staff_xj, client_for, django_assert_num_queries
):
    build(n)
    client = client_for(staff_xj)
    url = reverse("consult:dashboard_data", args=[chart])
    with django_assert_num_queries(QUERIES[chart]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_page_query_count_does_not_grow_with_rows(
    n, staff_xj, client_for, django_assert_num_queries
):
    build(n)
    client = client_for(staff_xj)
    # session, user, region, unread notifications, 6 KPIs, 11 for the 9 charts' tables.
    with django_assert_num_queries(21):
        response = client.get(reverse("consult:dashboard"))
    assert response.status_code == 200


# --- the browser side -------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_dashboard_js_builds_options_echarts_can_draw(world, staff_xj, client_for, tmp_path):
    """Feed every chart's JSON through dashboard.js's option builder and render it with the
    vendored ECharts (server-side SVG), with animation off as reduced motion asks."""
    client = client_for(staff_xj)
    payload = {
        slug: client.get(reverse("consult:dashboard_data", args=[slug])).json() for slug in CHARTS
    }
    (tmp_path / "charts.json").write_text(json.dumps(payload, ensure_ascii=False))
    static = settings.BASE_DIR / "static"
    script = f"""
const echarts = require({json.dumps(str(static / "vendor/echarts/echarts.min.js"))});
const dashboard = require({json.dumps(str(static / "consult/dashboard.js"))});
const charts = require({json.dumps(str(tmp_path / "charts.json"))});
const out = {{}};
for (const [slug, data] of Object.entries(charts)) {{
  const option = dashboard.buildOption(data, {{ reduceMotion: true }});
  const chart = echarts.init(null, null, {{ renderer: "svg", ssr: true, width: 600, height: 340 }});
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  out[slug] = {{ animation: option.animation, series: option.series.length, svg: svg.length,
                 names: option.series.map(s => s.name) }};
  chart.dispose();
}}
console.log(JSON.stringify(out));
"""
    result = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    drawn = json.loads(result.stdout)
    assert set(drawn) == set(CHARTS)
    assert all(d["animation"] is False and d["svg"] > 1000 for d in drawn.values())
    assert drawn["problems-by-month"]["names"] == [
        "Submitted",
        "Rejected",
        "Accepted into the pool",
        "Ready for matching",
    ]
    assert drawn["matching-turnaround"]["names"] == ["Problems matched", "Median days", "Mean days"]
    assert drawn["problems-by-category"]["series"] == 1
