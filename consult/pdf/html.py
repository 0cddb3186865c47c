"""The HTML a report revision's PDF is rendered from, in the look of GB/T 9704-2012 (党政机关
公文格式): red masthead (版头), title, summary, body, closing block (版记).

The document is Chinese whatever language the reader uses, so the fixed words of the format
(第N期, 报送, 抄送, 印发, 内容提要) are written in Chinese here rather than translated."""

import functools
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation

from consult import markdown
from consult.models import Report, ReportRevision

TEMPLATE = "consult/pdf/report.html"
STYLESHEET = "consult/pdf/report.css"
# Addresses the PDF's resources are fetched under (consult.pdf.fetcher serves only these).
STATIC_PREFIX = "zhiku:static/"
IMAGE_PREFIX = "zhiku:image/"
# Kai (楷体) faces for the second-level headings, best first; a `(一)` heading is bold serif
# when none is installed.
_KAI = re.compile(r"kai|楷", re.IGNORECASE)
_FAMILY_NAME = re.compile(r"[\w .-]+")
_KAI_PREFERRED = ("KaiTi", "KaiTi_GB2312", "楷体", "AR PL UKai CN", "AR PL KaitiM GB")


@dataclass(frozen=True)
class Masthead:
    """What the PDF prints that is not part of the revision itself: it changes when the report
    is issued (number, date) or the series is renamed, and is the PDF cache's key."""

    series: str
    issuing_body: str
    issue_label: str
    date_label: str
    printing_office: str

    def as_list(self) -> list[str]:
        return [
            self.series,
            self.issuing_body,
            self.issue_label,
            self.date_label,
            self.printing_office,
        ]


def chinese_date(value: date) -> str:
    """「2026年11月25日」"""
    return f"{value.year}年{value.month}月{value.day}日"


def issue_label(report: Report) -> str:
    """「2026年第3期」, or 「（未签发稿）」 for a report without an issue number."""
    if report.number is None:
        return "（未签发稿）"
    return f"{report.year}年第{report.number}期"


def masthead(revision: ReportRevision) -> Masthead:
    report = revision.report
    series = report.series
    return Masthead(
        series=series.name,
        issuing_body=revision.issuing_body or series.issuing_body,
        issue_label=issue_label(report),
        date_label=chinese_date(report.issued_on or timezone.localdate()),
        printing_office=series.printing_office or revision.issuing_body or series.issuing_body,
    )


@functools.cache
def kai_family() -> str | None:
    """The family name of an installed Kai (楷体) face with Chinese coverage, or None. Asked of
    fontconfig once per process."""
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # Only plain names: the family is written into a stylesheet.
    families = {
        name.strip()
        for line in listing.splitlines()
        for name in line.split(",")
        if _FAMILY_NAME.fullmatch(name.strip())
    }
    kai = sorted(name for name in families if _KAI.search(name))
    for name in _KAI_PREFERRED:
        if name in families:
            return name
    return kai[0] if kai else None


def image_address(pk: int) -> str:
    return f"{IMAGE_PREFIX}{pk}"


def revision_html(
    revision: ReportRevision,
    *,
    stylesheet_url: str = STATIC_PREFIX + STYLESHEET,
    image_url: Callable[[int], str] = image_address,
    facts: Masthead | None = None,
) -> str:
    """The HTML of a revision's PDF. Resources are addressed for consult.pdf.fetcher unless
    `stylesheet_url` and `image_url` say otherwise (the benchmark renders the same document
    from a directory)."""
    report = revision.report
    facts = facts or masthead(revision)
    image_ids = report.images.values_list("pk", flat=True)
    authors = revision.authors.strip()
    with translation.override("zh-hans"):
        return render_to_string(
            TEMPLATE,
            {
                "revision": revision,
                "report": report,
                "facts": facts,
                "stylesheet_url": stylesheet_url,
                "kai_family": kai_family(),
                "pdf_author": authors or facts.issuing_body,
                "pdf_subject": f"{facts.series} {facts.issue_label}",
                "authors": authors,
                "summary_paragraphs": [
                    line.strip() for line in revision.summary.splitlines() if line.strip()
                ],
                "body_html": markdown.render(
                    revision.body, image_ids=list(image_ids), image_url=image_url
                ),
                "addressees": "、".join(revision.addressee_list),
                "copies": "、".join(revision.copy_list),
            },
        )
