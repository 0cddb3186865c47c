"""Staff authoring of advisory reports: creating and editing (a revision per save), the
live preview, figures, the workflow moves and issue numbers, corrections of issued reports,
revisions and their differences, the download log and tracing a leaked copy.

Each page is tried by the staff who may use it and by those who may not: staff of another
region (404: reports_visible_to scopes by region), officials (403 where they may read the
report, 404 where not), enterprises, experts and society admins."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Notification, User
from consult.models import Report, ReportEvent, ReportImage, ReportRevision
from consult.services.feedback import download_record
from consult.services.reports import (
    current_revision,
    report_correct,
    report_image_add,
    report_save,
    report_transition,
)
from consult.views.authoring import line_diff
from tests.factories import (
    GovernmentBodyFactory,
    ReportFactory,
    TopicFactory,
    UserFactory,
    issued_report,
    png_bytes,
    region,
    series,
)

R = Report.Status
OUTSIDERS = ["ent_a_user", "expert_user", "society_admin_user"]


def url(name: str, *args) -> str:
    return reverse(f"consult:{name}", args=args)


def texts(response) -> list[str]:
    """The messages this request added (earlier ones still wait in the cookie: the tests
    do not follow redirects to a page that would show them)."""
    return [str(message) for message in get_messages(response.wsgi_request)._queued_messages]


def png(name: str = "图1.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def body(official_user):
    return official_user.government_body


@pytest.fixture
def tc_report(db):
    """A draft of the 塔城 CAST (654200)."""
    return ReportFactory(region=region("654200"), title="塔城报告")


@pytest.fixture
def xj_report(db):
    """A draft of the autonomous-region CAST (650000): outside staff_tc's scope."""
    return ReportFactory(title="全区报告")


@pytest.fixture
def issued(staff_xj, body):
    return issued_report(by=staff_xj, addressees=[body], title="已签发报告")


def form_data(**overrides) -> dict:
    data = {
        "title": "关于加快南疆棉花机采配套装备国产化的建议",
        "series": series().pk,
        "topic": "",
        "region": "654200",
        "circulation": "restricted",
        "addressees": [],
        "copies": [],
        "authors": "王建国 李明",
        "issuing_body": "",
        "summary": "机采棉清理加工装备依赖进口。",
        "body": "## 一、基本情况\n\n南疆机采棉比例持续提高。\n",
    }
    data.update(overrides)
    return data


def content_of(report: Report, **overrides) -> dict:
    """The edit form's fields as they stand, with some changed."""
    data = {
        "title": report.title,
        "series": report.series_id,
        "topic": report.topic_id or "",
        "region": report.region_id,
        "circulation": report.circulation,
        "addressees": [b.pk for b in report.addressees.all()],
        "copies": [b.pk for b in report.copies.all()],
        "authors": report.authors,
        "issuing_body": report.issuing_body,
        "summary": report.summary,
        "body": report.body,
        "note": "",
    }
    data.update(overrides)
    return data


# --- create -----------------------------------------------------------------------------------


def test_create_form_offers_choices_within_the_staff_members_scope(client_for, staff_tc):
    own = TopicFactory(region=region("654200"), title="塔城课题")
    TopicFactory(title="全区课题")
    response = client_for(staff_tc).get(url("report_create"))
    form = response.context["form"]
    assert {r.code[:4] for r in form.fields["region"].queryset} == {"6542"}
    assert list(form.fields["topic"].queryset) == [own]
    assert form["region"].value() == "654200"
    assert form["series"].value() == series().pk
    html = response.content.decode()
    assert '<select name="addressees" data-searchable="1" id="id_addressees" multiple>' in html
    assert '<select name="copies" data-searchable="1" id="id_copies" multiple>' in html
    assert f'data-preview-url="{url("report_preview")}"' in html


def test_create_from_a_topic_preselects_topic_region_and_title(client_for, staff_xj):
    topic = TopicFactory(region=region("653100"), title="喀什课题")
    form = client_for(staff_xj).get(url("report_create"), {"topic": topic.pk}).context["form"]
    assert (form["topic"].value(), form["region"].value(), form["title"].value()) == (
        topic.pk,
        "653100",
        "喀什课题",
    )


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "²"])
def test_create_ignores_a_bad_topic_parameter(client_for, staff_tc, value):
    response = client_for(staff_tc).get(url("report_create"), {"topic": value})
    assert response.status_code == 200
    assert response.context["form"]["topic"].value() is None


