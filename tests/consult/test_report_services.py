"""Report services: revisions at every save, the one transition path, gap-free issue
numbers (also under concurrency on PostgreSQL), frozen issued content and corrections,
figures, download codes and 批示/采纳 feedback."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from accounts.models import Notification
from consult.models import Download, Report, ReportEvent
from consult.rules import reports_visible_to
from consult.services.feedback import (
    CODE_ALPHABET,
    adoption_record,
    download_record,
    download_trace,
    instruction_record,
)
from consult.services.reports import (
    current_revision,
    report_correct,
    report_create,
    report_image_add,
    report_save,
    report_transition,
)
from consult.services.topics import topic_create
from problems.services import DomainError
from tests.concurrency import in_threads
from tests.factories import (
    ExpertFactory,
    GovernmentBodyFactory,
    ProblemFactory,
    ReportFactory,
    UserFactory,
    issued_report,
    png_bytes,
    region,
    series,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(official_user):
    return official_user.government_body


def test_report_create_keeps_a_first_revision_and_event(staff_xj, body):
    report = report_create(
        series=series(),
        region=region("650000"),
        title=" 关于南疆节水的建议 ",
        body="## 一、情况\n\n正文。",
        addressees=[body],
        by=staff_xj,
    )
    assert (report.status, report.title, report.issuing_body) == (
        "draft",
        "关于南疆节水的建议",
        "新疆维吾尔自治区科学技术协会",
    )
    revision = current_revision(report)
    assert (revision.number, revision.author, revision.addressees) == (1, staff_xj, body.name)
    assert list(report.events.values_list("from_status", "to_status", "actor")) == [
        ("", "draft", staff_xj.pk)
    ]


def test_report_save_keeps_a_revision_only_when_the_content_changes(staff_xj, body):
    report = ReportFactory(addressees=[body])
    assert report_save(report, by=staff_xj, title=report.title) is None
    other = GovernmentBodyFactory(name="自治区发展和改革委员会")
    revision = report_save(report, by=staff_xj, note="加抄送", copies=[other], summary="新提要")
    assert (revision.number, revision.note, revision.copies, revision.summary) == (
        2,
        "加抄送",
        "自治区发展和改革委员会",
        "新提要",
    )
    assert report.revisions.count() == 2


def test_report_transition_walks_the_table_and_records_events(staff_xj, body):
    report = ReportFactory(addressees=[body])
    report = report_transition(report, "review", by=staff_xj)
    report = report_transition(report, "draft", by=staff_xj, reason="补充数据")
    report = report_transition(report, "review", by=staff_xj)
    report = report_transition(report, "approved", by=staff_xj)
    report = report_transition(report, "issued", by=staff_xj)
    assert (report.status, report.year, report.number, report.issued_by) == (
        "issued",
        timezone.localdate().year,
        1,
        staff_xj,
    )
    assert report.issued_on == timezone.localdate()
    assert list(
        ReportEvent.objects.filter(report=report).values_list("from_status", "to_status", "reason")
    ) == [
        ("draft", "review", ""),
        ("review", "draft", "补充数据"),
        ("draft", "review", ""),
        ("review", "approved", ""),
        ("approved", "issued", ""),
    ]


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        ((), "issued", "A report that is “Draft” cannot be moved to “Issued (签发)”."),
        ((), "approved", "A report that is “Draft” cannot be moved to “Approved”."),
        (("review",), "withdrawn", "Please give a reason for withdrawing the report."),
        (("review",), "draft", "Please say what has to change before the report goes on."),
    ],
)
def test_report_transition_refuses_illegal_moves(staff_xj, body, path, to, message):
    report = ReportFactory(addressees=[body])
    for step in path:
        report = report_transition(report, step, by=staff_xj)
    with pytest.raises(DomainError) as error:
        report_transition(report, to, by=staff_xj)
    assert str(error.value) == message
    report.refresh_from_db()
    assert report.number is None


def test_issuing_needs_addressees_and_gives_no_number_away(staff_xj, body):
    first = issued_report(by=staff_xj, addressees=[body])
    unaddressed = ReportFactory()
    report_transition(unaddressed, "review", by=staff_xj)
    report_transition(unaddressed, "approved", by=staff_xj)
    with pytest.raises(DomainError, match="Name at least one body"):
        report_transition(unaddressed, "issued", by=staff_xj)
    second = issued_report(by=staff_xj, addressees=[body])
    other_series = issued_report(by=staff_xj, addressees=[body], series=series("jcck"))
    assert (first.number, second.number, other_series.number) == (1, 2, 1)
    with translation.override("zh-hans"):
        assert second.issue_label == f"{second.year}年第2期"
    with translation.override("en"):
        assert second.issue_label == f"No. 2, {second.year}"


def test_an_issued_report_is_frozen_and_takes_corrections(staff_xj, body, official_user):
    report = issued_report(by=staff_xj, addressees=[body])
    with pytest.raises(DomainError, match="An issued report is frozen"):
        report_save(report, by=staff_xj, title="改标题")
    download_record(report, current_revision(report), user=official_user)
    with pytest.raises(DomainError, match="Please say what the correction changes"):
        report_correct(report, by=staff_xj, note=" ", body="改正文")
    with pytest.raises(DomainError, match="The correction changes nothing"):
        report_correct(report, by=staff_xj, note="无", body=report.body)
    revision = report_correct(report, by=staff_xj, note="更正表1数据", body=report.body + "补。")
    report.refresh_from_db()
    assert (revision.number, revision.is_correction, report.number, report.status) == (
        2,
        True,
        1,
        "issued",
    )
    event = report.events.last()
    assert (event.from_status, event.to_status) == ("issued", "issued")
    assert event.reason == "Correction (更正), revision 2: 更正表1数据"
    notice = Notification.objects.get(user=official_user, title__startswith="Correction")
    assert notice.body == "更正表1数据"


def test_corrections_only_for_issued_reports(staff_xj, body):
    report = ReportFactory(addressees=[body])
    with pytest.raises(DomainError, match="Only an issued report takes corrections"):
        report_correct(report, by=staff_xj, note="x", body="y")


def test_issuing_notifies_the_officials_of_named_bodies(staff_xj, body, official_user):
    copied = UserFactory(
        role="official", government_body=GovernmentBodyFactory(name="塔城地区行政公署办公室")
    )
    bystander = UserFactory(role="official", government_body=GovernmentBodyFactory())
    report = issued_report(by=staff_xj, addressees=[body], copies=[copied.government_body])
    titles = set(Notification.objects.values_list("user__username", "title"))
    label = f"New report: 智库专报 No. 1, {report.year}"
    assert titles == {(official_user.username, label), (copied.username, label)}
    assert not Notification.objects.filter(user=bystander).exists()


def test_report_image_add_checks_the_content(staff_xj):
    report = ReportFactory()
    image = report_image_add(
        report, SimpleUploadedFile("图1.png", png_bytes(), "image/png"), by=staff_xj
    )
    assert (image.original_name, image.content_type, image.reference) == (
        "图1.png",
        "image/png",
        f"image:{image.pk}",
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"not really a \.png file"):
        report_image_add(report, SimpleUploadedFile("x.png", b"GIF89a...."), by=staff_xj)
    with pytest.raises(ValidationError, match="figures may be PNG or JPEG"):
        report_image_add(report, SimpleUploadedFile("x.svg", b"<svg/>"), by=staff_xj)


def test_download_codes_are_unique_and_traceable(staff_xj, body, official_user):
    report = issued_report(by=staff_xj, addressees=[body])
    revision = current_revision(report)
    codes = {download_record(report, revision, user=official_user).code for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) == 10 and set(code) <= set(CODE_ALPHABET) for code in codes)
    code = sorted(codes)[0]
    found = download_trace(f" {code[:5].lower()}-{code[5:]} ")
    assert (found.code, found.user, found.body, found.revision) == (
        code,
        official_user,
        body,
        revision,
    )
    assert download_trace("NOPE") is None
    assert Download.objects.filter(report=report).count() == 50


def test_feedback_is_recorded_and_announced(staff_xj, body, official_user, ent_a_user, ent_a):
    problem = ProblemFactory(enterprise=ent_a, status="accepted")
    topic = topic_create(
        title="节水课题",
        region=region("650000"),
        problems=[problem],
        lead_expert=ExpertFactory(),
        by=staff_xj,
    )
    lead = topic.lead_expert
    report = issued_report(by=staff_xj, addressees=[body], topic=topic)
    Notification.objects.all().delete()
    instruction = instruction_record(
        report,
        by=official_user,
        leader_name="王副主席",
        level="provincial",
        date=timezone.localdate(),
        text="请发改委研究落实。",
    )
    assert (instruction.body, instruction.recorded_by, instruction.level) == (
        body,
        official_user,
        "provincial",
    )
    adoption = adoption_record(
        report, by=staff_xj, document="《节水行动方案》", date=timezone.localdate(), body=body
    )
    assert adoption.body == body
    notices = sorted(Notification.objects.values_list("user__username", "title", "url"))
    instruction_title = f"Leader's instruction (批示) on 智库专报 No. 1, {report.year}"
    adoption_title = f"Advice adopted (采纳): 智库专报 No. 1, {report.year}"
    problem_url = f"/problems/{problem.pk}/"
    expected = [
        (ent_a_user.username, adoption_title, problem_url),
        (ent_a_user.username, instruction_title, problem_url),
        (staff_xj.username, instruction_title, report.get_absolute_url()),
    ]
    assert lead.user_id is None  # the factory's expert has no account: nobody else to tell
    assert notices == sorted(expected)


def test_feedback_needs_an_issued_report_and_a_sensible_date(staff_xj, body):
    draft = ReportFactory(addressees=[body])
    with pytest.raises(DomainError, match="only on an issued report"):
        adoption_record(draft, by=staff_xj, document="x", date=date.today())
    report = issued_report(by=staff_xj, addressees=[body])
    with pytest.raises(DomainError, match="cannot be before the report was issued"):
        instruction_record(
            report,
            by=staff_xj,
            leader_name="李",
            level="bureau",
            date=report.issued_on - timedelta(days=1),
            text="阅",
        )


def test_officials_see_issued_reports_of_their_body_and_public_ones(staff_xj, body, official_user):
    other = GovernmentBodyFactory(name="喀什地区行政公署办公室")
    mine = issued_report(by=staff_xj, addressees=[body])
    copied = issued_report(by=staff_xj, addressees=[other], copies=[body])
    public = issued_report(by=staff_xj, addressees=[other], circulation="public")
    issued_report(by=staff_xj, addressees=[other])
    ReportFactory(addressees=[body])
    withdrawn = issued_report(by=staff_xj, addressees=[body])
    report_transition(withdrawn, "withdrawn", by=staff_xj, reason="数据有误")
    assert set(reports_visible_to(official_user)) == {mine, copied, public}


def test_staff_see_reports_of_their_scope(staff_xj, staff_tc, body):
    tacheng = ReportFactory(region=region("654200"))
    ReportFactory(region=region("653100"))
    assert list(reports_visible_to(staff_tc)) == [tacheng]
    assert reports_visible_to(staff_xj).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_issuing_at_once_get_distinct_gap_free_numbers(staff_xj, staff_tc):
    body = GovernmentBodyFactory()
    reports = []
    for _ in range(4):
        report = ReportFactory(addressees=[body])
        report_transition(report, "review", by=staff_xj)
        reports.append(report_transition(report, "approved", by=staff_xj))
    # Four reports issued at once, and the first one a second time by another staff member.
    calls = [lambda r=r: report_transition(r, "issued", by=staff_xj) for r in reports]
    calls.append(lambda: report_transition(reports[0], "issued", by=staff_tc))

    outcomes = in_threads(calls)

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert [str(o) for o in refused] == [
        "A report that is “Issued (签发)” cannot be moved to “Issued (签发)”."
    ]
    numbers = sorted(Report.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert ReportEvent.objects.filter(to_status="issued").count() == 4
