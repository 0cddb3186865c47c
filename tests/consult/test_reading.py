"""Reading advisory reports: the list per role, its filters and search, the reading page,
the stamped PDF download, and the official's home page."""

import datetime
import subprocess
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from consult.models import Download, Report
from consult.services.feedback import adoption_record, instruction_record
from consult.services.reports import (
    current_revision,
    report_image_add,
    report_save,
    report_transition,
)
from tests.factories import (
    ReportFactory,
    TopicFactory,
    UserFactory,
    issued_report,
    png_bytes,
    region,
    series,
)

LIST = reverse("consult:report_list")


def titles(response) -> list[str]:
    return [report.title for report in response.context["page"].object_list]


@pytest.fixture
def cast(staff_xj, staff_tc, body_a, body_b):
    """A's restricted, B's restricted and a public report (issued in that order), a draft
    addressed to A, and a 塔城 draft and issued report."""
    return {
        "a": issued_report(by=staff_xj, addressees=[body_a], title="关于A的建议"),
        "b": issued_report(by=staff_xj, addressees=[body_b], title="关于B的建议"),
        "public": issued_report(
            by=staff_xj,
            addressees=[body_b],
            circulation=Report.Circulation.PUBLIC,
            title="公开的建议",
        ),
        "draft": ReportFactory(addressees=[body_a], title="草稿中的建议"),
        "tc_draft": ReportFactory(region=region("654200"), title="塔城草稿"),
        "tc_issued": issued_report(
            by=staff_tc, addressees=[body_b], region=region("654200"), title="塔城已签发"
        ),
    }


# --- the list ---------------------------------------------------------------------------------


def test_official_sees_their_bodys_and_public_issued_reports_newest_first(
    client_for, official_user, cast
):
    response = client_for(official_user).get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["公开的建议", "关于A的建议"]


def test_official_of_another_body_sees_only_theirs_and_public(client_for, body_b, cast):
    other = UserFactory(role=User.Role.OFFICIAL, government_body=body_b)
    response = client_for(other).get(LIST)
    assert titles(response) == ["塔城已签发", "公开的建议", "关于B的建议"]


def test_staff_tc_sees_only_their_regions_reports_including_drafts(client_for, staff_tc, cast):
    response = client_for(staff_tc).get(LIST)
    assert titles(response) == ["塔城草稿", "塔城已签发"]
    assert response.context["is_staff_view"] is True
    assert reverse("consult:report_create") in response.content.decode()


def test_staff_xj_sees_everything_and_filters_by_status(client_for, staff_xj, cast):
    response = client_for(staff_xj).get(LIST)
    assert set(titles(response)) == {r.title for r in cast.values()}
    drafts = client_for(staff_xj).get(LIST, {"status": "draft"})
    assert titles(drafts) == ["塔城草稿", "草稿中的建议"]


def test_official_has_no_status_filter_nor_new_report_button(client_for, official_user, cast):
    response = client_for(official_user).get(LIST)
    assert "status" not in response.context["filter"].form.fields
    assert reverse("consult:report_create") not in response.content.decode()


@pytest.mark.parametrize("role", ["ent_a_user", "expert_user", "society_admin_user"])
def test_list_refused_to_people_without_reports(client_for, request, role, cast):
    assert client_for(request.getfixturevalue(role)).get(LIST).status_code == 403


def test_list_given_to_the_expert_leading_a_topic_with_issued_reports(
    client_for, staff_xj, body_a, expert_user
):
    topic = TopicFactory(lead_expert=expert_user.expert)
    issued_report(by=staff_xj, addressees=[body_a], topic=topic, title="课题成果专报")
    ReportFactory(topic=topic, title="课题成果草稿")
    issued_report(by=staff_xj, addressees=[body_a], title="别的专报")
    response = client_for(expert_user).get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["课题成果专报"]