def test_create_ignores_a_topic_outside_the_scope(client_for, staff_tc):
    topic = TopicFactory(title="全区课题")
    form = client_for(staff_tc).get(url("report_create"), {"topic": topic.pk}).context["form"]
    assert (form["topic"].value(), form["title"].value()) == (None, None)


def test_create_makes_a_draft_with_its_first_revision(client_for, staff_tc, body):
    topic = TopicFactory(region=region("654200"))
    copy = GovernmentBodyFactory(name="塔城地区行政公署")
    data = form_data(topic=topic.pk, addressees=[body.pk], copies=[copy.pk])
    response = client_for(staff_tc).post(url("report_create"), data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("report_edit", report.pk)
    assert texts(response) == ["Draft created. You can add figures below."]
    assert (report.status, report.region_id, report.topic, report.created_by) == (
        R.DRAFT,
        "654200",
        topic,
        staff_tc,
    )
    # An empty issuing body takes the series'.
    assert report.issuing_body == series().issuing_body
    assert list(report.addressees.all()) == [body]
    assert list(report.copies.all()) == [copy]
    revision = report.revisions.get()
    assert (revision.number, revision.author, revision.note) == (1, staff_tc, "Created")
    assert revision.addressees == body.name
    assert revision.body == data["body"]


def test_create_refuses_a_region_outside_the_scope(client_for, staff_tc):
    response = client_for(staff_tc).post(url("report_create"), form_data(region="650000"))
    assert response.status_code == 200
    assert response.context["form"].errors["region"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Report.objects.count() == 0


@pytest.mark.parametrize("ids", [["99999999999999999999"], ["abc"], ["-5"]])
def test_create_with_bad_addressee_ids_is_a_form_error(client_for, staff_tc, ids):
    response = client_for(staff_tc).post(url("report_create"), form_data(addressees=ids))
    assert response.status_code == 200
    assert "addressees" in response.context["form"].errors
    assert Report.objects.count() == 0


@pytest.mark.parametrize("field", ["topic", "series", "region"])
@pytest.mark.parametrize("value", ["99999999999999999999", "abc", "-1"])
def test_create_with_bad_single_choices_is_a_form_error(client_for, staff_tc, field, value):
    response = client_for(staff_tc).post(url("report_create"), form_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Report.objects.count() == 0


def test_create_with_a_too_long_body_is_a_form_error(client_for, staff_tc):
    response = client_for(staff_tc).post(url("report_create"), form_data(body="字" * 200_001))
    assert response.context["form"].errors["body"] == [
        "Ensure this value has at most 200000 characters (it has 200001)."
    ]


@pytest.mark.parametrize("role", ["official_user", *OUTSIDERS])
def test_create_refused_to_non_staff(client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("report_create")).status_code == 403
    assert client.post(url("report_create"), form_data(region="650000")).status_code == 403
    assert Report.objects.count() == 0


# --- edit -------------------------------------------------------------------------------------


def test_edit_keeps_a_revision_with_who_when_and_note(client_for, staff_xj, tc_report):
    data = content_of(tc_report, body="## 一、新情况\n\n更新。\n", note="补充新情况")
    response = client_for(staff_xj).post(url("report_edit", tc_report.pk), data)
    assert response["Location"] == url("report_detail", tc_report.pk)
    assert texts(response) == ["Saved as revision 2."]
    revision = current_revision(tc_report)
    assert (revision.number, revision.author, revision.note) == (2, staff_xj, "补充新情况")
    assert revision.body == "## 一、新情况\n\n更新。\n"
    assert revision.created_at is not None
    tc_report.refresh_from_db()
    assert tc_report.body == "## 一、新情况\n\n更新。\n"


def test_edit_save_and_keep_editing_returns_to_the_editor(client_for, staff_xj, tc_report):
    data = content_of(tc_report, title="新标题", **{"continue": ""})
    response = client_for(staff_xj).post(url("report_edit", tc_report.pk), data)
    assert response["Location"] == url("report_edit", tc_report.pk)
    assert current_revision(tc_report).title == "新标题"


def test_edit_without_change_is_a_message_not_an_error(client_for, staff_xj, tc_report):
    response = client_for(staff_xj).post(url("report_edit", tc_report.pk), content_of(tc_report))
    assert response.status_code == 302
    assert texts(response) == ["Nothing changed, so no new revision was kept."]
    assert tc_report.revisions.count() == 1


def test_edit_page_shows_preview_figures_and_their_snippets(client_for, staff_xj, tc_report):
    image = report_image_add(tc_report, png(), by=staff_xj)
    report_save(tc_report, by=staff_xj, body=f"![图1 面积](image:{image.pk})\n<script>x()</script>")
    response = client_for(staff_xj).get(url("report_edit", tc_report.pk))
    html = response.content.decode()
    image_url = url("report_image", tc_report.pk, image.pk)
    assert '<div id="report-preview"' in html
    assert f'<p><img src="{image_url}" alt="图1 面积"></p>' in html
    assert "<script>x()" not in html
    assert f"![图1](image:{image.pk})</code>" in html
    assert f'data-report="{tc_report.pk}"' in html
    assert 'name="note"' in html


def test_edit_scoped_by_region(client_for, staff_tc, staff_ks, xj_report, tc_report):
    assert client_for(staff_tc).get(url("report_edit", xj_report.pk)).status_code == 404
    assert client_for(staff_ks).get(url("report_edit", tc_report.pk)).status_code == 404
    client_for(staff_ks).post(url("report_edit", tc_report.pk), content_of(tc_report, title="x"))
    assert tc_report.revisions.count() == 1
    assert client_for(staff_tc).get(url("report_edit", tc_report.pk)).status_code == 200


@pytest.mark.parametrize("role", ["official_user", *OUTSIDERS])
def test_edit_of_a_draft_is_404_to_non_staff(client_for, request, role, xj_report):
    assert (
        client_for(request.getfixturevalue(role)).get(url("report_edit", xj_report.pk)).status_code
        == 404
    )


def test_edit_of_an_issued_report_is_403_to_its_official(client_for, official_user, issued):
    client = client_for(official_user)
    assert client.get(url("report_edit", issued.pk)).status_code == 403
    assert client.post(url("report_edit", issued.pk), content_of(issued)).status_code == 403


def test_edit_unknown_or_huge_id_is_404(client_for, staff_xj):
    client = client_for(staff_xj)
    assert client.get(url("report_edit", 999999)).status_code == 404
    assert client.get("/consult/reports/99999999999999999999999/edit/").status_code == 404


def test_issued_report_is_frozen(client_for, staff_xj, issued):
    client = client_for(staff_xj)
    response = client.get(url("report_edit", issued.pk))
    assert response["Location"] == url("report_correct", issued.pk)
    assert texts(response) == [
        "An issued report is frozen: publish a correction (更正) instead of editing it."
    ]
    client.post(url("report_edit", issued.pk), content_of(issued, title="改"))
    issued.refresh_from_db()
    assert issued.title == "已签发报告"
    assert issued.revisions.count() == 1


# --- preview ----------------------------------------------------------------------------------


def test_preview_renders_sanitised_html(client_for, staff_tc):
    body = (
        "## 一、情况\n\n<script>alert(1)</script><style>p{}</style>"
        '<p onclick="steal()">点击</p>\n\n[链接](javascript:alert(2)) '
        '<a href="javascript:alert(3)">a</a>\n\n'
        "![远程](https://evil.example/x.png) ![本地](file:///etc/passwd) ![图](image:1)"
    )
    response = client_for(staff_tc).post(url("report_preview"), {"body": body})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert html.startswith('<h2 class="level-1">一、情况</h2>\n<p>点击</p>')
    for forbidden in ("<script", "<style", "onclick", 'href="javascript', "<img", "evil.example/x"):
        assert forbidden not in html


def test_preview_shows_the_reports_own_images_only(client_for, staff_xj, tc_report, xj_report):
    own = report_image_add(tc_report, png(), by=staff_xj)
    other = report_image_add(xj_report, png(), by=staff_xj)
    response = client_for(staff_xj).post(
        url("report_preview"),
        {"body": f"![自己](image:{own.pk})\n\n![别人](image:{other.pk})", "report": tc_report.pk},
    )
    assert response.content.decode() == (
        f'<p><img src="{url("report_image", tc_report.pk, own.pk)}" alt="自己"></p>\n<p></p>\n'
    )


def test_preview_without_report_shows_no_image(client_for, staff_xj, tc_report):
    image = report_image_add(tc_report, png(), by=staff_xj)
    response = client_for(staff_xj).post(url("report_preview"), {"body": f"![x](image:{image.pk})"})
    assert response.content.decode() == "<p></p>\n"


def test_preview_refuses_a_too_long_body(client_for, staff_tc):
    response = client_for(staff_tc).post(url("report_preview"), {"body": "字" * 200_001})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The text is too long to preview (at most 200000 characters)."
    )


def test_preview_bad_or_foreign_report(client_for, staff_tc, xj_report):
    client = client_for(staff_tc)
    assert client.post(url("report_preview"), {"body": "x", "report": "abc"}).status_code == 400
    assert client.post(url("report_preview"), {"body": "x", "report": "9" * 30}).status_code == 400
    assert (
        client.post(url("report_preview"), {"body": "x", "report": xj_report.pk}).status_code == 404
    )


def test_preview_is_post_only(client_for, staff_tc):
    assert client_for(staff_tc).get(url("report_preview")).status_code == 405


@pytest.mark.parametrize("role", ["official_user", *OUTSIDERS])
def test_preview_refused_to_non_staff(client_for, request, role):
    response = client_for(request.getfixturevalue(role)).post(url("report_preview"), {"body": "x"})
    assert response.status_code == 403


# --- figures ----------------------------------------------------------------------------------


def test_upload_a_figure(client_for, staff_tc, tc_report):
    response = client_for(staff_tc).post(url("report_image_upload", tc_report.pk), {"file": png()})
    image = ReportImage.objects.get()
    assert response["Location"] == url("report_edit", tc_report.pk) + "#figures"
    assert texts(response) == [
        f"Figure “图1.png” uploaded: put ![…](image:{image.pk}) in the body where it belongs."
    ]
    assert (image.report, image.content_type, image.uploaded_by) == (
        tc_report,
        "image/png",
        staff_tc,
    )


def test_upload_errors_are_shown(client_for, staff_tc, tc_report):
    client = client_for(staff_tc)
    fake = SimpleUploadedFile("图.png", b"<html>not a png</html>", content_type="image/png")
    response = client.post(url("report_image_upload", tc_report.pk), {"file": fake})
    assert texts(response) == [
        "“图.png” is not really a .png file (its content does not match its name)."
    ]
    response = client.post(url("report_image_upload", tc_report.pk), {})
    assert texts(response) == ["This field is required."]
    doc = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(url("report_image_upload", tc_report.pk), {"file": doc})
    assert texts(response) == ["“a.pdf”: figures may be PNG or JPEG images."]
    assert ReportImage.objects.count() == 0


def test_upload_to_an_issued_report_returns_to_the_correction(client_for, staff_xj, issued):
    response = client_for(staff_xj).post(url("report_image_upload", issued.pk), {"file": png()})
    assert response["Location"] == url("report_correct", issued.pk) + "#figures"
    assert issued.images.count() == 1


def test_upload_refused_outside_scope_and_to_officials(
    client_for, staff_tc, official_user, xj_report, issued
):
    assert (
        client_for(staff_tc)
        .post(url("report_image_upload", xj_report.pk), {"file": png()})
        .status_code
        == 404
    )
    response = client_for(official_user).post(
        url("report_image_upload", issued.pk), {"file": png()}
    )
    assert response.status_code == 403
    assert ReportImage.objects.count() == 0


def test_upload_is_post_only(client_for, staff_tc, tc_report):
    assert client_for(staff_tc).get(url("report_image_upload", tc_report.pk)).status_code == 405


def test_image_served_to_staff_with_its_type(client_for, staff_tc, tc_report):
    image = report_image_add(tc_report, png(), by=staff_tc)
    response = client_for(staff_tc).get(url("report_image", tc_report.pk, image.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Disposition"].startswith("attachment")


def test_image_served_to_the_official_of_an_issued_report(
    client_for, staff_xj, official_user, issued
):
    image = report_image_add(issued, png(), by=staff_xj)
    response = client_for(official_user).get(url("report_image", issued.pk, image.pk))
    assert b"".join(response.streaming_content) == png_bytes()


def test_image_refused_outside_reach(
    client_for, staff_xj, staff_tc, official_user, xj_report, issued
):
    image = report_image_add(xj_report, png(), by=staff_xj)
    # Staff of another region; the official on a draft; another body's official.
    assert client_for(staff_tc).get(url("report_image", xj_report.pk, image.pk)).status_code == 404
    assert (
        client_for(official_user).get(url("report_image", xj_report.pk, image.pk)).status_code
        == 404
    )
    # The image of another report under this report's address.
    assert client_for(staff_xj).get(url("report_image", issued.pk, image.pk)).status_code == 404
    stranger = UserFactory(role=User.Role.OFFICIAL, government_body=GovernmentBodyFactory())
    own = report_image_add(issued, png(), by=staff_xj)
    assert client_for(stranger).get(url("report_image", issued.pk, own.pk)).status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_image_404_to_outsiders(client_for, request, role, staff_xj, issued):
    image = report_image_add(issued, png(), by=staff_xj)
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("report_image", issued.pk, image.pk)).status_code == 404


# --- workflow ---------------------------------------------------------------------------------


def test_workflow_through_to_issue(client_for, staff_xj, body, xj_report):
    xj_report.addressees.set([body])
    client = client_for(staff_xj)
    move = url("report_transition", xj_report.pk)
    response = client.post(move, {"to": "review"})
    assert response["Location"] == url("report_detail", xj_report.pk)
    assert texts(response) == ["The report is now “Internal review”."]
    client.post(move, {"to": "approved"})
    response = client.post(move, {"to": "issued"})
    xj_report.refresh_from_db()
    assert (xj_report.status, xj_report.number, xj_report.issued_by) == (R.ISSUED, 1, staff_xj)
    assert texts(response) == [
        f"Issued as 智库专报 {xj_report.issue_label}; the bodies it is addressed to have been told."
    ]
    assert [(e.from_status, e.to_status, e.actor) for e in xj_report.events.all()] == [
        (R.DRAFT, R.REVIEW, staff_xj),
        (R.REVIEW, R.APPROVED, staff_xj),
        (R.APPROVED, R.ISSUED, staff_xj),
    ]


def test_issue_numbers_of_a_series_count_up(staff_xj, body):
    first = issued_report(by=staff_xj, addressees=[body])
    second = issued_report(by=staff_xj, addressees=[body])
    assert (first.number, second.number) == (1, 2)
    assert first.year == second.year


def test_issuing_two_reports_through_the_view_numbers_them_1_and_2(client_for, staff_xj, body):
    client = client_for(staff_xj)
    reports = [ReportFactory(addressees=[body]) for _ in range(2)]
    for report in reports:
        for to in ("review", "approved", "issued"):
            client.post(url("report_transition", report.pk), {"to": to})
    assert sorted(Report.objects.values_list("number", flat=True)) == [1, 2]
    assert [r.number for r in Report.objects.order_by("pk")] == [1, 2]


def test_back_to_draft_needs_a_reason(client_for, staff_xj, xj_report):
    client = client_for(staff_xj)
    client.post(url("report_transition", xj_report.pk), {"to": "review"})
    response = client.post(url("report_transition", xj_report.pk), {"to": "draft"})
    assert texts(response) == ["Please say what has to change before the report goes on."]
    xj_report.refresh_from_db()
    assert xj_report.status == R.REVIEW
    client.post(url("report_transition", xj_report.pk), {"to": "draft", "reason": "补充数据"})
    assert xj_report.events.last().reason == "补充数据"


def test_illegal_or_unreadable_moves_are_messages(client_for, staff_xj, xj_report):
    client = client_for(staff_xj)
    response = client.post(url("report_transition", xj_report.pk), {"to": "issued"})
    assert texts(response) == ["A report that is “Draft” cannot be moved to “Issued (签发)”."]
    response = client.post(url("report_transition", xj_report.pk), {"to": "published"})
    assert texts(response) == ["The action could not be read; please try again."]
    response = client.post(url("report_transition", xj_report.pk), {})
    assert texts(response) == ["The action could not be read; please try again."]
    xj_report.refresh_from_db()
    assert xj_report.status == R.DRAFT


def test_issue_without_addressee_is_refused(client_for, staff_xj, xj_report):
    client = client_for(staff_xj)
    for to in ("review", "approved", "issued"):
        response = client.post(url("report_transition", xj_report.pk), {"to": to})
    assert texts(response) == ["Name at least one body the report is addressed to (报送)."]
    xj_report.refresh_from_db()
    assert (xj_report.status, xj_report.number) == (R.APPROVED, None)


def test_transition_refused(client_for, staff_tc, official_user, xj_report, issued):
    assert (
        client_for(staff_tc)
        .post(url("report_transition", xj_report.pk), {"to": "review"})
        .status_code
        == 404
    )
    response = client_for(official_user).post(
        url("report_transition", issued.pk), {"to": "withdrawn", "reason": "x"}
    )
    assert response.status_code == 403
    assert client_for(staff_tc).get(url("report_transition", xj_report.pk)).status_code == 405
    xj_report.refresh_from_db()
    issued.refresh_from_db()
    assert (xj_report.status, issued.status) == (R.DRAFT, R.ISSUED)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_transition_404_to_outsiders(client_for, request, role, issued):
    response = client_for(request.getfixturevalue(role)).post(
        url("report_transition", issued.pk), {"to": "withdrawn", "reason": "x"}
    )
    assert response.status_code == 404


# --- corrections ------------------------------------------------------------------------------


def test_correction_keeps_the_number_and_marks_the_revision(
    client_for, staff_xj, official_user, issued
):
    download_record(issued, current_revision(issued), user=official_user)
    client = client_for(staff_xj)
    page = client.get(url("report_correct", issued.pk))
    assert page.status_code == 200
    assert "series" not in page.context["form"].fields
    data = content_of(issued, body=issued.body + "\n补充一句。\n", note="第二部分补充一句")
    for name in ("series", "topic", "region", "circulation"):
        data.pop(name)
    response = client.post(url("report_correct", issued.pk), data)
    assert response["Location"] == url("report_detail", issued.pk)
    assert texts(response) == [
        "Correction published as revision 2; everyone who downloaded the report has been told."
    ]
    issued.refresh_from_db()
    assert (issued.status, issued.number) == (R.ISSUED, 1)
    revision = current_revision(issued)
    assert (revision.number, revision.is_correction, revision.note, revision.author) == (
        2,
        True,
        "第二部分补充一句",
        staff_xj,
    )
    event = issued.events.last()
    assert (event.from_status, event.to_status) == (R.ISSUED, R.ISSUED)
    assert event.reason == "Correction (更正), revision 2: 第二部分补充一句"
    assert Notification.objects.filter(user=official_user, body="第二部分补充一句").count() == 1


def test_correction_needs_a_note_and_a_change(client_for, staff_xj, issued):
    client = client_for(staff_xj)
    response = client.post(url("report_correct", issued.pk), content_of(issued, title="改"))
    assert response.context["form"].errors["note"] == ["This field is required."]
    response = client.post(url("report_correct", issued.pk), content_of(issued, note="无改动"))
    assert response.context["form"].non_field_errors() == [
        "The correction changes nothing in the report."
    ]
    assert issued.revisions.count() == 1


def test_correction_of_a_draft_sends_to_the_editor(client_for, staff_xj, xj_report):
    response = client_for(staff_xj).get(url("report_correct", xj_report.pk))
    assert response["Location"] == url("report_edit", xj_report.pk)
    assert texts(response) == ["Only an issued report takes corrections; edit the draft instead."]


def test_correction_refused(client_for, staff_ks, official_user, issued):
    assert client_for(staff_ks).get(url("report_correct", issued.pk)).status_code == 404
    assert client_for(official_user).get(url("report_correct", issued.pk)).status_code == 403
    response = client_for(official_user).post(
        url("report_correct", issued.pk), content_of(issued, title="改", note="x")
    )
    assert response.status_code == 403
    assert issued.revisions.count() == 1


# --- revisions and differences ----------------------------------------------------------------


def test_revisions_list(client_for, staff_xj, issued):
    report_correct(issued, by=staff_xj, title="已签发报告（更正）", note="标题更正")
    response = client_for(staff_xj).get(url("report_revisions", issued.pk))
    rows = [(r.number, r.author, r.note, r.is_correction) for r in response.context["page"]]
    assert rows == [(2, staff_xj, "标题更正", True), (1, None, "Created", False)]
    html = response.content.decode()
    assert "Correction (更正)" in html
    assert f"{url('report_diff', issued.pk)}?b=2" in html


@pytest.mark.parametrize("n", [1, 3])
def test_revisions_list_query_count(n, client_for, staff_tc, tc_report, django_assert_num_queries):
    for i in range(n):
        report_save(tc_report, by=staff_tc, title=f"标题{i}", note=f"第{i}次")
    client = client_for(staff_tc)
    with django_assert_num_queries(7):
        response = client.get(url("report_revisions", tc_report.pk))
    assert len(response.context["page"]) == n + 1


def test_revisions_refused(client_for, staff_tc, official_user, xj_report, issued):
    assert client_for(staff_tc).get(url("report_revisions", xj_report.pk)).status_code == 404
    assert client_for(official_user).get(url("report_revisions", issued.pk)).status_code == 403
    assert client_for(official_user).get(url("report_diff", issued.pk)).status_code == 403
    assert client_for(staff_tc).get(url("report_diff", xj_report.pk)).status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_revisions_404_to_outsiders(client_for, request, role, issued):
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("report_revisions", issued.pk)).status_code == 404
    assert client.get(url("report_diff", issued.pk)).status_code == 404


def test_diff_latest_against_the_one_before(client_for, staff_xj, xj_report):
    report_save(xj_report, by=staff_xj, body="<b>旧</b>\n## 一、基本情况\n\n面积扩大。\n")
    report_save(
        xj_report, by=staff_xj, body="## 一、基本情况\n\n面积持续扩大。\n<script>新</script>\n"
    )
    response = client_for(staff_xj).get(url("report_diff", xj_report.pk))
    assert (response.context["a"].number, response.context["b"].number) == (2, 3)
    sections = {str(s["label"]): s for s in response.context["sections"]}
    assert sections["Body"]["changed"] is True
    assert sections["Title"]["changed"] is False
    html = response.content.decode()
    assert "面积<ins>持续</ins>扩大。" in html
    assert "<del>&lt;b&gt;旧&lt;/b&gt;</del>" in html
    assert "<ins>&lt;script&gt;新&lt;/script&gt;</ins>" in html
    assert "<script>新" not in html


def test_diff_of_chosen_revisions_covers_every_printed_field(client_for, staff_xj, xj_report, body):
    report_save(xj_report, by=staff_xj, title="新标题", authors="王建国", addressees=[body])
    report_save(xj_report, by=staff_xj, summary="新摘要")
    response = client_for(staff_xj).get(url("report_diff", xj_report.pk), {"a": 1, "b": 3})
    changed = [str(s["label"]) for s in response.context["sections"] if s["changed"]]
    assert changed == ["Title", "Summary", "Authors", "Addressed to (报送)"]
    html = response.content.decode()
    assert f"<ins>{body.name}</ins>" in html
    assert "Unchanged: Body · Issuing body · Copied to (抄送)" in html


def test_diff_with_only_one_revision(client_for, staff_xj, xj_report):
    response = client_for(staff_xj).get(url("report_diff", xj_report.pk))
    assert response.status_code == 200
    assert "This report has only one revision so far: there is nothing to compare yet." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "params", [{"a": "abc"}, {"a": "9"}, {"b": "0"}, {"b": "99999999999999999999999"}, {"a": "-1"}]
)
def test_diff_bad_revision_numbers_are_404(client_for, staff_xj, xj_report, params):
    report_save(xj_report, by=staff_xj, title="新标题")
    assert client_for(staff_xj).get(url("report_diff", xj_report.pk), params).status_code == 404


def test_line_diff_keeps_context_and_counts_the_rest():
    old = "\n".join(f"第{i}行" for i in range(1, 21))
    new = old.replace("第10行", "第十行")
    rows = line_diff(old, new)
    assert rows[0] == {"kind": "gap", "count": 6}
    assert [r.get("old") for r in rows[1:4]] == [7, 8, 9]
    assert rows[4] == {
        "kind": "delete",
        "old": 10,
        "parts": [(False, "第"), (True, "10"), (False, "行")],
    }
    assert rows[5] == {
        "kind": "insert",
        "new": 10,
        "parts": [(False, "第"), (True, "十"), (False, "行")],
    }
    assert [r.get("new") for r in rows[6:9]] == [11, 12, 13]
    assert rows[9] == {"kind": "gap", "count": 7}
    assert len(rows) == 10


def test_line_diff_of_added_and_removed_lines():
    assert line_diff("甲", "甲\n乙") == [
        {"kind": "equal", "old": 1, "new": 1, "parts": [(False, "甲")]},
        {"kind": "insert", "new": 2, "parts": [(True, "乙")]},
    ]
    assert line_diff("甲\n乙", "") == [
        {"kind": "delete", "old": 1, "parts": [(True, "甲")]},
        {"kind": "delete", "old": 2, "parts": [(True, "乙")]},
    ]


# --- downloads and tracing --------------------------------------------------------------------


def test_download_log_newest_first(client_for, staff_xj, official_user, issued):
    revision = current_revision(issued)
    first = download_record(issued, revision, user=official_user, ip_address="10.0.0.1")
    second = download_record(issued, revision, user=staff_xj)
    response = client_for(staff_xj).get(url("report_downloads", issued.pk))
    assert list(response.context["page"]) == [second, first]
    html = response.content.decode()
    assert f"<code>{first.code}</code>" in html
    assert "10.0.0.1" in html
    assert official_user.government_body.name in html
    assert "<td>r1</td>" in html


@pytest.mark.parametrize("n", [1, 3])
def test_download_log_query_count(
    n, client_for, staff_xj, official_user, issued, django_assert_num_queries
):
    revision = current_revision(issued)
    for _ in range(n):
        download_record(issued, revision, user=official_user)
    client = client_for(staff_xj)
    with django_assert_num_queries(7):
        response = client.get(url("report_downloads", issued.pk))
    assert len(response.context["page"]) == n


def test_download_log_refused(client_for, staff_tc, official_user, issued):
    assert client_for(staff_tc).get(url("report_downloads", issued.pk)).status_code == 404
    assert client_for(official_user).get(url("report_downloads", issued.pk)).status_code == 403


@pytest.mark.parametrize("role", OUTSIDERS)
def test_download_log_404_to_outsiders(client_for, request, role, issued):
    assert (
        client_for(request.getfixturevalue(role))
        .get(url("report_downloads", issued.pk))
        .status_code
        == 404
    )


def test_trace_finds_the_download(client_for, staff_xj, official_user, issued):
    download = download_record(
        issued, current_revision(issued), user=official_user, ip_address="10.1.2.3"
    )
    typed = f"{download.code[:4].lower()}-{download.code[4:]} "
    response = client_for(staff_xj).get(url("download_trace"), {"code": typed})
    assert response.context["download"] == download
    html = response.content.decode()
    for text in (
        issued.title,
        issued.issue_label,
        "r1",
        str(official_user),
        official_user.government_body.name,
        "10.1.2.3",
    ):
        assert text in html


def test_trace_outside_scope_answers_as_an_unknown_code(
    client_for, staff_tc, official_user, issued
):
    download = download_record(issued, current_revision(issued), user=official_user)
    client = client_for(staff_tc)
    for code in (download.code, "NOSUCHCODE"):
        response = client.get(url("download_trace"), {"code": code})
        assert response.context["download"] is None
        html = response.content.decode()
        assert "No download with this code in your scope." in html
        assert issued.title not in html


def test_trace_form_without_code(client_for, staff_tc):
    response = client_for(staff_tc).get(url("download_trace"))
    assert response.status_code == 200
    assert "No download with this code" not in response.content.decode()


@pytest.mark.parametrize("role", ["official_user", *OUTSIDERS])
def test_trace_refused_to_non_staff(client_for, request, role):
    assert (
        client_for(request.getfixturevalue(role))
        .get(url("download_trace"), {"code": "X"})
        .status_code
        == 403
    )


# --- the staff panel on the reading page ------------------------------------------------------


def panel(report: Report, user, can_change: bool = True) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "consult/_report_staff_panel.html",
        {
            "report": report,
            "can_change": can_change,
            "events": report.events.select_related("actor"),
        },
        request=request,
    )


