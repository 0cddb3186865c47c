"""Write report PDFs (unstamped) to files: one report, or every issued one.

manage.py render_report 42 --output report.pdf
manage.py render_report zkzb-2026-3 --output report.pdf
manage.py render_report --all-issued --output-dir pdfs/     # pdfs/zkzb-2026-003.pdf …
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consult.models import Report
from consult.pdf.cache import revision_pdf
from consult.services.reports import current_revision

# `<series code>-<year>-<number>`; series codes are slugs and may contain dashes themselves.
ISSUE_REF = re.compile(r"(?P<series>[-a-zA-Z0-9_]+)-(?P<year>\d{4})-(?P<number>\d{1,6})")
PK_MAX = 2**63 - 1


def find_report(ref: str) -> Report:
    """The report a command-line reference names: its id, or `<series>-<year>-<number>`."""
    ref = ref.strip()
    reports = Report.objects.select_related("series")
    if ref.isascii() and ref.isdigit():
        report = reports.filter(pk=int(ref)).first() if int(ref) <= PK_MAX else None
        if report is None:
            raise CommandError(_("No report with id %(ref)s.") % {"ref": ref})
        return report
    match = ISSUE_REF.fullmatch(ref)
    if match is None:
        raise CommandError(
            _(
                "“%(ref)s” is neither a report id nor an issue like zkzb-2026-3 "
                "(series code, year, number)."
            )
            % {"ref": ref}
        )
    report = reports.filter(
        series__code=match["series"], year=int(match["year"]), number=int(match["number"])
    ).first()
    if report is None:
        raise CommandError(_("No issued report %(ref)s.") % {"ref": ref})
    return report


def issue_filename(report: Report) -> str:
    """`zkzb-2026-003.pdf`"""
    return f"{report.series.code}-{report.year}-{report.number:03d}.pdf"


class Command(BaseCommand):
    help = "Write the PDF of a report (unstamped), or of every issued report, to files."

    def add_arguments(self, parser):
        parser.add_argument("ref", nargs="?", help=_("A report id, or an issue like zkzb-2026-3."))
        parser.add_argument("--output", "-o", help=_("The PDF file to write (with REF)."))
        parser.add_argument(
            "--all-issued",
            action="store_true",
            help=_("Write every issued report, one file each, to --output-dir."),
        )
        parser.add_argument(
            "--output-dir", help=_("The directory for --all-issued (created when missing).")
        )

    def handle(self, *args, ref, output, all_issued, output_dir, **options):
        if all_issued:
            if ref or output:
                raise CommandError(_("--all-issued takes no REF or --output, only --output-dir."))
            if not output_dir:
                raise CommandError(_("--all-issued needs --output-dir DIR."))
            self._all_issued(Path(output_dir))
            return
        if not ref:
            raise CommandError(_("Name a report (REF) with --output FILE, or use --all-issued."))
        if not output:
            raise CommandError(_("--output FILE is required with REF."))
        if output_dir:
            raise CommandError(_("--output-dir goes with --all-issued; use --output FILE."))
        report = find_report(ref)
        self._write(report, Path(output))

    def _all_issued(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(
                _("Cannot create %(dir)s: %(error)s") % {"dir": directory, "error": error}
            ) from None
        reports = Report.objects.filter(status=Report.Status.ISSUED).select_related("series")
        count = 0
        for report in reports.order_by("series__ordering", "series_id", "year", "number"):
            self._write(report, directory / issue_filename(report))
            count += 1
        self.stdout.write(
            ngettext("%(count)d issued report written.", "%(count)d issued reports written.", count)
            % {"count": count}
        )

    def _write(self, report: Report, path: Path) -> None:
        revision = current_revision(report)
        if revision is None:
            raise CommandError(_("Report %(pk)s has no content yet.") % {"pk": report.pk})
        data = revision_pdf(revision)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": error}
            ) from None
        self.stdout.write(
            _("%(file)s: %(title)s, %(pages)s pages")
            % {"file": path, "title": revision.title, "pages": revision.pdf_pages}
        )