def test_list_shows_whether_the_officials_body_recorded_feedback(
    client_for, official_user, staff_xj, body_b, cast
):
    today = cast["a"].issued_on
    instruction_record(
        cast["a"], by=official_user, leader_name="李副主席", level="provincial", date=today,
        text="请发改委研究落实。",
    )  # fmt: skip
    # Another body's feedback on the public report is not the official's body's.
    adoption_record(cast["public"], by=staff_xj, document="某地实施方案", date=today, body=body_b)
    response = client_for(official_user).get(LIST)
    rows = {r.title: (r.instruction_count, r.adoption_count) for r in response.context["page"]}
    assert rows == {"关于A的建议": (1, 0), "公开的建议": (0, 0)}
    staff_rows = {
        r.title: (r.instruction_count, r.adoption_count)
        for r in client_for(staff_xj).get(LIST).context["page"]
    }
    assert staff_rows["关于A的建议"] == (1, 0)
    assert staff_rows["公开的建议"] == (0, 1)


def test_filter_by_year(client_for, official_user, cast):
    Report.objects.filter(pk=cast["a"].pk).update(
        year=2025, number=99, issued_on=datetime.date(2025, 12, 30)
    )
    response = client_for(official_user).get(LIST, {"year": "2025"})
    assert titles(response) == ["关于A的建议"]
    assert list(response.context["filter"].form.fields["year"].choices) == [
        ("", "---------"),
        (cast["public"].year, str(cast["public"].year)),
        (2025, "2025"),
    ]


def test_filter_by_series(client_for, official_user, staff_xj, body_a, cast):
    issued_report(by=staff_xj, addressees=[body_a], series=series("jcck"), title="决策参考一期")
    response = client_for(official_user).get(LIST, {"series": series("jcck").pk})
    assert titles(response) == ["决策参考一期"]


def test_filter_by_topic_offers_only_topics_of_visible_reports(
    client_for, official_user, staff_xj, body_a, body_b
):
    mine = TopicFactory(title="棉花机采课题")
    theirs = TopicFactory(title="别人的课题")
    issued_report(by=staff_xj, addressees=[body_a], topic=mine, title="棉花专报")
    issued_report(by=staff_xj, addressees=[body_a], title="无课题专报")
    issued_report(by=staff_xj, addressees=[body_b], topic=theirs, title="别人的专报")
    response = client_for(official_user).get(LIST, {"topic": mine.pk})
    assert titles(response) == ["棉花专报"]
    assert list(response.context["filter"].form.fields["topic"].queryset) == [mine]
    refused = client_for(official_user).get(LIST, {"topic": theirs.pk})
    assert titles(refused) == []


def test_filter_by_region_includes_the_regions_inside(client_for, staff_xj, cast):
    response = client_for(staff_xj).get(LIST, {"region": region("654200").pk})
    assert titles(response) == ["塔城草稿", "塔城已签发"]


def test_search_title_summary_and_body_with_traditional_script(
    client_for, official_user, staff_xj, body_a, cast
):
    issued_report(by=staff_xj, addressees=[body_a], title="关于锂电池回收的建议")
    issued_report(by=staff_xj, addressees=[body_a], summary="光伏组件回收利用。", title="摘要命中")
    issued_report(
        by=staff_xj,
        addressees=[body_a],
        body="## 一、情况\n\n氢能储运装备短缺。\n",
        title="正文命中",
    )
    client = client_for(official_user)
    assert titles(client.get(LIST, {"q": "鋰電池"})) == ["关于锂电池回收的建议"]
    assert titles(client.get(LIST, {"q": "光伏组件"})) == ["摘要命中"]
    assert titles(client.get(LIST, {"q": "氢能 储运"})) == ["正文命中"]
    assert titles(client.get(LIST, {"q": "不存在的词"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"year": "99999999999999999999"},
        {"topic": "x"},
        {"series": "99999999999999999999999"},
        {"region": "99999999999999999999999"},
        {"topic": "-1"},
        {"page": "9"},
        {"page": "99999999999999999999999"},
        {"q": "   "},
    ],
)
def test_bad_filter_values_never_fail(client_for, official_user, cast, params):
    response = client_for(official_user).get(LIST, params)
    assert response.status_code == 200
    unfiltered = "page" in params or "q" in params
    assert titles(response) == (["公开的建议", "关于A的建议"] if unfiltered else [])


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_for_an_official(
    client_for, official_user, staff_xj, body_a, n, django_assert_num_queries
):
    for i in range(n):
        issued_report(by=staff_xj, addressees=[body_a], topic=TopicFactory(), title=f"专报{i}")
    client = client_for(official_user)
    with django_assert_num_queries(11):
        response = client.get(LIST)
    assert len(titles(response)) == n


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_for_staff(client_for, staff_tc, n, django_assert_num_queries):
    for i in range(n):
        ReportFactory(region=region("654200"), topic=TopicFactory(), title=f"塔城专报{i}")
    client = client_for(staff_tc)
    with django_assert_num_queries(10):
        response = client.get(LIST)
    assert len(titles(response)) == n


