"""Recording feedback on issued reports: leaders' instructions (批示) and adoptions (采纳),
by officials online and by staff from paper, who is told, and the scanned page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from consult.models import Adoption, Instruction
from consult.services.feedback import instruction_record
from consult.services.reports import report_transition
from tests.factories import (
    GovernmentBodyFactory,
    ReadyProblemFactory,
    ReportFactory,
    TopicFactory,
    UserFactory,
    issued_report,
    pdf_bytes,
    png_bytes,
    region,
)

TODAY = timezone.localdate


@pytest.fixture
def topic(expert_user, ent_a):
    topic = TopicFactory(lead_expert=expert_user.expert, title="南疆节水灌溉装备课题")
    topic.problems.add(ReadyProblemFactory(enterprise=ent_a))
    return topic


@pytest.fixture
def report(staff_xj, body_a, body_b, topic):
    """Addressed to A, copied to B, of the topic that took up ent_a's problem."""
    return issued_report(by=staff_xj, addressees=[body_a], copies=[body_b], topic=topic)


def instruction_url(report) -> str:
    return reverse("consult:instruction_create", args=[report.pk])


def adoption_url(report) -> str:
    return reverse("consult:adoption_create", args=[report.pk])


def instruction_data(**overrides) -> dict:
    return {
        "leader_name": "李副主席",
        "level": "provincial",
        "date": TODAY().isoformat(),
        "text": "请自治区工信厅研究落实。",
        **overrides,
    }


# --- by an official ---------------------------------------------------------------------------


def test_official_records_an_instruction_with_a_scan(client_for, official_user, body_a, report):
    scan = SimpleUploadedFile("批示.png", png_bytes())
    response = client_for(official_user).post(
        instruction_url(report), instruction_data(scan=scan), follow=True
    )
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    instruction = Instruction.objects.get()
    assert (
        instruction.report,
        instruction.body,
        instruction.recorded_by,
        instruction.leader_name,
        instruction.level,
        instruction.date,
        instruction.text,
    ) == (
        report,
        body_a,
        official_user,
        "李副主席",
        "provincial",
        TODAY(),
        "请自治区工信厅研究落实。",
    )
    assert instruction.scan.name.endswith(".png")
    page = response.content.decode()
    assert "Feedback recorded; the research team has been told." in page
    assert "请自治区工信厅研究落实。" in page
    assert reverse("consult:instruction_scan", args=[instruction.pk]) in page


def test_official_form_has_no_body_choice_and_staff_form_has_the_named_bodies(
    client_for, official_user, staff_xj, body_a, body_b, report
):
    GovernmentBodyFactory(name="无关的机关")
    official_form = client_for(official_user).get(instruction_url(report)).context["form"]
    assert "body" not in official_form.fields
    staff_page = client_for(staff_xj).get(instruction_url(report))
    assert list(staff_page.context["form"].fields["body"].queryset) == [body_a, body_b]
    assert "You are recording a paper original" in staff_page.content.decode()


def test_official_records_an_adoption(client_for, official_user, body_a, report):
    response = client_for(official_user).post(
        adoption_url(report),
        {
            "document": "自治区节水灌溉装备三年行动方案",
            "date": TODAY().isoformat(),
            "note": "第三条",
        },
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.report, adoption.body, adoption.recorded_by) == (report, body_a, official_user)
    assert (adoption.document, adoption.date, adoption.note) == (
        "自治区节水灌溉装备三年行动方案",
        TODAY(),
        "第三条",
    )


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (TODAY() + datetime.timedelta(days=1), "The date cannot be in the future."),
        (
            TODAY() - datetime.timedelta(days=1),
            f"The date cannot be before the report was issued ({TODAY().isoformat()}).",
        ),
        ("2026-02-31", "Enter a valid date."),
    ],
)
def test_bad_dates_are_refused(client_for, official_user, report, date, message):
    client = client_for(official_user)
    value = date if isinstance(date, str) else date.isoformat()
    response = client.post(instruction_url(report), instruction_data(date=value))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [message]
    response = client.post(adoption_url(report), {"document": "方案", "date": value})
    assert response.context["form"].errors["date"] == [message]
    assert Instruction.objects.count() == Adoption.objects.count() == 0


