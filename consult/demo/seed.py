"""Creates the consult demo (see consult/demo/__init__.py) through the real services, then moves
every row it made back to the day its step happened: the steps of all topics and reports run
in date order, so topic numbers and issue numbers follow the dates without gaps."""

import random
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

import rules
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Case, DateTimeField, F, Max, Q, Value, When
from django.utils import timezone

from accounts.models import GovernmentBody, Notification, Region, User
from consult.models import (
    Adoption,
    Download,
    Instruction,
    Milestone,
    Report,
    ReportEvent,
    ReportRevision,
    Series,
    Topic,
    TopicDocument,
    TopicEvent,
    TopicMember,
    TopicUpdate,
)
from consult.services.feedback import adoption_record, download_record, instruction_record
from consult.services.reports import (
    current_revision,
    report_correct,
    report_create,
    report_save,
    report_transition,
)
from consult.services.topics import (
    PROBLEM_STATES,
    milestone_save,
    topic_create,
    topic_document_add,
    topic_member_add,
    topic_progress_update,
    topic_transition,
)
from experts.models import Discipline, Expert, Society
from problems.demo.common import expert_account, pdf_file, staff_for
from problems.demo.data import REF_PREFIX, SEED
from problems.models import Problem

from . import data
from .data import REPORT_PLANS, SHORT_REPORTS, TOPICS, ReportPlan, ReportText, TopicSpec

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
HEADER_KEYS = ("series", "title", "authors", "summary", "circulation", "addressees", "copies")
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")
R = Report.Status
T = Topic.Status
# Provinces and cities with a 对口援疆 partnership (by the first two digits of their code).
PARTNERS = {"11", "12", "13", "14", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
PARTNERS |= {"41", "42", "43", "44"}
# Rows whose time stamp is moved back to the moment of the step that created them.
STAMPED = (
    (Topic, "created_at"),
    (TopicEvent, "created_at"),
    (TopicMember, "added_at"),
    (TopicDocument, "uploaded_at"),
    (TopicUpdate, "created_at"),
    (Report, "created_at"),
    (ReportEvent, "created_at"),
    (ReportRevision, "created_at"),
    (Download, "created_at"),
    (Instruction, "recorded_at"),
    (Adoption, "recorded_at"),
    (Notification, "created_at"),
)


class ReportFileError(Exception):
    """A report file the demo cannot load; the message names the file and the problem."""


# --- report files --------------------------------------------------------------------------


def read_report(path: Path) -> ReportText:
    """Parse `key: value` header lines, a `---` line, then the Markdown body."""
    lines = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    if "---" not in (line.strip() for line in lines):
        raise ReportFileError(f"{path.name}: no “---” line between the header and the body.")
    end = next(index for index, line in enumerate(lines) if line.strip() == "---")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[:end], start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or key not in HEADER_KEYS:
            raise ReportFileError(
                f"{path.name}, line {number}: expected “key: value” with a key among "
                f"{', '.join(HEADER_KEYS)}."
            )
        if key in fields:
            raise ReportFileError(f"{path.name}, line {number}: “{key}” given twice.")
        fields[key] = value.strip()
    missing = [key for key in HEADER_KEYS if key not in fields]
    if missing:
        raise ReportFileError(f"{path.name}: header lacks {', '.join(missing)}.")
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    text = ReportText(
        slug=path.stem,
        series=fields["series"],
        title=fields["title"],
        authors=fields["authors"],
        summary=fields["summary"],
        circulation=fields["circulation"],
        addressees=_names(fields["addressees"]),
        copies=_names(fields["copies"]),
        body=body,
    )
    _check(text, path.name)
    return text


def _names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in re.split(r"[；;]", value) if name.strip())