# --- the reading page -------------------------------------------------------------------------


def detail(report) -> str:
    return reverse("consult:report_detail", args=[report.pk])


def test_detail_for_the_addressed_official(client_for, official_user, cast):
    response = client_for(official_user).get(detail(cast["a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "关于A的建议" in page
    assert cast["a"].issue_label in page
    assert '<h2 class="level-1">一、基本情况</h2>' in page
    assert body_name(cast["a"]) in page
    assert reverse("consult:report_pdf", args=[cast["a"].pk]) in page
    assert reverse("consult:instruction_create", args=[cast["a"].pk]) in page
    assert response.context["can_change"] is False


def body_name(report) -> str:
    return report.addressees.get().name


def test_detail_404_for_another_bodys_restricted_report_200_for_public(
    client_for, official_user, cast
):
    client = client_for(official_user)
    assert client.get(detail(cast["b"])).status_code == 404
    assert client.get(detail(cast["draft"])).status_code == 404
    public = client.get(detail(cast["public"]))
    assert public.status_code == 200
    assert public.context["report"] == cast["public"]
    assert public.context["can_feedback"] is True


def test_detail_withdrawn_report_404_for_officials_but_not_staff(
    client_for, official_user, staff_xj, cast
):
    report_transition(cast["a"], "withdrawn", by=staff_xj, reason="数据有误")
    assert client_for(official_user).get(detail(cast["a"])).status_code == 404
    response = client_for(staff_xj).get(detail(cast["a"]))
    assert response.status_code == 200
    assert response.context["can_change"] is True
    assert response.context["can_feedback"] is False


@pytest.mark.parametrize("role", ["staff_ks", "ent_a_user", "expert_user", "society_admin_user"])
def test_detail_404_for_people_outside(client_for, request, role, cast):
    client = client_for(request.getfixturevalue(role))
    assert client.get(detail(cast["tc_draft"])).status_code == 404
    assert client.get(detail(cast["a"])).status_code == 404


def test_detail_404_for_an_unknown_or_huge_id(client_for, official_user):
    client = client_for(official_user)
    assert client.get("/consult/reports/987654/").status_code == 404
    assert client.get("/consult/reports/99999999999999999999999/").status_code == 404


def test_detail_sanitises_the_body_and_serves_images_by_report_image_urls(
    client_for, official_user, staff_xj, body_a
):
    report = ReportFactory(addressees=[body_a])
    image = report_image_add(report, SimpleUploadedFile("图1.png", png_bytes()), by=staff_xj)
    other = report_image_add(
        ReportFactory(), SimpleUploadedFile("别人的.png", png_bytes()), by=staff_xj
    )
    report_save(
        report,
        by=staff_xj,
        body=(
            f"## 一、情况\n\n![产能对比](image:{image.pk})\n\n![偷图](image:{other.pk})\n\n"
            "<script>alert('x')</script><p onclick=\"steal()\">正文</p>\n"
        ),
    )
    for to in ("review", "approved", "issued"):
        report = report_transition(report, to, by=staff_xj)
    page = client_for(official_user).get(detail(report)).content.decode()
    src = reverse("consult:report_image", args=[report.pk, image.pk])
    assert f'<img src="{src}" alt="产能对比">' in page
    assert f"image:{other.pk}" not in page
    assert f"/images/{other.pk}/" not in page
    assert "alert(" not in page
    assert "steal()" not in page
    assert "正文" in page


def test_detail_shows_official_their_bodys_feedback_and_staff_all(
    client_for, official_user, staff_xj, body_b, cast
):
    report = cast["public"]
    day = report.issued_on
    instruction_record(
        report, by=official_user, leader_name="王主任", level="bureau", date=day, text="阅。"
    )
    instruction_record(
        report, by=staff_xj, leader_name="赵书记", level="county", date=day, text="转办。",
        body=body_b,
    )  # fmt: skip
    official_page = client_for(official_user).get(detail(report))
    assert [i.leader_name for i in official_page.context["instructions"]] == ["王主任"]
    staff_page = client_for(staff_xj).get(detail(report))
    assert [i.leader_name for i in staff_page.context["instructions"]] == ["赵书记", "王主任"]


def test_detail_for_topic_people_shows_all_feedback_without_buttons(
    client_for, staff_xj, official_user, body_a, expert_user
):
    topic = TopicFactory(lead_expert=expert_user.expert)
    report = issued_report(by=staff_xj, addressees=[body_a], topic=topic)
    adoption_record(report, by=official_user, document="农业节水方案", date=report.issued_on)
    response = client_for(expert_user).get(detail(report))
    assert response.status_code == 200
    assert [a.document for a in response.context["adoptions"]] == ["农业节水方案"]
    assert response.context["can_feedback"] is False
    assert reverse("consult:adoption_create", args=[report.pk]) not in response.content.decode()


# --- the PDF ----------------------------------------------------------------------------------


def test_pdf_download_is_stamped_and_logged(client_for, official_user, cast):
    report = cast["a"]
    response = client_for(official_user).get(
        reverse("consult:report_pdf", args=[report.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    label = f"{report.year}年第{report.number}期"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote(f'智库专报-{label}.pdf')}"
    )
    data = b"".join(response.streaming_content) if response.streaming else response.content
    download = Download.objects.get()
    assert (download.report, download.user, download.body) == (
        report,
        official_user,
        official_user.government_body,
    )
    assert download.revision == current_revision(report)
    assert download.ip_address == "10.1.2.3"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    compact = "".join(text.split())
    assert official_user.display_name in compact
    assert download.code in compact


def test_pdf_refused_outside_reach(client_for, official_user, cast):
    client = client_for(official_user)
    assert client.get(reverse("consult:report_pdf", args=[cast["b"].pk])).status_code == 404
    assert client.get(reverse("consult:report_pdf", args=[cast["draft"].pk])).status_code == 404
    assert client.post(reverse("consult:report_pdf", args=[cast["a"].pk])).status_code == 405
    assert Download.objects.count() == 0


# --- the official's home page -----------------------------------------------------------------


def test_home_lists_the_officials_reports_and_feedback(client_for, official_user, cast):
    instruction_record(
        cast["a"], by=official_user, leader_name="李副主席", level="provincial",
        date=cast["a"].issued_on, text="请研究。",
    )  # fmt: skip
    response = client_for(official_user).get(reverse("home"))
    assert response.status_code == 200
    assert [r.title for r in response.context["latest"]] == ["公开的建议", "关于A的建议"]
    assert response.context["counts"] == {"total": 2, "this_year": 2, "named": 1}
    assert [(kind, row.leader_name) for kind, row in response.context["my_feedback"]] == [
        ("instruction", "李副主席")
    ]
    page = response.content.decode()
    assert "关于B的建议" not in page
    assert "草稿中的建议" not in page


def test_home_empty_state(client_for, official_user):
    response = client_for(official_user).get(reverse("home"))
    assert list(response.context["latest"]) == []
    assert "No advisory report has been issued to 自治区人民政府办公厅 yet." in (
        response.content.decode()
    )