def test_required_fields_and_bad_level(client_for, official_user, report):
    response = client_for(official_user).post(
        instruction_url(report), {"level": "emperor", "date": TODAY().isoformat()}
    )
    errors = response.context["form"].errors
    assert errors["leader_name"] == ["This field is required."]
    assert errors["text"] == ["This field is required."]
    assert errors["level"] == [
        "Select a valid choice. emperor is not one of the available choices."
    ]
    assert Instruction.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("批示.docx", b"PK\x03\x04zipzipzip", "The scan must be a PDF, PNG or JPEG file."),
        (
            "批示.png",
            b"not an image at all",
            "“批示.png” is not really a .png file (its content does not match its name).",
        ),
        (
            "批示.exe",
            b"MZ",
            "“批示.exe”: only these file types are accepted: .doc .docx .jpeg .jpg .pdf .png "
            ".ppt .pptx .xls .xlsx.",
        ),
    ],
)
def test_bad_scans_are_refused(client_for, official_user, report, name, content, message):
    response = client_for(official_user).post(
        instruction_url(report), instruction_data(scan=SimpleUploadedFile(name, content))
    )
    assert response.context["form"].errors["scan"] == [message]
    assert Instruction.objects.count() == 0


def test_official_of_another_body_gets_404_on_a_restricted_report(
    client_for, staff_xj, body_a, report
):
    stranger = UserFactory(
        role=User.Role.OFFICIAL, government_body=GovernmentBodyFactory(name="哈密市人民政府")
    )
    client = client_for(stranger)
    assert client.get(instruction_url(report)).status_code == 404
    assert client.post(instruction_url(report), instruction_data()).status_code == 404
    assert client.post(adoption_url(report), {"document": "x"}).status_code == 404
    assert Instruction.objects.count() == Adoption.objects.count() == 0


def test_official_of_a_copied_body_may_record(client_for, body_b, report):
    copied = UserFactory(role=User.Role.OFFICIAL, government_body=body_b)
    response = client_for(copied).post(instruction_url(report), instruction_data())
    assert response.status_code == 302
    assert Instruction.objects.get().body == body_b


def test_draft_and_withdrawn_reports_take_no_feedback(
    client_for, official_user, staff_xj, body_a, report
):
    draft = ReportFactory(addressees=[body_a])
    assert client_for(official_user).get(instruction_url(draft)).status_code == 404
    assert client_for(staff_xj).get(instruction_url(draft)).status_code == 403
    assert client_for(staff_xj).post(adoption_url(draft), {"document": "x"}).status_code == 403
    report_transition(report, "withdrawn", by=staff_xj, reason="数据有误")
    assert client_for(official_user).post(instruction_url(report)).status_code == 404
    assert client_for(staff_xj).post(instruction_url(report)).status_code == 403
    assert Instruction.objects.count() == Adoption.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff_ks", 404), ("ent_a_user", 404), ("expert_user", 403), ("society_admin_user", 404)],
)
def test_others_may_not_record(client_for, request, report, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.get(instruction_url(report)).status_code == status
    assert client.post(adoption_url(report), {"document": "x"}).status_code == status


def test_unknown_report_is_404(client_for, official_user):
    assert client_for(official_user).get("/consult/reports/99999/adoptions/new/").status_code == 404


# --- by staff, from paper ---------------------------------------------------------------------


def test_staff_records_a_paper_instruction_for_a_named_body(client_for, staff_xj, body_b, report):
    scan = SimpleUploadedFile("批示原件.pdf", pdf_bytes())
    response = client_for(staff_xj).post(
        instruction_url(report),
        instruction_data(body=body_b.pk, leader_name="赵专员", level="bureau", scan=scan),
    )
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.body, instruction.recorded_by, instruction.leader_name) == (
        body_b,
        staff_xj,
        "赵专员",
    )
    assert instruction.scan.name.endswith(".pdf")


