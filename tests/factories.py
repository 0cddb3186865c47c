"""Factories for the models tests build on. Reference data (regions, industries) comes from the
data migrations, so factories look it up by code rather than inventing it."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from accounts.models import GovernmentBody, Notification, Region, User
from experts.models import Assignment, Delegation, Discipline, Expert, Review, Society
from experts.search import expert_index
from problems.demo.common import pdf_file
from problems.models import Campaign, Category, Enterprise, Industry, Problem
from problems.validators import credit_code_check_char

PASSWORD = "Zhiku-test-2026"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def discipline(code: str) -> Discipline:
    return Discipline.objects.get(code=code)


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码: 91 (enterprise), 650000 (registration authority), a 9-character
    body from the sequence, then the GB 32100 check character."""
    first17 = f"91650000MA{n:07d}"
    return first17 + credit_code_check_char(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = Password(PASSWORD)
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    role = User.Role.ENTERPRISE


class GovernmentBodyFactory(DjangoModelFactory):
    class Meta:
        model = GovernmentBody

    name = factory.Sequence(lambda n: f"政府办公室{n}")
    region = factory.LazyFunction(lambda: region("650000"))


class EnterpriseFactory(DjangoModelFactory):
    """A verified enterprise in 塔城市 unless told otherwise."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    region = factory.LazyFunction(lambda: region("654201"))
    industry = factory.LazyFunction(lambda: industry("C26"))
    contact_name = "王经理"
    contact_phone = "0901-6222222"
    status = Enterprise.Status.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=Enterprise.Status.PENDING, verified_at=None)


class CampaignFactory(DjangoModelFactory):
    """A published root-level campaign that opened a week ago and closes in a month."""

    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"2026年卡脖子问题征集第{n}批")
    description = "面向全区企业征集关键核心技术问题。"
    region = factory.LazyFunction(lambda: region("650000"))
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    cap_per_unit = 3
    status = Campaign.Status.PUBLISHED


class ProblemFactory(DjangoModelFactory):
    """A draft with every field that submission requires."""

    class Meta:
        model = Problem

    enterprise = factory.SubFactory(EnterpriseFactory)
    campaign = None
    title = factory.Sequence(lambda n: f"高纯度电子化学品提纯工艺{n}")
    category = Category.MATERIAL
    industry = factory.LazyAttribute(lambda o: o.enterprise.industry)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    bottleneck = "纯度只能达到 99.9%，电子级需要 99.9999%，依赖进口。"
    expected_goal = "建成年产 500 吨电子级产品的中试线。"
    contact_name = "李工"
    contact_phone = "13900000000"
    confidentiality = Problem.Confidentiality.INTERNAL
    status = Problem.Status.DRAFT


class ExpertFactory(DjangoModelFactory):
    ref = factory.Sequence(lambda n: f"ZJ-T-{n:05d}")
    name = factory.Sequence(lambda n: f"专家{n}")
    employer = "新疆大学"
    title = "教授"
    research_directions = "精细化工\n催化材料"
    region = factory.LazyFunction(lambda: region("650100"))
    verified = True

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    @factory.post_generation
    def disciplines(self, create, extracted, **kwargs):
        if create and extracted:
            self.disciplines.set(extracted)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            expert_index(self)
            Expert.objects.filter(pk=self.pk).update(search_text=self.search_text)


class SocietyFactory(DjangoModelFactory):
    class Meta:
        model = Society
        skip_postgeneration_save = True

    ref = factory.Sequence(lambda n: f"XH-T-{n:04d}")
    name = factory.Sequence(lambda n: f"化学化工学会{n}")
    level = Society.Level.REGION
    region = factory.LazyFunction(lambda: region("650000"))

    @factory.post_generation
    def disciplines(self, create, extracted, **kwargs):
        if create and extracted:
            self.disciplines.set(extracted)

    @factory.post_generation
    def admins(self, create, extracted, **kwargs):
        if create and extracted:
            self.admins.set(extracted)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


# --- upload files ---------------------------------------------------------------------------


def pdf_bytes(text: str = "zhiku") -> bytes:
    """A small but well-formed one-page PDF (correct xref offsets)."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def png_bytes() -> bytes:
    """A valid 1×1 RGB PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xc8\x10\x2e")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# --- the assignment workflow ------------------------------------------------------------------
# Rows in a given state, for tests about what follows; tests about a transition itself go
# through the services.


class ReadyProblemFactory(ProblemFactory):
    """A problem that passed 保密审查: numbered, submitted, ready for matching."""

    number = factory.Sequence(lambda n: f"KBZ-T-{n + 1:05d}")
    status = Problem.Status.READY
    submitted_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(DjangoModelFactory):
    """An invitation, due in two weeks."""

    class Meta:
        model = Assignment

    problem = factory.SubFactory(ReadyProblemFactory)
    expert = factory.SubFactory(ExpertFactory)
    status = Assignment.Status.INVITED
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class ReviewFactory(DjangoModelFactory):
    """A submitted opinion (its assignment completed)."""

    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory, status=Assignment.Status.COMPLETED)
    status = Review.Status.SUBMITTED
    severity = 4
    difficulty = 3
    urgency = 5
    feasibility = 2
    route = Review.Route.JOINT
    recommend_topic = True
    opinion = "建议联合攻关。"
    submitted_at = factory.LazyFunction(timezone.now)


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = Delegation

    problem = factory.SubFactory(ReadyProblemFactory)
    society = factory.SubFactory(SocietyFactory)
    experts_wanted = 2
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"通知{n}")


# --- research topics and advisory reports ----------------------------------------------------


def series(code: str = "zkzb"):
    from consult.models import Series

    return Series.objects.get(code=code)


class TopicFactory(DjangoModelFactory):
    """A proposed topic of the 新疆 CAST (650000), led by a new expert unless told otherwise.
    Tests about a topic's transitions go through consult.services.topics."""

    class Meta:
        model = "consult.Topic"

    number = factory.Sequence(lambda n: f"ZK-2026-{n + 900:03d}")
    title = factory.Sequence(lambda n: f"南疆棉花机采配套技术研究{n}")
    summary = "梳理机采棉清理加工环节的关键装备短板，提出攻关路线。"
    region = factory.LazyFunction(lambda: region("650000"))
    lead_expert = factory.SubFactory(ExpertFactory)


class ReportFactory(DjangoModelFactory):
    """A draft report of 智库专报 by the 新疆 CAST (650000), restricted circulation.
    `addressees=[body, ...]` names the bodies it is addressed to. Use `issued_report()` for
    an issued one (through the service, so it has its number and revision)."""

    class Meta:
        model = "consult.Report"
        skip_postgeneration_save = True

    series = factory.LazyFunction(series)
    region = factory.LazyFunction(lambda: region("650000"))
    title = factory.Sequence(lambda n: f"关于加快南疆节水灌溉装备国产化的建议{n}")
    summary = "南疆节水灌溉关键部件依赖进口，建议设立专项攻关。"
    body = "## 一、基本情况\n\n南疆节水灌溉面积持续扩大。\n\n## 二、建议\n\n设立专项。\n"
    authors = "王建国 李明"
    issuing_body = "新疆维吾尔自治区科学技术协会"

    @factory.post_generation
    def addressees(self, create, extracted, **kwargs):
        if create and extracted:
            self.addressees.set(extracted)

    @factory.post_generation
    def copies(self, create, extracted, **kwargs):
        if create and extracted:
            self.copies.set(extracted)

    @factory.post_generation
    def revision(self, create, extracted, **kwargs):
        # Every report has at least its first revision, as report_create gives it.
        if create:
            from consult.services.reports import _revision_create

            _revision_create(self, by=None, note="Created")


def issued_report(*, by, addressees, copies=(), **fields):
    """A report taken through review and approval and issued by `by` (staff)."""
    from consult.services.reports import report_transition

    report = ReportFactory(addressees=addressees, copies=list(copies), **fields)
    for to in ("review", "approved", "issued"):
        report = report_transition(report, to, by=by)
    return report
