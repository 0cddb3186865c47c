"""Downloading a report's PDF: the current revision's cached rendering, stamped for the person
who downloads it and logged under the download code printed on every page.

Who may download is the views' question (consult.rules); this module does the work."""

from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accounts.models import User
from problems.services import DomainError

from ..models import Download, Report, ReportRevision
from ..pdf.cache import revision_pdf
from ..pdf.html import issue_label
from .feedback import download_record
from .reports import current_revision

# The stamp is printed on a Chinese document, whatever language the reader's screen uses.
ROLE_LABELS = {
    User.Role.STAFF: "科协工作人员",
    User.Role.ADMIN: "平台管理员",
    User.Role.EXPERT: "专家",
    User.Role.SOCIETY_ADMIN: "学会管理员",
    User.Role.ENTERPRISE: "企业用户",
}


def downloader_name(user: User) -> str:
    return user.display_name.strip() or user.get_full_name().strip() or user.username


def downloader_body(user: User) -> str:
    """The organisation printed beside the name: the government body of an official, the
    region's CAST for staff (「塔城地区科协工作人员」), the enterprise of its member."""
    if user.government_body_id:
        return user.government_body.name
    if user.role == User.Role.STAFF and user.region_id:
        return f"{user.region.name}{ROLE_LABELS[User.Role.STAFF]}"
    if user.role == User.Role.ENTERPRISE and user.enterprise_id:
        return user.enterprise.name
    return ROLE_LABELS.get(user.role, "")


def report_download(
    report: Report, *, user: User, ip_address: str | None = None
) -> tuple[bytes, Download]:
    """The stamped PDF of the report's current revision for `user`, and the Download row
    that logs it (its code is printed on every page). Renders the revision first when its
    PDF is not cached; logging and stamping succeed or fail together."""
    from ..pdf.watermark import stamp  # pypdf and fontTools: loaded on the first download

    revision = current_revision(report)
    if revision is None:
        raise DomainError(_("The report has no content to download yet."))
    data = revision_pdf(revision)
    with transaction.atomic():
        download = download_record(report, revision, user=user, ip_address=ip_address)
        stamped = stamp(
            data,
            name=downloader_name(user),
            body=downloader_body(user),
            code=download.code,
            when=download.created_at,
        )
    return stamped, download


def download_filename(report: Report, revision: ReportRevision) -> str:
    """「智库专报-2026年第3期.pdf」 for an issued report (「…-更正稿.pdf」 for a correction),
    `draft-<pk>-r<n>.pdf` before issue."""
    if report.number is None:
        return f"draft-{report.pk}-r{revision.number}.pdf"
    name = f"{report.series.name}-{issue_label(report)}"
    if revision.is_correction:
        name += "-更正稿"
    return f"{name}.pdf"


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """An HTTP response carrying a PDF under `filename` (RFC 5987 `filename*` when it is not
    ASCII). Stamped copies are personal: no cache may keep them."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    return response
