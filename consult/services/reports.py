"""Advisory reports: writing (every save keeps a revision), the one state-change path,
issue numbers without gaps or duplicates, corrections of issued reports, and figures."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.files import upload_scan
from accounts.models import GovernmentBody, User
from accounts.notifications import notify
from experts.services.states import transition
from problems.services import DomainError, clean_upload_name, sequence_next, sniff_content_type

from ..models import Report, ReportEvent, ReportImage, ReportRevision
from ..pdf.cache import report_pdf_prerender

R = Report.Status

# The fields a revision snapshots (besides the addressee and copy lists).
CONTENT_FIELDS = ("title", "summary", "body", "authors", "issuing_body")
REASON_REQUIRED = {R.WITHDRAWN}
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
IMAGE_MAX_BYTES = 5 * 1024 * 1024


def report_number_allocate(report: Report, year: int) -> int:
    """The next issue number of the report's series in `year`. Runs inside the issuing
    transaction: the counter row stays locked until commit, so two staff issuing at once
    queue, and a rolled-back issue gives its number back (no gaps, no duplicates)."""
    return sequence_next(f"report-{report.series_id}-{year}")


def _body_names(bodies) -> str:
    return "\n".join(body.name for body in bodies)


def _snapshot(report: Report) -> dict:
    return {
        **{name: getattr(report, name) for name in CONTENT_FIELDS},
        "addressees": _body_names(report.addressees.order_by("region_id", "name")),
        "copies": _body_names(report.copies.order_by("region_id", "name")),
    }


def current_revision(report: Report) -> ReportRevision | None:
    return report.revisions.order_by("-number").first()


def _revision_create(
    report: Report, *, by: User, note: str = "", is_correction: bool = False
) -> ReportRevision:
    last = report.revisions.aggregate(last=Max("number"))["last"] or 0
    return ReportRevision.objects.create(
        report=report,
        number=last + 1,
        author=by,
        note=note.strip()[:200],
        is_correction=is_correction,
        **_snapshot(report),
    )


@transaction.atomic
def report_create(
    *,
    series,
    region,
    title: str,
    by: User,
    topic=None,
    summary: str = "",
    body: str = "",
    authors: str = "",
    issuing_body: str = "",
    addressees=(),
    copies=(),
    circulation: str = Report.Circulation.RESTRICTED,
) -> Report:
    """A new draft with its first revision."""
    report = Report.objects.create(
        series=series,
        topic=topic,
        region=region,
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        authors=authors.strip(),
        issuing_body=(issuing_body or series.issuing_body).strip(),
        circulation=circulation,
        created_by=by,
    )
    report.addressees.set(addressees)
    report.copies.set(copies)
    ReportEvent.objects.create(report=report, actor=by, from_status="", to_status=R.DRAFT)
    _revision_create(report, by=by, note=_("Created"))
    return report


def _apply(report: Report, fields: dict, addressees, copies) -> bool:
    """Set the given fields; True when the printed content changed."""
    before = _snapshot(report)
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) and name != "body" else value)
    report.save()
    if addressees is not None:
        report.addressees.set(addressees)
    if copies is not None:
        report.copies.set(copies)
    return _snapshot(report) != before


@transaction.atomic
def report_save(
    report: Report, *, by: User, note: str = "", addressees=None, copies=None, **fields
) -> ReportRevision | None:
    """Save changes to a report that is not yet issued; a revision is kept when the printed
    content changed (returned), None when nothing did."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise DomainError(
            _("An issued report is frozen: publish a correction (更正) instead of editing it.")
        )
    if not _apply(report, fields, addressees, copies):
        return None
    revision = _revision_create(report, by=by, note=note)
    report_pdf_prerender(report)
    return revision


