"""Sending stored uploads (attachments, report figures, scans) after a view's permission check,
and the optional antivirus scan of every upload (upload_scan).

Without MEDIA_ACCEL_REDIRECT, Django streams the file. Behind nginx (deploy/nginx/zhiku.conf)
the response carries only `X-Accel-Redirect` and nginx sends the file from an `internal`
location that no client can request directly: a worker is not held for the transfer, and the
permission check stays Django's."""

import logging
import shlex
import subprocess
import tempfile
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def protected_file_response(
    file: File, *, filename: str, content_type: str, as_attachment: bool = True
) -> HttpResponse:
    """The stored `file` under `filename`: a download unless `as_attachment` is False (only for
    types sniffed at upload as images). Missing on disk: 404, not a server error."""
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if prefix:
        if not file.storage.exists(file.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(prefix + file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        _audit(file, filename, as_attachment)
        return response
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    _audit(file, filename, as_attachment)
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )


def _audit(file: File, filename: str, as_attachment: bool) -> None:
    """Downloads go to the audit log (with the object the file belongs to); figures shown
    inline in a page are not downloads."""
    if as_attachment:
        from .audit import Action, record

        record(
            Action.FILE_DOWNLOAD,
            target=getattr(file, "instance", None),
            detail={"file": file.name, "filename": filename},
        )


# --- the antivirus hook -----------------------------------------------------------------------

SCAN_TIMEOUT_SECONDS = 120


def upload_scan(upload, *, name: str) -> None:
    """Run settings.UPLOAD_SCAN_COMMAND (e.g. `clamdscan --no-summary -`) with the upload on
    its standard input; a non-zero exit refuses the file. No command configured: nothing is
    scanned. A scanner that is missing, hangs or crashes refuses the file too: an upload
    that could not be checked is not let through."""
    command = settings.UPLOAD_SCAN_COMMAND
    if not command:
        return
    upload.seek(0)
    try:
        with tempfile.TemporaryFile() as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.seek(0)
            result = subprocess.run(
                shlex.split(command),
                stdin=copy,
                capture_output=True,
                timeout=SCAN_TIMEOUT_SECONDS,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.error("Upload scan of %r could not run: %s", name, error)
        raise ValidationError(
            _("“%(name)s” could not be checked for viruses; please try again later.")
            % {"name": name},
            code="scan_failed",
        ) from error
    finally:
        upload.seek(0)
    if result.returncode != 0:
        logger.warning(
            "Upload %r refused by the scanner (exit %d): %s",
            name,
            result.returncode,
            result.stdout.decode(errors="replace").strip()[:500],
        )
        raise ValidationError(
            _("“%(name)s” was refused by the virus scanner and has not been stored.")
            % {"name": name},
            code="infected",
        )