def test_staff_must_name_a_body_among_the_reports(client_for, staff_xj, report):
    client = client_for(staff_xj)
    missing = client.post(instruction_url(report), instruction_data())
    assert missing.context["form"].errors["body"] == ["This field is required."]
    outsider = GovernmentBodyFactory(name="无关的机关")
    wrong = client.post(
        adoption_url(report), {"document": "方案", "date": TODAY(), "body": outsider.pk}
    )
    assert wrong.context["form"].errors["body"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Instruction.objects.count() == Adoption.objects.count() == 0


def test_staff_records_a_paper_adoption(client_for, staff_tc, body_b):
    report = issued_report(by=staff_tc, addressees=[body_b], region=region("654200"))
    response = client_for(staff_tc).post(
        adoption_url(report), {"document": "塔城地区实施意见", "date": TODAY(), "body": body_b.pk}
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.report, adoption.body, adoption.recorded_by) == (report, body_b, staff_tc)


# --- who is told ------------------------------------------------------------------------------


def test_instruction_notifies_the_enterprise_the_topic_lead_and_the_issuer(
    client_for, official_user, staff_xj, expert_user, ent_a_user, ent_b_user, topic, report
):
    client_for(official_user).post(instruction_url(report), instruction_data())
    problem = topic.problems.get()
    title = f"Leader's instruction (批示) on 智库专报 {report.issue_label}"
    body = "李副主席 (Provincial/ministerial (省部级)): 请自治区工信厅研究落实。"
    told = {
        n.user: (n.title, n.body, n.url)
        for n in Notification.objects.filter(title__startswith="Leader's instruction")
    }
    assert told == {
        ent_a_user: (title, body, reverse("problems:problem_detail", args=[problem.pk])),
        expert_user: (title, body, topic.get_absolute_url()),
        staff_xj: (title, body, report.get_absolute_url()),
    }


def test_adoption_by_staff_notifies_the_enterprise_and_the_topic_lead(
    client_for, staff_xj, body_a, expert_user, ent_a_user, report
):
    client_for(staff_xj).post(
        adoption_url(report), {"document": "行动方案", "date": TODAY(), "body": body_a.pk}
    )
    told = set(
        Notification.objects.filter(title__startswith="Advice adopted").values_list(
            "user__username", "body"
        )
    )
    # The recorder (the issuer here) is not told of their own entry.
    assert told == {("ent_a", "行动方案"), ("expert", "行动方案")}


# --- the scanned page -------------------------------------------------------------------------


@pytest.fixture
def scanned(report, official_user):
    return instruction_record(
        report,
        by=official_user,
        leader_name="李副主席",
        level="provincial",
        date=TODAY(),
        text="阅。",
        scan=SimpleUploadedFile("批示.png", png_bytes()),
    )


def scan_url(instruction) -> str:
    return reverse("consult:instruction_scan", args=[instruction.pk])


@pytest.mark.parametrize("role", ["official_user", "staff_xj", "expert_user"])
def test_scan_served_to_those_who_see_the_feedback(client_for, request, scanned, role):
    response = client_for(request.getfixturevalue(role)).get(scan_url(scanned))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == png_bytes()


def test_scan_refused_to_others(client_for, scanned, body_b, staff_ks, ent_a_user):
    copied = UserFactory(role=User.Role.OFFICIAL, government_body=body_b)
    for user in (copied, staff_ks, ent_a_user):
        assert client_for(user).get(scan_url(scanned)).status_code == 404


def test_scan_404_without_a_scan(client_for, official_user, report):
    instruction = instruction_record(
        report, by=official_user, leader_name="李", level="county", date=TODAY(), text="阅。"
    )
    assert client_for(official_user).get(scan_url(instruction)).status_code == 404
