"""Sending stored uploads (attachments, report figures, scans) after a view's permission check.

Without MEDIA_ACCEL_REDIRECT, Django streams the file. Behind nginx (deploy/nginx/zhiku.conf)
the response carries only `X-Accel-Redirect` and nginx sends the file from an `internal`
location that no client can request directly: a worker is not held for the transfer, and the
permission check stays Django's."""

from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


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