def _check(text: ReportText, where: str) -> None:
    if text.circulation not in Report.Circulation.values:
        raise ReportFileError(
            f"{where}: circulation “{text.circulation}” is not one of "
            f"{', '.join(Report.Circulation.values)}."
        )
    limits = {"title": 150, "authors": 200}
    for name, limit in limits.items():
        if not getattr(text, name) or len(getattr(text, name)) > limit:
            raise ReportFileError(f"{where}: the {name} must have 1 to {limit} characters.")
    if not text.addressees:
        raise ReportFileError(f"{where}: name at least one body in addressees.")
    if not text.body.strip():
        raise ReportFileError(f"{where}: the body is empty.")


def read_reports(directory: Path) -> list[ReportText]:
    return [read_report(path) for path in sorted(directory.glob("*.md"))]


def first_draft(body: str) -> tuple[str, str]:
    """The body without its last top-level section (footnote definitions kept), and that
    section's heading: the first revision, to which the authors add the rest later."""
    lines = body.rstrip("\n").split("\n")
    notes = [line for line in lines if FOOTNOTE.match(line)]
    text = [line for line in lines if not FOOTNOTE.match(line)]
    starts = [index for index, line in enumerate(text) if line.startswith("## ")]
    if len(starts) < 2:
        return body, ""
    kept = "\n".join(text[: starts[-1]]).rstrip()
    heading = text[starts[-1]].removeprefix("## ").strip()
    return (kept + "\n\n" + "\n".join(notes)).rstrip() + "\n", heading


# --- small helpers -------------------------------------------------------------------------


