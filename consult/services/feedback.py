"""What issued reports lead to: downloads (each stamped and logged with a unique code) and
feedback, leaders' instructions (批示) and adoptions (采纳), which the topic's people, the
enterprises whose problems the topic took up, and the report's staff are told about."""

import secrets
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import GovernmentBody, User
from accounts.notifications import notify
from problems.services import DomainError, attachment_validate

from ..models import Adoption, Download, Instruction, Report, ReportRevision
from .topics import topic_people

# Unambiguous characters for codes read off a printed page: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def download_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def download_record(
    report: Report, revision: ReportRevision, *, user: User, ip_address: str | None = None
) -> Download:
    """Log a download under a fresh unique code (drawn again on the rare collision)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Download.objects.create(
                    report=report,
                    revision=revision,
                    user=user,
                    body=user.government_body,
                    code=download_code(),
                    ip_address=ip_address,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique download code")


def download_trace(code: str) -> Download | None:
    """The download a leaked copy came from, by the code printed on it (any case, spaces
    and dashes ignored)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return (
        Download.objects.select_related("report__series", "revision", "user", "body")
        .filter(code=cleaned)
        .first()
    )


def _check_issued(report: Report) -> None:
    if report.status != Report.Status.ISSUED:
        raise DomainError(_("Feedback can be recorded only on an issued report."))


def _check_date(value: date, report: Report) -> None:
    if report.issued_on and value < report.issued_on:
        raise DomainError(
            _("The date cannot be before the report was issued (%s).")
            % report.issued_on.isoformat()
        )


@transaction.atomic
def instruction_record(
    report: Report,
    *,
    by: User,
    leader_name: str,
    level: str,
    date: date,
    text: str,
    scan: UploadedFile | None = None,
    body: GovernmentBody | None = None,
) -> Instruction:
    """Record a leader's instruction (批示): online by an official of the body, or by staff
    from a paper original (with its scan)."""
    _check_issued(report)
    _check_date(date, report)
    instruction = Instruction(
        report=report,
        body=body or by.government_body,
        recorded_by=by,
        leader_name=leader_name.strip(),
        level=level,
        date=date,
        text=text.strip(),
    )
    if scan:
        name, _content_type = attachment_validate(scan)
        instruction.scan.save(name, scan, save=False)
    instruction.save()
    _announce(
        report,
        by=by,
        title=_("Leader's instruction (批示) on %(series)s %(issue)s")
        % {"series": report.series.name, "issue": report.issue_label},
        body=_("%(leader)s (%(level)s): %(text)s")
        % {
            "leader": instruction.leader_name,
            "level": instruction.get_level_display(),
            "text": instruction.text,
        },
    )
    return instruction


@transaction.atomic
def adoption_record(
    report: Report,
    *,
    by: User,
    document: str,
    date: date,
    note: str = "",
    body: GovernmentBody | None = None,
) -> Adoption:
    """Record that the report's advice was adopted (采纳) into a policy or document."""
    _check_issued(report)
    _check_date(date, report)
    adoption = Adoption.objects.create(
        report=report,
        body=body or by.government_body,
        recorded_by=by,
        document=document.strip(),
        date=date,
        note=note.strip(),
    )
    _announce(
        report,
        by=by,
        title=_("Advice adopted (采纳): %(series)s %(issue)s")
        % {"series": report.series.name, "issue": report.issue_label},
        body=adoption.document,
    )
    return adoption


def _announce(report: Report, *, by: User, title: str, body: str) -> None:
    """Tell the topic's people, its problems' enterprises (a notice on their problem) and the
    staff who created and issued the report."""
    recipients: dict[int, tuple[User, str]] = {}
    report_url = report.get_absolute_url()
    for user in (report.created_by, report.issued_by):
        if user is not None and user.is_active:
            recipients[user.pk] = (user, report_url)
    topic = report.topic
    if topic is not None:
        for user in topic_people(topic):
            recipients[user.pk] = (user, topic.get_absolute_url())
        for problem in topic.problems.select_related("enterprise"):
            url = reverse("problems:problem_detail", args=[problem.pk])
            for member in problem.enterprise.members.filter(is_active=True):
                recipients.setdefault(member.pk, (member, url))
    recipients.pop(by.pk, None)
    for user, url in recipients.values():
        notify(user, title=title, body=body, url=url)