def offered_moves(html: str) -> set[str]:
    return set(re.findall(r'<input type="hidden" name="to" value="([a-z_]+)">', html))


@pytest.mark.parametrize("status", list(R))
def test_panel_offers_exactly_the_allowed_moves(staff_xj, status):
    report = ReportFactory(status=status)
    assert offered_moves(panel(report, staff_xj)) == {str(to) for to in Report.TRANSITIONS[status]}


def test_panel_links_and_history(staff_xj, body, xj_report):
    xj_report.addressees.set([body])
    report_transition(xj_report, "review", by=staff_xj)
    report_transition(xj_report, "draft", by=staff_xj, reason="补充数据")
    html = panel(xj_report, staff_xj)
    for name in ("report_edit", "report_revisions", "report_downloads", "report_pdf"):
        assert f'href="{url(name, xj_report.pk)}"' in html
    assert url("report_correct", xj_report.pk) not in html
    assert "补充数据" in html
    assert "Internal review → Draft" in html
    assert "staff_xj" in html


def test_panel_of_an_issued_report_links_the_correction(staff_xj, issued):
    html = panel(issued, staff_xj)
    assert f'href="{url("report_correct", issued.pk)}"' in html
    assert url("report_edit", issued.pk) not in html
    assert issued.issue_label in html
    assert 'name="reason"' in html


def test_panel_without_change_permission_has_no_actions(staff_xj, xj_report):
    html = panel(xj_report, staff_xj, can_change=False)
    assert offered_moves(html) == set()
    assert url("report_edit", xj_report.pk) not in html


def test_reading_page_includes_the_panel_for_staff(client_for, staff_xj, xj_report):
    html = client_for(staff_xj).get(url("report_detail", xj_report.pk)).content.decode()
    assert f'href="{url("report_edit", xj_report.pk)}"' in html
    assert f'action="{url("report_transition", xj_report.pk)}"' in html


def test_event_rows_are_written_by_the_views(client_for, staff_xj, xj_report):
    client_for(staff_xj).post(url("report_transition", xj_report.pk), {"to": "review"})
    assert ReportEvent.objects.filter(report=xj_report, to_status=R.REVIEW, actor=staff_xj).exists()
    assert ReportRevision.objects.filter(report=xj_report).count() == 1
