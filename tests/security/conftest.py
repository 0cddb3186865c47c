"""One shared "world" for the security tests: real objects built through the factories and the
services, one user per column of docs/access-policy.md.

The world is built once per module inside an outer transaction (rolled back at the end of the
module); every test runs in a savepoint inside it (pytest-django's `db`), so a POST that
changes or deletes something is undone before the next test. Uploaded files live in one
directory for the module (the per-test MEDIA_ROOT of tests/conftest.py would hide them)."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone, translation

from accounts.models import ImportJob, User
from consult.models import Milestone, TopicMember
from consult.pdf.cache import revision_pdf
from consult.services.feedback import instruction_record
from consult.services.reports import current_revision, report_image_add
from consult.services.topics import topic_create, topic_document_add
from experts.models import Expert, ProfileChange, ProposalItem, ReviewAttachment
from experts.services.assignments import assignment_accept, assignment_invite, problem_brief_save
from experts.services.delegations import delegation_create
from experts.services.personal import deletion_request_create
from experts.services.pool import conflict_add
from experts.services.proposals import proposal_create
from experts.services.reviews import review_attachment_add, review_save
from problems.models import Attachment, Campaign, Problem
from tests.conftest import FAST_PASSWORD_HASHERS, apply_test_settings, english_client
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    ExpertFactory,
    GovernmentBodyFactory,
    NotificationFactory,
    ReadyProblemFactory,
    ReportFactory,
    ReviewFactory,
    SocietyFactory,
    UserFactory,
    issued_report,
    pdf_bytes,
    png_bytes,
    region,
)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _expert_user(username: str, name: str) -> tuple[User, Expert]:
    user = UserFactory(username=username, display_name=name, role=User.Role.EXPERT)
    expert = ExpertFactory(user=user, name=name, region=region("654200"))
    return user, expert


def build_world() -> World:
    w = World()
    o = w.objects
    staff_tc = UserFactory(username="staff_tc", role=User.Role.STAFF, region=region("654200"))
    staff_ks = UserFactory(username="staff_ks", role=User.Role.STAFF, region=region("653100"))
    staff_xj = UserFactory(username="staff_xj", role=User.Role.STAFF, region=region("650000"))
    admin = UserFactory(username="admin", role=User.Role.ADMIN, is_superuser=True, is_staff=True)

    # Enterprise A (塔城市, inside 塔城地区 654200) owns the problem; B is in 喀什市 (653100).
    ent_a = EnterpriseFactory(name="塔城甲化工有限公司", region=region("654201"))
    ent_b = EnterpriseFactory(name="喀什乙材料有限公司", region=region("653101"))
    ent_own = UserFactory(username="ent_a", enterprise=ent_a)
    ent_other = UserFactory(username="ent_b", enterprise=ent_b)
    problem = ReadyProblemFactory(enterprise=ent_a, title="高纯石英砂提纯")
    problem_b = ReadyProblemFactory(enterprise=ent_b, title="喀什乙公司的问题")
    draft = ReadyProblemFactory(
        enterprise=ent_a, title="甲公司的草稿", status=Problem.Status.DRAFT, number=None
    )
    attachment = Attachment(problem=problem, original_name="工艺.png", content_type="image/png")
    attachment.file.save("工艺.png", ContentFile(png_bytes()), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    unreleased = Attachment(problem=problem, original_name="财务.png", content_type="image/png")
    unreleased.file.save("财务.png", ContentFile(png_bytes()), save=False)
    unreleased.size = unreleased.file.size
    unreleased.save()
    campaign = CampaignFactory(region=region("654200"), status=Campaign.Status.PUBLISHED)

    exp_assigned_user, expert = _expert_user("exp_assigned", "张教授")
    expert.mobile, expert.email = "13899912345", "zhangjs@xju.edu.cn"
    expert.save(update_fields=["mobile", "email"])
    exp_other_user, other_expert = _expert_user("exp_other", "王研究员")
    third_expert = ExpertFactory(name="李工程师", region=region("654200"))

    soc_deleg = UserFactory(username="soc_deleg", role=User.Role.SOCIETY_ADMIN)
    soc_other = UserFactory(username="soc_other", role=User.Role.SOCIETY_ADMIN)
    society = SocietyFactory(
        name="塔城化学化工学会", region=region("654200"), admins=[soc_deleg], members=[expert]
    )
    other_society = SocietyFactory(
        name="喀什材料学会", region=region("653100"), admins=[soc_other], members=[other_expert]
    )

    body_x = GovernmentBodyFactory(name="塔城地区行政公署办公室", region=region("654200"))
    body_y = GovernmentBodyFactory(name="喀什地区行政公署办公室", region=region("653100"))
    off_body = UserFactory(username="off_body", role=User.Role.OFFICIAL, government_body=body_x)
    off_other = UserFactory(username="off_other", role=User.Role.OFFICIAL, government_body=body_y)

    # The workflow on A's problem: a brief releasing the attachment, the expert's accepted
    # invitation with a draft opinion and its attachment, another expert's submitted
    # opinion (released to the enterprise), a delegation to the society.
    problem_brief_save(
        problem,
        by=staff_tc,
        title="石英砂提纯",
        summary="提纯工艺。",
        released_attachment_ids=[attachment.pk],
    )
    assignment = assignment_invite(
        problem=problem, expert=expert, by=staff_tc, due_date=in_days(14)
    )
    assignment = assignment_accept(assignment, by=exp_assigned_user, no_conflict=True)
    review_save(assignment, by=exp_assigned_user, data={"opinion": "草稿意见"}, submit=False)
    review_attachment = review_attachment_add(
        assignment,
        SimpleUploadedFile("意见.pdf", pdf_bytes(), content_type="application/pdf"),
        by=exp_assigned_user,
    )
    released_review = ReviewFactory(
        assignment__problem=problem,
        assignment__expert=third_expert,
        released_at=timezone.now(),
        released_by=staff_tc,
    )
    released_attachment = ReviewAttachment(
        review=released_review, original_name="附件.png", content_type="image/png", size=1
    )
    released_attachment.file.save("附件.png", ContentFile(png_bytes()), save=False)
    released_attachment.save()
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=2, due_date=in_days(21), by=staff_tc
    )

    # The expert's own records: a pending name change, a declared conflict.
    profile_change = ProfileChange.objects.create(
        expert=expert,
        field="employer",
        old_value=expert.employer,
        new_value="塔城职业技术学院",
        requested_by=exp_assigned_user,
    )
    conflict = conflict_add(expert, by=exp_assigned_user, organisation="某某公司", kind="employer")

    proposal = proposal_create(
        label="塔城第一批", problems=[problem], k=2, due_date=in_days(14), by=staff_tc
    )
    proposal_item = ProposalItem.objects.create(
        proposal=proposal, problem=problem, expert=other_expert, score=0.5
    )

    # A topic of 塔城地区 led by the assigned expert, taking up A's problem.
    topic = topic_create(
        title="塔城石英砂产业链研究",
        region=region("654200"),
        by=staff_tc,
        problems=[problem],
        lead_expert=expert,
    )
    member = TopicMember.objects.create(topic=topic, expert=third_expert, added_by=staff_tc)
    milestone = Milestone.objects.create(topic=topic, title="调研", due_date=in_days(30))
    document = topic_document_add(
        topic,
        SimpleUploadedFile("申报书.pdf", pdf_bytes(), content_type="application/pdf"),
        kind="proposal",
        by=staff_tc,
    )

    # A report of 塔城地区 on the topic, issued to body X; a leader's instruction with a scan.
    report = issued_report(
        by=staff_tc,
        addressees=[body_x],
        region=region("654200"),
        topic=topic,
        title="关于塔城石英砂产业链的建议",
    )
    # Rendered once here: a download in a test only stamps the stored PDF.
    revision_pdf(current_revision(report))
    image = report_image_add(
        report, SimpleUploadedFile("图1.png", png_bytes(), content_type="image/png"), by=staff_tc
    )
    instruction = instruction_record(
        report,
        by=off_body,
        leader_name="王书记",
        level="bureau",
        date=timezone.localdate(),
        text="请抓紧落实。",
        scan=SimpleUploadedFile("批示.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    # Two more reports: one of 喀什地区 issued to body Y, one draft of 塔城地区.
    report_y = issued_report(by=staff_ks, addressees=[body_y], region=region("653100"))
    draft_report = ReportFactory(addressees=[body_x], region=region("654200"), topic=topic)
    import_job = ImportJob.objects.create(
        kind=ImportJob.Kind.EXPERTS, original_name="专家.xlsx", created_by=staff_tc
    )
    deletion_request = deletion_request_create(
        expert, by=exp_assigned_user, reason="不再参与评审。"
    )
    notification = NotificationFactory(user=ent_own, title="您的问题已受理", url="/")

    w.users = {
        "anon": None,
        "ent_own": ent_own,
        "ent_other": ent_other,
        "exp_assigned": exp_assigned_user,
        "exp_other": exp_other_user,
        "soc_deleg": soc_deleg,
        "soc_other": soc_other,
        "staff_region": staff_tc,
        "staff_other": staff_ks,
        "staff_root": staff_xj,
        "off_body": off_body,
        "off_other": off_other,
        "admin": admin,
    }
    o.update(
        ent_a=ent_a,
        ent_b=ent_b,
        problem=problem,
        problem_b=problem_b,
        draft=draft,
        attachment=attachment,
        unreleased=unreleased,
        released_attachment=released_attachment,
        report_y=report_y,
        draft_report=draft_report,
        campaign=campaign,
        expert=expert,
        other_expert=other_expert,
        third_expert=third_expert,
        society=society,
        other_society=other_society,
        body_x=body_x,
        body_y=body_y,
        assignment=assignment,
        review=assignment.review,
        review_attachment=review_attachment,
        released_review=released_review,
        delegation=delegation,
        profile_change=profile_change,
        conflict=conflict,
        proposal=proposal,
        proposal_item=proposal_item,
        topic=topic,
        member=member,
        milestone=milestone,
        document=document,
        report=report,
        image=image,
        instruction=instruction,
        import_job=import_job,
        notification=notification,
        deletion_request=deletion_request,
    )
    # One logged-in session per role, made once: a test only sets the cookie.
    for role, user in w.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            w.sessions[role] = client.cookies["sessionid"].value
    return w


@pytest.fixture(autouse=True)
def _test_settings(request):
    """Replaces tests/conftest.py's. A test of the shared world runs with the settings that
    `world` overrides once for the module (its uploads stay readable, and a test costs no new
    directories); any other test in this package gets every test's settings
    (tests/conftest.py's apply_test_settings). Cached fragments are keyed by user id: every
    test starts with none."""
    if "world" in request.fixturenames:
        cache.clear()
        return
    apply_test_settings(request.getfixturevalue("settings"), request.getfixturevalue("tmp_path"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("security")
    (root / "static").mkdir()
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=root / "media",
            STATIC_ROOT=root / "static",
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
        ),
        translation.override("en"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client_as(world, db):
    """client_as(role) -> a Client for that column of the table (English UI)."""

    def make(role: str) -> Client:
        client = english_client()
        if role != "anon":
            client.cookies["sessionid"] = world.sessions[role]
        return client

    return make