def pdf_document(lines: list[str]) -> bytes:
    """A one-page A4 PDF of `lines` in STSong-Light, one of the CJK faces every PDF reader
    supplies itself (nothing embedded), with correct xref offsets."""

    def show(text: str) -> str:
        return f"<{text.encode('utf-16-be').hex().upper()}> Tj T*"

    head, *rest = lines
    stream = " ".join(
        ["BT /F1 20 Tf 72 760 Td 30 TL", show(head), "/F1 12 Tf 20 TL", *map(show, rest), "ET"]
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R "
        b"/DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    return pdf_file(objects)


class Calendar:
    """The demo's dates are "MM-DD" of the current year (or "+1:MM-DD" of the next). Past ones
    run up to 20 November; earlier in the year they are squeezed into the days already gone,
    in the same order, so issue numbers always carry the current year."""

    LAST = (11, 20)

    def __init__(self, today: date):
        self.today = today
        self.start = date(today.year, 1, 1)
        self.last = date(today.year, *self.LAST)

    def canonical(self, text: str) -> date:
        years, _, month_day = text.rpartition(":")
        month, day = map(int, month_day.split("-"))
        return date(self.today.year + int(years or 0), month, day)

    def real(self, canonical: date) -> date:
        squeeze_to = self.today - timedelta(days=2)
        if canonical > self.last or squeeze_to >= self.last:
            return canonical
        share = (canonical - self.start).days / (self.last - self.start).days
        return self.start + timedelta(days=round(share * max(0, (squeeze_to - self.start).days)))

    def __call__(self, text: str) -> date:
        return self.real(self.canonical(text))


class Step(NamedTuple):
    day: date  # canonical
    first: bool  # runs before the other steps of its day (a milestone ticked off)
    action: Callable[[], None]


# --- the seeder ----------------------------------------------------------------------------


class ConsultSeeder:
    def __init__(
        self,
        *,
        users: dict[str, User],
        today: date,
        now: datetime,
        password_hash: str,
        reports_dir: Path | None = None,
    ):
        self.users, self.today, self.now = users, today, now
        self.password_hash = password_hash
        self.reports_dir = reports_dir or REPORTS_DIR
        self.day = Calendar(today)
        self.rng = random.Random(SEED)
        self.created: Counter[str] = Counter()
        self.topics: dict[str, Topic] = {}
        self.reports: dict[str, Report] = {}
        self.milestones: dict[tuple[str, int], Milestone] = {}

    def run(self) -> Counter:
        """Create the consult demo unless its topics exist; return what was created."""
        if Topic.objects.filter(title__in=[spec.title for spec in TOPICS]).exists():
            return self.created
        texts = [*read_reports(self.reports_dir), *SHORT_REPORTS]
        self.bodies = {body.name: body for body in GovernmentBody.objects.all()}
        self.series = {series.code: series for series in Series.objects.all()}
        for text in texts:
            self.check_names(text)
        steps = [step for spec in TOPICS for step in self.topic_steps(spec)]
        extra = iter(data.EXTRA_ISSUE_DAYS)
        for text in texts:
            plan = REPORT_PLANS.get(text.slug) or ReportPlan(None, next(extra), downloads=2)
            steps += self.report_steps(text, plan)
        self.play(steps)
        self.finish()
        return self.created

    def check_names(self, text: ReportText) -> None:
        where = f"{text.slug}.md"
        if text.series not in self.series:
            raise ReportFileError(
                f"{where}: unknown series “{text.series}” (known: {', '.join(self.series)})."
            )
        for key in ("addressees", "copies"):
            for name in getattr(text, key):
                if name not in self.bodies:
                    raise ReportFileError(
                        f"{where}: unknown government body “{name}” in {key}; the demo "
                        f"world has: {'；'.join(self.bodies)}."
                    )

    # running the steps in date order -------------------------------------------------------

    def play(self, steps: list[Step]) -> None:
        """Run the steps in date order, each at a moment of its day, then move the rows each
        step created back to that moment."""
        first = self.last_pks()
        bounds: list[tuple[datetime, dict]] = []  # the moment of a step, the last pks after it
        steps.sort(key=lambda step: (self.day.real(step.day), step.day, not step.first))
        for day, group in groupby(steps, key=lambda step: self.day.real(step.day)):
            group = list(group)
            spacing = min(40, 540 // len(group))
            start = timezone.make_aware(datetime.combine(day, time(9, 0)))
            for index, step in enumerate(group):
                step.action()
                minutes = index * spacing + self.rng.randint(0, spacing // 2)
                bounds.append((start + timedelta(minutes=minutes), self.last_pks()))
        for model, field in STAMPED:
            whens, last = [], first[model]
            for moment, marks in bounds:
                if marks[model] > last:
                    whens.append(When(pk__lte=marks[model], then=Value(moment)))
                    last = marks[model]
            if whens:
                moments = Case(*whens, output_field=DateTimeField())
                model.objects.filter(pk__gt=first[model]).update(**{field: moments})
        self.first_notification = first[Notification]

    @staticmethod
    def last_pks() -> dict:
        """The highest primary key of every STAMPED table, in one query."""
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"
            for model, _field in STAMPED
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}")  # our table names only, no input
            row = cursor.fetchone()
        return {model: last or 0 for (model, _field), last in zip(STAMPED, row, strict=True)}

    def finish(self) -> None:
        """Topics and reports were last changed by their last step; notifications more than
        two weeks old have been read."""
        for topic in Topic.objects.filter(pk__in=[t.pk for t in self.topics.values()]):
            moments = [
                topic.events.aggregate(last=Max("created_at"))["last"],
                topic.updates.aggregate(last=Max("created_at"))["last"],
            ]
            Topic.objects.filter(pk=topic.pk).update(updated_at=max(filter(None, moments)))
        for report in self.reports.values():
            last = report.events.aggregate(last=Max("created_at"))["last"]
            revised = report.revisions.aggregate(last=Max("created_at"))["last"]
            Report.objects.filter(pk=report.pk).update(updated_at=max(last, revised))
        Notification.objects.filter(
            pk__gt=self.first_notification, created_at__lt=self.now - timedelta(days=14)
        ).update(read_at=F("created_at") + timedelta(hours=20))
        self.created["research topics"] += len(self.topics)
        self.created["advisory reports"] += len(self.reports)
        reports = list(self.reports.values())
        self.created["downloads"] += Download.objects.filter(report__in=reports).count()
        self.created["instructions"] += Instruction.objects.filter(report__in=reports).count()
        self.created["adoptions"] += Adoption.objects.filter(report__in=reports).count()

    # people -----------------------------------------------------------------------------

    def staff_for(self, region_code: str) -> User:
        return staff_for(self.users, region_code)

    def account(self, expert: Expert) -> User:
        """The expert's user account (a lead has to log in to report progress)."""
        user, created = expert_account(expert, self.password_hash)
        self.created["accounts"] += created
        return user

    def lead_user(self, topic: Topic) -> User:
        if topic.lead_expert_id:
            return self.account(topic.lead_expert)
        admin = topic.lead_society.admins.filter(is_active=True).order_by("pk").first()
        return admin or self.staff_for(topic.region_id)

    def team_expert(self, member: data.Member, taken: set[int]) -> Expert | None:
        if member.ref:
            return Expert.objects.get(ref=member.ref)
        wanted = Q()
        for words in member.find:
            wanted |= Q(research_directions__contains=words)
        inside = Q(region__code__startswith="65")
        experts = Expert.objects.filter(wanted, ~inside if member.outside else inside)
        return experts.exclude(pk__in=taken).order_by("-verified", "ref").first()

    @staticmethod
    def outside_note(expert: Expert) -> str:
        province = Region.objects.filter(code=expert.region_id[:2] + "0000").first()
        name = province.name if province else expert.employer
        if expert.region_id[:2] in PARTNERS:
            return f"对口援疆（{name}）"
        return f"柔性引才（{name}）"

    # topics -----------------------------------------------------------------------------

    def topic_steps(self, spec: TopicSpec) -> list[Step]:
        steps = [
            Step(self.day.canonical(day), False, partial(self.topic_step, spec, kind, args))
            for day, kind, *args in spec.story
        ]
        for index, milestone in enumerate(spec.milestones):
            if milestone.done:
                action = partial(self.milestone_done, spec, index)
                steps.append(Step(self.day.canonical(milestone.done), True, action))
        return steps

    def topic_step(self, spec: TopicSpec, kind: str, args: list) -> None:
        if kind == "create":
            self.topic_create(spec)
            return
        topic = Topic.objects.get(pk=self.topics[spec.key].pk)
        staff = self.staff_for(spec.region)
        if kind == "document":
            document_kind, name, note = args
            by = staff if document_kind == TopicDocument.Kind.OTHER else self.lead_user(topic)
            lines = [name.removesuffix(".pdf"), f"{topic.number}  {topic.title}"]
            upload = SimpleUploadedFile(name, pdf_document(lines), "application/pdf")
            topic_document_add(topic, upload, kind=document_kind, by=by, note=note)
        elif kind == "update":
            progress, text = args
            topic_progress_update(topic, by=self.lead_user(topic), text=text, progress=progress)
        else:
            to = {
                "approve": T.APPROVED,
                "start": T.IN_PROGRESS,
                "midterm": T.MIDTERM,
                "resume": T.IN_PROGRESS,
                "conclude": T.CONCLUDED,
                "terminate": T.TERMINATED,
            }[kind]
            topic_transition(topic, to, by=staff, reason=args[0] if args else "")
            if kind == "approve":
                self.topic_plan(spec, topic)

    def topic_create(self, spec: TopicSpec) -> None:
        wanted = Q()
        for words in spec.problems:
            wanted |= Q(title__contains=words)
        problems = (
            Problem.objects.filter(wanted, ref__startswith=REF_PREFIX, status__in=PROBLEM_STATES)
            .select_related("enterprise")
            .order_by("ref")
            if spec.problems
            else []
        )
        lead_expert = lead_society = None
        if spec.lead.startswith("ZJ-"):
            lead_expert = Expert.objects.get(ref=spec.lead)
        else:
            lead_society = Society.objects.get(name=spec.lead)
        topic = topic_create(
            title=spec.title,
            region=Region.objects.get(code=spec.region),
            by=self.staff_for(spec.region),
            summary=spec.summary,
            discipline=Discipline.objects.filter(code=spec.discipline).first(),
            problems=list(problems),
            lead_expert=lead_expert,
            lead_society=lead_society,
            budget=Decimal(spec.budget),
            start_date=self.day(spec.start),
            end_date=self.day(spec.end),
        )
        self.topics[spec.key] = topic
        if not any(kind == "approve" for _day, kind, *_args in spec.story):
            self.topic_plan(spec, topic)  # a proposal comes with its planned team

    def topic_plan(self, spec: TopicSpec, topic: Topic) -> None:
        """The team and the milestones, set when the topic is approved."""
        staff = self.staff_for(spec.region)
        taken = {topic.lead_expert_id}
        for member in spec.team:
            expert = self.team_expert(member, taken)
            if expert is None:
                continue
            taken.add(expert.pk)
            topic_member_add(
                topic,
                expert,
                by=staff,
                role=member.role,
                outside=member.outside,
                affiliation_note=self.outside_note(expert) if member.outside else "",
            )
        for index, planned in enumerate(spec.milestones):
            milestone = Milestone(topic=topic, title=planned.title, due_date=self.day(planned.due))
            self.milestones[spec.key, index] = milestone_save(milestone, by=staff)

    def milestone_done(self, spec: TopicSpec, index: int) -> None:
        milestone = self.milestones[spec.key, index]
        milestone.topic = Topic.objects.get(pk=milestone.topic_id)
        milestone.done_on = self.day(spec.milestones[index].done)
        milestone_save(milestone, by=self.lead_user(milestone.topic))

    # reports ----------------------------------------------------------------------------

    def report_steps(self, text: ReportText, plan: ReportPlan) -> list[Step]:
        issued = self.day.canonical(plan.issued)

        def at(days: int, action: Callable, *args) -> Step:
            return Step(issued + timedelta(days=days), False, partial(action, text, plan, *args))

        if plan.status == R.DRAFT:
            return [at(-7, self.report_create), at(0, self.report_revise)]
        if plan.status == R.REVIEW:
            return [
                at(-10, self.report_create),
                at(-3, self.report_revise),
                at(0, self.report_move, R.REVIEW),
            ]
        if plan.returned:
            steps = [
                at(-28, self.report_create),
                at(-21, self.report_move, R.REVIEW),
                at(-18, self.report_move, R.DRAFT),
                at(-12, self.report_revise),
            ]
        else:
            steps = [at(-24, self.report_create), at(-15, self.report_revise)]
        steps += [
            at(-9, self.report_move, R.REVIEW),
            at(-6, self.report_finalise),
            at(-3, self.report_move, R.APPROVED),
            at(0, self.report_move, R.ISSUED),
        ]
        last = self.day.last
        if plan.withdrawn:
            withdrawn = self.day.canonical(plan.withdrawn[0])
            steps.append(at((withdrawn - issued).days, self.report_move, R.WITHDRAWN))
            last = withdrawn - timedelta(days=1)
        for offset in (1, 2, 5, 9, 16, 30)[: plan.downloads]:
            if issued + timedelta(days=offset) <= last:
                steps.append(at(offset, self.report_download))
        if plan.correction:
            correction = self.day.canonical(plan.correction)
            steps.append(at((correction - issued).days, self.report_correct))
        for feedback in (*plan.instructions, *plan.adoptions):
            feedback_day = self.day.canonical(feedback.date)
            steps.append(at((feedback_day - issued).days, self.report_feedback, feedback))
        return steps

    def report(self, text: ReportText) -> Report:
        return Report.objects.select_related("series", "topic").get(pk=self.reports[text.slug].pk)

    def drafter(self, plan: ReportPlan) -> User:
        topic = self.topics.get(plan.topic) if plan.topic else None
        return self.staff_for(topic.region_id if topic else "650000")

    def report_create(self, text: ReportText, plan: ReportPlan) -> None:
        topic = self.topics.get(plan.topic) if plan.topic else None
        body, _heading = first_draft(text.body)
        self.reports[text.slug] = report_create(
            series=self.series[text.series],
            region=topic.region if topic else Region.objects.get(code="650000"),
            title=text.title,
            by=self.drafter(plan),
            topic=topic,
            body=body,
            authors=text.authors,
            addressees=[self.bodies[text.addressees[0]]],
            circulation=text.circulation,
        )

    def report_revise(self, text: ReportText, plan: ReportPlan) -> None:
        _body, heading = first_draft(text.body)
        note = f"补充“{heading}”部分，撰写内容提要" if heading else "撰写内容提要"
        lists = {}
        if plan.status in (R.DRAFT, R.REVIEW):  # no review by the issuer yet: staff name them
            lists = self.lists(text)
        report_save(
            self.report(text),
            by=self.drafter(plan),
            note=note,
            body=text.body,
            summary=text.summary,
            **lists,
        )

    def lists(self, text: ReportText) -> dict:
        return {
            "addressees": [self.bodies[name] for name in text.addressees],
            "copies": [self.bodies[name] for name in text.copies],
        }

    def report_finalise(self, text: ReportText, plan: ReportPlan) -> None:
        report_save(
            self.report(text),
            by=self.users[data.ISSUER],
            note="审核定稿：补充报送、抄送单位",
            **self.lists(text),
        )

    def report_move(self, text: ReportText, plan: ReportPlan, to: str) -> None:
        by = self.drafter(plan) if to == R.REVIEW else self.users[data.ISSUER]
        reason = {R.DRAFT: plan.returned, R.WITHDRAWN: (plan.withdrawn or ("", ""))[1]}
        report = report_transition(self.report(text), to, by=by, reason=reason.get(to, ""))
        if to == R.ISSUED:
            # Issued today by the service: moved back to its day (of this year, as its number).
            Report.objects.filter(pk=report.pk).update(issued_on=self.day(plan.issued))

    def readers(self, report: Report) -> list[User]:
        names = [name for name in data.OFFICIALS if name in self.users]
        return [
            self.users[name]
            for name in names
            if rules.has_perm("consult.view_report", self.users[name], report)
        ]

    def report_download(self, text: ReportText, plan: ReportPlan) -> None:
        report = self.report(text)
        readers = self.readers(report) or [self.drafter(plan)]
        done = Download.objects.filter(report=report).count()
        ip = f"10.65.{self.rng.randint(1, 254)}.{self.rng.randint(2, 254)}"
        download_record(
            report, current_revision(report), user=readers[done % len(readers)], ip_address=ip
        )

    def report_correct(self, text: ReportText, plan: ReportPlan) -> None:
        """A correction (更正) that adds a body left out of the 抄送 line."""
        report = self.report(text)
        named = {*report.addressees.all(), *report.copies.all()}
        missing = next(body for body in self.bodies.values() if body not in named)
        report_correct(
            report,
            by=self.users[data.ISSUER],
            note=f"版记补列抄送单位：{missing.name}。",
            copies=[*report.copies.all(), missing],
        )

    def report_feedback(self, text: ReportText, plan: ReportPlan, feedback) -> None:
        """Recorded online by the official when the report reaches their body, else by the
        report's staff from the paper original (a 批示 with its scan)."""
        report = self.report(text)
        official = self.users.get(feedback.official)
        body = self.bodies.get(feedback.body) or (official.government_body if official else None)
        if official and rules.has_perm("consult.give_feedback", official, report):
            by, scan = official, None
            body = official.government_body
        else:
            by = self.drafter(plan)
            lines = ["批示件（扫描件）", f"{report.series.name} {report.issue_label}", report.title]
            scan = SimpleUploadedFile("批示件扫描件.pdf", pdf_document(lines), "application/pdf")
        on = self.day(feedback.date)
        if isinstance(feedback, data.InstructionSpec):
            instruction_record(
                report,
                by=by,
                leader_name=feedback.leader,
                level=feedback.level,
                date=on,
                text=feedback.text,
                scan=scan,
                body=body,
            )
        else:
            adoption_record(
                report, by=by, document=feedback.document, date=on, note=feedback.note, body=body
            )
