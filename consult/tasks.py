"""Background work of advisory reports. Thin: ids in, re-fetch, the PDF cache does the work.
Without a broker (the embedded default) nothing is queued on save (consult.pdf.cache.
report_pdf_prerender); PDFs are rendered on their first download instead."""

from celery import shared_task

from config.celery import TRANSIENT

from .models import Report


@shared_task(**TRANSIENT)
def report_pdfs_task(report_ids: list[int]) -> dict[int, int]:
    """Render (or find already rendered) the PDF of each report's current revision; returns
    {report id: page count}. A report deleted meanwhile is skipped."""
    from .pdf.cache import revision_pdf
    from .services.reports import current_revision

    pages = {}
    for report in Report.objects.filter(pk__in=report_ids).select_related("series"):
        revision = current_revision(report)
        if revision is not None:
            revision_pdf(revision)
            pages[report.pk] = revision.pdf_pages
    return pages