@transaction.atomic
def report_correct(
    report: Report, *, by: User, note: str, addressees=None, copies=None, **fields
) -> ReportRevision:
    """A correction (更正) of an issued report: a new revision marked as such, the same issue
    number; everyone who downloaded the report is told."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != R.ISSUED:
        raise DomainError(_("Only an issued report takes corrections; edit the draft instead."))
    note = note.strip()
    if not note:
        raise DomainError(_("Please say what the correction changes."))
    if not _apply(report, fields, addressees, copies):
        raise DomainError(_("The correction changes nothing in the report."))
    revision = _revision_create(report, by=by, note=note, is_correction=True)
    ReportEvent.objects.create(
        report=report,
        actor=by,
        from_status=R.ISSUED,
        to_status=R.ISSUED,
        reason=_("Correction (更正), revision %(number)d: %(note)s")
        % {"number": revision.number, "note": note},
    )
    readers = User.objects.filter(report_downloads__report=report, is_active=True).distinct()
    for user in readers:
        notify(
            user,
            title=_("Correction to %(series)s %(issue)s")
            % {"series": report.series.name, "issue": report.issue_label},
            body=note,
            url=report.get_absolute_url(),
        )
    report_pdf_prerender(report)
    return revision


def report_transition(report: Report, to: str, *, by: User, reason: str = "") -> Report:
    """Move a report along draft → internal review → approved → issued (签发) → withdrawn
    (review and approval may send it back to draft). Issuing takes the next issue number of
    the series for the year and tells the officials of the bodies it is addressed to."""
    reason = reason.strip()
    if to in REASON_REQUIRED and not reason:
        raise DomainError(_("Please give a reason for withdrawing the report."))
    if to == R.DRAFT and not reason:
        raise DomainError(_("Please say what has to change before the report goes on."))
    refused = _("A report that is “%(from)s” cannot be moved to “%(to)s”.")
    with transaction.atomic():
        if to != R.ISSUED:
            return transition(report, to, by=by, reason=reason, refused=refused)
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if to not in Report.TRANSITIONS.get(locked.status, set()):
            # Checked before a number is taken; transition() checks again under the lock.
            raise DomainError(refused % {"from": locked.get_status_display(), "to": R(to).label})
        if not locked.addressees.exists():
            raise DomainError(_("Name at least one body the report is addressed to (报送)."))
        if not locked.body.strip():
            raise DomainError(_("The report has no body text yet."))
        today = timezone.localdate()
        report = transition(
            locked,
            to,
            by=by,
            reason=reason,
            refused=refused,
            year=today.year,
            number=report_number_allocate(locked, today.year),
            issued_on=today,
            issued_by=by,
        )
        _notify_issued(report)
        report_pdf_prerender(report)
    return report


def report_readers(report: Report):
    """Officials of the bodies a report is addressed or copied to."""
    named = [*report.addressees.values_list("pk", flat=True)]
    named += report.copies.values_list("pk", flat=True)
    bodies = GovernmentBody.objects.filter(pk__in=named)
    return User.objects.filter(role=User.Role.OFFICIAL, government_body__in=bodies, is_active=True)


def _notify_issued(report: Report) -> None:
    for official in report_readers(report):
        notify(
            official,
            title=_("New report: %(series)s %(issue)s")
            % {"series": report.series.name, "issue": report.issue_label},
            body=report.title,
            url=report.get_absolute_url(),
        )


def report_image_validate(upload: UploadedFile) -> tuple[str, str]:
    name = clean_upload_name(upload.name or "")
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension not in IMAGE_EXTENSIONS:
        raise ValidationError(_("“%(name)s”: figures may be PNG or JPEG images.") % {"name": name})
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; figures may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(IMAGE_MAX_BYTES),
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, extension)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not really a %(ext)s file (its content does not match its name).")
            % {"name": name, "ext": extension}
        )
    upload_scan(upload, name=name)
    return name, content_type


@transaction.atomic
def report_image_add(report: Report, upload: UploadedFile, *, by: User) -> ReportImage:
    """Upload a figure for the body (`![caption](image:ID)`); allowed while the report is
    editable or, for a correction, issued."""
    if report.status == R.WITHDRAWN:
        raise DomainError(_("A withdrawn report can no longer be changed."))
    name, content_type = report_image_validate(upload)
    image = ReportImage(
        report=report,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    image.file.save(name, upload, save=False)
    image.save()
    return image
