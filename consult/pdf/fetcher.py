"""What WeasyPrint may read while rendering a report: the platform's own static files and the
figures uploaded to that report, nothing else.

A report body is written by people; the Markdown sanitiser already keeps only `image:ID`
references, but the renderer is the last line: no local file (`file://`), no network
(`http(s)://`), no `data:` URL, no figure of another report. A refused address raises
`FetchRefused`; WeasyPrint catches it, logs "Failed to load image …" at ERROR on the
`weasyprint` logger and renders the document without the resource."""

import mimetypes
import posixpath
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consult.models import ReportImage

from .html import IMAGE_PREFIX, STATIC_PREFIX


class FetchRefused(ValueError):
    """The address is not one a report PDF may read."""


def _static_path(address: str) -> str:
    """The static file's path inside the static tree, refusing anything that could leave it."""
    raw = unquote(address.removeprefix(STATIC_PREFIX).split("?", 1)[0].split("#", 1)[0])
    if not raw or "\\" in raw or "\x00" in raw or raw.startswith("/"):
        raise FetchRefused(f"Refused {address!r}: not a static file path.")
    path = posixpath.normpath(raw)
    if path == ".." or path.startswith("../") or path != raw.rstrip("/"):
        raise FetchRefused(f"Refused {address!r}: a static path may not leave the static files.")
    return path


class ReportFetcher(URLFetcher):
    """A WeasyPrint URL fetcher for the PDF of report `report_id`."""

    def __init__(self, report_id: int, **kwargs):
        super().__init__(**kwargs)
        self.report_id = report_id

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(STATIC_PREFIX):
            return self._static(url)
        if url.startswith(IMAGE_PREFIX):
            return self._image(url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        raise FetchRefused(
            f"Refused {url[:100]!r}: a report PDF reads only the platform's static files and "
            f"its own figures ({scheme or 'relative'} addresses are not fetched)."
        )

    def _static(self, url: str) -> URLFetcherResponse:
        path = _static_path(url)
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                data = handle.read()
        elif staticfiles_storage.exists(path):
            with staticfiles_storage.open(path, "rb") as handle:
                data = handle.read()
        else:
            raise FetchRefused(f"Refused {url!r}: no such static file.")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, headers={"Content-Type": content_type})

    def _image(self, url: str) -> URLFetcherResponse:
        pk = url.removeprefix(IMAGE_PREFIX)
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise FetchRefused(f"Refused {url!r}: not a figure address.")
        image = ReportImage.objects.filter(report_id=self.report_id, pk=int(pk)).first()
        if image is None:
            raise FetchRefused(f"Refused {url!r}: not a figure of report {self.report_id}.")
        with image.file.open("rb") as handle:
            data = handle.read()
        return URLFetcherResponse(url, data, headers={"Content-Type": image.content_type})
