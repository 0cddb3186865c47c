"""Rendering a revision's PDF once and keeping it.

`revision_pdf(revision)` returns the PDF of a revision, rendering it only when the stored file
is missing or was rendered with other masthead facts (the issue number and date change when a
report is issued; an unissued report prints today's date). Downloads stamp the stored file
(consult.pdf.watermark), so the costly rendering happens once per revision and issue."""

import hashlib
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from consult.models import Report, ReportRevision

from .html import Masthead, masthead, revision_html

log = logging.getLogger(__name__)

# Part of every cache key: raise it when the template or stylesheet changes what a PDF looks
# like, and every PDF is rendered again on its next download.
RENDER_VERSION = "1"


def pdf_key(facts: Masthead) -> str:
    digest = hashlib.sha256(
        json.dumps([RENDER_VERSION, *facts.as_list()], ensure_ascii=False).encode()
    ).hexdigest()
    return f"v{RENDER_VERSION}-{digest[:40]}"


def render_pdf(revision: ReportRevision, *, facts: Masthead | None = None) -> tuple[bytes, int]:
    """Render a revision without the cache: (PDF bytes, page count)."""
    from weasyprint import HTML

    from .fetcher import ReportFetcher

    html = revision_html(revision, facts=facts)
    document = HTML(string=html, url_fetcher=ReportFetcher(revision.report_id)).render()
    return document.write_pdf(), len(document.pages)


def _stored(revision: ReportRevision) -> bytes | None:
    if not revision.pdf:
        return None
    try:
        with revision.pdf.open("rb") as handle:
            return handle.read()
    except OSError:
        log.warning("PDF of revision %s is missing from storage; rendering it again", revision.pk)
        return None


def revision_pdf(revision: ReportRevision) -> bytes:
    """The PDF of a revision, from the stored file when it was rendered with the current
    masthead facts, else rendered now and stored (`revision.pdf`, `pdf_key`, `pdf_pages`).

    Rendering runs outside any transaction; storing locks the row briefly, and when another
    process stored the same rendering meanwhile its file is kept and ours dropped."""
    facts = masthead(revision)
    key = pdf_key(facts)
    if revision.pdf_key == key:
        data = _stored(revision)
        if data is not None:
            return data
    data, pages = render_pdf(revision, facts=facts)
    with transaction.atomic():
        locked = ReportRevision.objects.select_for_update().get(pk=revision.pk)
        if locked.pdf_key == key and (stored := _stored(locked)) is not None:
            revision.pdf, revision.pdf_key, revision.pdf_pages = (
                locked.pdf,
                locked.pdf_key,
                locked.pdf_pages,
            )
            return stored
        old = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(f"r{locked.number}.pdf", ContentFile(data), save=False)
        locked.pdf_key, locked.pdf_pages = key, pages
        locked.save(update_fields=["pdf", "pdf_key", "pdf_pages"])
        if old:
            storage = locked.pdf.storage
            transaction.on_commit(lambda: storage.delete(old))
    revision.pdf, revision.pdf_key, revision.pdf_pages = locked.pdf, key, pages
    return data


def report_pdf_prerender(report: Report) -> None:
    """After a report's save, issue or correction: with a broker configured, render its
    current revision in the background once the transaction commits, so the first download
    finds the PDF ready. In the embedded set-up (no broker, eager tasks) nothing happens here:
    rendering inside the saving request would only slow it down, and the first download
    renders instead."""
    if not settings.CELERY_BROKER_URL:
        return
    from accounts.tasks import enqueue
    from consult.tasks import report_pdfs_task

    report_id = report.pk
    transaction.on_commit(lambda: enqueue(report_pdfs_task, [report_id]))
