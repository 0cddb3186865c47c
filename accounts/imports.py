"""Import runs: which resource serves which kind, the staff upload → preview → confirm flow
(ImportJob), and the base of the import_* management commands."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from problems.services import DomainError, clean_upload_name

from .models import ImportJob, User
from .tabular import ImportReport, TableError, TabularResource, read_table

RESOURCES = {
    ImportJob.Kind.EXPERTS: "experts.resources.ExpertResource",
    ImportJob.Kind.SOCIETIES: "experts.resources.SocietyResource",
    ImportJob.Kind.PROBLEMS: "problems.resources.ProblemResource",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def resource_for(
    kind: str, *, user: User | None = None, source: str = "", scoped: bool = True
) -> TabularResource:
    return import_string(RESOURCES[kind])(user=user, source=source, scoped=scoped)


def may_import(user: User) -> bool:
    """Staff and platform admins; the resource itself keeps regional staff to their region."""
    return user.is_authenticated and (user.is_platform_admin or user.is_cast_staff)


def template_workbook(kind: str) -> bytes:
    from .tabular import write_xlsx

    resource = resource_for(kind)
    headers = resource.column_names()
    notes = [(_("Column"), _("How to fill it in")), *resource.template_notes()]
    notes += [
        ("", ""),
        (_("Encoding"), _("CSV files may be UTF-8 (with or without BOM) or GBK/GB18030.")),
        (_("Several values"), _("Separate them with ；, ;, 、 or a comma.")),
    ]
    return write_xlsx(headers, [resource.template_example], notes=notes, title=_("data"))


def import_job_record(
    *, kind: str, name: str, source: str, report: ImportReport, by: User | None
) -> ImportJob:
    """Record an import that ran outside the staff flow (command line, admin)."""
    return ImportJob.objects.create(
        kind=kind,
        original_name=name[:200],
        source=source,
        status=ImportJob.Status.DONE,
        skip_errors=report.skip_errors,
        report=report.as_dict(),
        created_by=by,
        finished_at=timezone.now(),
    )


# --- the staff flow ------------------------------------------------------------------------


def import_job_create(*, kind: str, upload, skip_errors: bool, by: User) -> ImportJob:
    job = ImportJob(
        kind=kind,
        original_name=clean_upload_name(upload.name or "")[:200],
        skip_errors=skip_errors,
        created_by=by,
    )
    job.file.save(f"{kind}{Path(upload.name).suffix.lower()[:6]}", upload, save=False)
    job.save()
    return job


def _progress_saver(job: ImportJob):
    def save(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return save


def _run(job: ImportJob, *, dry_run: bool) -> ImportReport | None:
    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        resource = resource_for(job.kind, user=job.created_by, source=job.original_name)
        table = read_table(data, job.original_name, resource.column_names())
        return resource.import_table(
            table, dry_run=dry_run, skip_errors=job.skip_errors, progress=_progress_saver(job)
        )
    except TableError as error:
        job.status, job.error, job.finished_at = ImportJob.Status.FAILED, str(error), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return None


def import_job_check(job: ImportJob) -> ImportJob:
    """The preview: a dry run whose report says what would be created, updated, refused."""
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.CHECKING}:
        return job  # idempotent: a repeated task does nothing
    job.status = ImportJob.Status.CHECKING
    job.save(update_fields=["status"])
    report = _run(job, dry_run=True)
    if report is not None:
        job.preview = report.as_dict()
        job.status = ImportJob.Status.CHECKED
        job.save(update_fields=["preview", "status"])
    return job


def import_job_confirm(job: ImportJob, *, by: User, skip_errors: bool) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.CHECKED:
            raise DomainError(_("This import is not waiting for confirmation."))
        job.status, job.confirmed_at = ImportJob.Status.IMPORTING, timezone.now()
        job.skip_errors = skip_errors
        job.progress_done = 0
        job.save(update_fields=["status", "confirmed_at", "skip_errors", "progress_done"])
    return job


def import_job_apply(job: ImportJob) -> ImportJob:
    if job.status != ImportJob.Status.IMPORTING:
        return job
    report = _run(job, dry_run=False)
    if report is not None:
        job.report = report.as_dict()
        job.status = ImportJob.Status.DONE if report.written else ImportJob.Status.FAILED
        job.error = "" if report.written else report.outcome()
        job.finished_at = timezone.now()
        job.save(update_fields=["report", "status", "error", "finished_at"])
    return job


def import_job_cancel(job: ImportJob, *, by: User) -> ImportJob:
    if job.status == ImportJob.Status.CHECKED:
        job.status, job.finished_at = ImportJob.Status.CANCELLED, timezone.now()
        job.save(update_fields=["status", "finished_at"])
    return job


# --- the command line ----------------------------------------------------------------------


class ProgressBar:
    """A one-line bar redrawn with \r on a management command's OutputWrapper."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.last = stream, width, -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = self.width * percent // 100
        bar = "█" * filled + "·" * (self.width - filled)
        line = f"\r{bar} {percent:3d}% {done}/{total}"
        # Plain text: stderr's default style on a terminal is the error colour.
        self.stream.write(line, style_func=str, ending="\n" if percent == 100 else "")
        self.stream.flush()


class ImportCommand(BaseCommand):
    kind: str = ""
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("An .xlsx or .csv file (UTF-8 or GBK)."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check every row and print the report; write nothing."),
        )
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help=_("Import the valid rows and report the others (default: all or nothing)."),
        )
        parser.add_argument("--user", help=_("Username to record as the importer (default: none)."))
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))

    def handle(self, *args, file, dry_run, skip_errors, user, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No user named %(user)s.") % {"user": user})
        source = _("%(file)s (command line, %(who)s)") % {
            "file": path.name,
            "who": user or getpass.getuser(),
        }
        try:
            # On the command line the user is recorded, not held to a region: whoever runs
            # the command runs the server.
            resource = resource_for(self.kind, user=importer, source=source, scoped=False)
            table = read_table(path.read_bytes(), path.name, resource.column_names())
            report = resource.import_table(
                table,
                dry_run=dry_run,
                skip_errors=skip_errors,
                progress=None if no_progress else ProgressBar(self.stderr),
            )
        except TableError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.written:
            import_job_record(
                kind=self.kind, name=path.name, source="cli", report=report, by=importer
            )
        if report.errors and not report.written and not dry_run:
            raise CommandError(report.outcome())
        if report.errors and dry_run:
            raise CommandError(
                _("%(count)d rows have errors.") % {"count": report.error_rows}, returncode=1
            )
