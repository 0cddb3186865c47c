"""Report PDFs: the GB/T 9704 look read back with poppler (page size, metadata, fonts, text,
line and page grid), the URL fetcher that lets WeasyPrint read only our static files and the
report's own figures, the per-revision cache and the background pre-rendering.

Rendering costs 0.3-1 s, so the facts of one issued report are checked on a single rendering
shared by the module (made in a transaction rolled back afterwards)."""

import base64
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, fetch

from consult.models import ReportRevision
from consult.pdf.cache import pdf_key, render_pdf, revision_pdf
from consult.pdf.fetcher import FetchRefused, ReportFetcher
from consult.pdf.html import kai_family, masthead
from consult.services.reports import (
    current_revision,
    report_correct,
    report_image_add,
    report_save,
    report_transition,
)
from consult.tasks import report_pdfs_task
from tests.factories import (
    GovernmentBodyFactory,
    ReportFactory,
    UserFactory,
    issued_report,
    png_bytes,
    region,
)

pytestmark = [
    # Also makes pytest-django set up the test database for the module's shared rendering when
    # only tests that use nothing but that rendering are selected.
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
    ),
]

# A run without punctuation, so every line breaks where the type area ends: 26 characters
# after the two-character indent, then 28.
RUN = "创新驱动发展战略" * 150
BODY = f"""一、总体情况

{RUN}

（一）调研范围

自治区科协组织学会专家开展调研[^1]。

| 类别 | 进口依赖度 |
| --- | --- |
| 关键零部件 | 72% |

![图1 滴灌带](image:{{own}})

![别的报告的图](image:{{other}})

<img src="file:///etc/hostname"> <img src="https://example.com/remote.png">

[^1]: 数据来源：自治区科协问题征集汇总。
"""


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def pdf_file(pdf: bytes, tmp: Path) -> str:
    path = tmp / "x.pdf"
    path.write_bytes(pdf)
    return str(path)


def info(pdf: bytes, tmp: Path) -> dict[str, str]:
    out = subprocess.run(
        ["pdfinfo", pdf_file(pdf, tmp)], capture_output=True, check=True, text=True
    ).stdout
    return {
        key.strip(): value.strip()
        for key, _sep, value in (line.partition(":") for line in out.splitlines())
    }


def fonts(pdf: bytes, tmp: Path) -> list[tuple[str, str]]:
    """(font name, emb) of every font pdffonts lists."""
    out = subprocess.run(
        ["pdffonts", pdf_file(pdf, tmp)], capture_output=True, check=True, text=True
    ).stdout
    rows = []
    for line in out.splitlines()[2:]:
        fields = line.split()
        # name, type (one or more words), encoding, emb, sub, uni, object, generation
        rows.append((fields[0], fields[-5]))
    return rows


def page_text(pdf: bytes, page: int | None = None) -> str:
    args = ["-f", str(page), "-l", str(page)] if page else []
    return poppler("pdftotext", pdf, *args)


def image_count(pdf: bytes) -> int:
    out = poppler("pdfimages", pdf, "-list")
    return len(out.splitlines()) - 2


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    title: str
    authors: str
    issue: str
    issued_on: str
    addressees: list[str]
    copies: list[str]


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> Rendered:
    """An issued report with a figure, a table, a footnote, refused images in the body and
    addressees and copies, rendered once; the rows are rolled back."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        translation.override("en"),
        transaction.atomic(),
    ):
        staff = UserFactory(role="staff", region=region("650000"))
        bodies = [
            GovernmentBodyFactory(name="自治区人民政府办公厅"),
            GovernmentBodyFactory(name="自治区科技厅"),
        ]
        copied = GovernmentBodyFactory(name="自治区工业和信息化厅")
        other = ReportFactory()
        other_image = report_image_add(
            other, SimpleUploadedFile("x.png", png_bytes(), "image/png"), by=staff
        )
        report = issued_report(by=staff, addressees=bodies, copies=[copied])
        image = report_image_add(
            report, SimpleUploadedFile("图1.png", png_bytes(), "image/png"), by=staff
        )
        report_correct(
            report,
            by=staff,
            note="加入正文",
            title="关于加快南疆节水灌溉装备国产化的建议",
            authors="王建国 李明",
            body=BODY.format(own=image.pk, other=other_image.pk),
        )
        revision = current_revision(report)
        pdf, pages = render_pdf(revision)
        result = Rendered(
            pdf=pdf,
            pages=pages,
            title=revision.title,
            authors=revision.authors,
            issue=f"{report.year}年第{report.number}期",
            issued_on=f"{report.issued_on.year}年{report.issued_on.month}月{report.issued_on.day}日",
            addressees=revision.addressee_list,
            copies=revision.copy_list,
        )
        transaction.set_rollback(True)
    return result


# --- the document -----------------------------------------------------------------------------


def test_pdf_is_a4_with_the_reports_metadata(rendered, tmp_path):
    facts = info(rendered.pdf, tmp_path)
    assert facts["Page size"] == "595.276 x 841.89 pts (A4)"
    # Three pages of body; the closing block does not fit under the table and the footnote of
    # the third, so it opens a fourth page of its own (GB/T 9704 keeps it whole).
    assert int(facts["Pages"]) == rendered.pages == 4
    assert facts["Title"] == rendered.title
    assert facts["Author"] == "王建国 李明"
    assert facts["Subject"] == f"智库专报 {rendered.issue}"


def test_pdf_fonts_are_cjk_and_all_embedded(rendered, tmp_path):
    listed = fonts(rendered.pdf, tmp_path)
    names = {re.sub(r"^[A-Z]{6}\+", "", name) for name, _emb in listed}
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC-Bold"} <= names
    assert [emb for _name, emb in listed] == ["yes"] * len(listed)


@pytest.mark.skipif(kai_family() is None, reason="no Kai (楷体) font installed")
def test_second_level_headings_are_in_kai_where_installed(rendered, tmp_path):
    names = {name for name, _emb in fonts(rendered.pdf, tmp_path)}
    assert any(kai_family().replace(" ", "-") in name for name in names)


def test_first_page_has_masthead_title_and_page_number(rendered):
    lines = [line.strip() for line in page_text(rendered.pdf, 1).splitlines() if line.strip()]
    assert lines[:5] == [
        "智库专报",
        rendered.issue,
        "新疆维吾尔自治区科学技术协会",
        rendered.issued_on,
        "（更正稿）",
    ]
    assert lines[5:7] == [rendered.title, rendered.authors]
    assert lines[7].startswith("内容提要：南疆节水灌溉关键部件依赖进口")
    assert lines[-1] == "— 1 —"


def test_body_lines_hold_28_characters_and_pages_22_lines(rendered):
    first = page_text(rendered.pdf, 1).splitlines()
    start = first.index("一、总体情况") + 1
    run_lines = [line for line in first[start:] if line and set(line) <= set(RUN)]
    # The paragraph's first line is indented by two characters.
    assert [len(line) for line in run_lines[:3]] == [26, 28, 28]
    second = [line for line in page_text(rendered.pdf, 2).splitlines() if line.strip()]
    assert second[-1] == "— 2 —"
    assert len(second) - 1 == 22
    assert all(len(line) == 28 for line in second[:-1] if set(line) <= set(RUN))


def test_closing_block_names_addressees_copies_and_printing(rendered):
    text = page_text(rendered.pdf, rendered.pages)
    assert f"报送：{'、'.join(rendered.addressees)}。" in text
    assert f"抄送：{'、'.join(rendered.copies)}。" in text
    assert "新疆维吾尔自治区科协办公室" in text
    assert f"{rendered.issued_on}印发" in text
    assert f"— {rendered.pages} —" in text
    # The body's footnote stays with the body, on the page before.
    assert "1. 数据来源：自治区科协问题征集汇总。" in page_text(rendered.pdf, rendered.pages - 1)


def test_only_the_reports_own_figure_is_in_the_pdf(rendered):
    """The body also refers to another report's figure, a local file and a remote image."""
    assert image_count(rendered.pdf) == 1
    assert "hostname" not in page_text(rendered.pdf)


def test_a_draft_prints_unissued_and_todays_date(staff_xj, body_official):
    report = ReportFactory(addressees=[body_official])
    text = page_text(revision_pdf(current_revision(report)), 1)
    today = timezone.localdate()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:4] == [
        "智库专报",
        "（未签发稿）",
        "新疆维吾尔自治区科学技术协会",
        f"{today.year}年{today.month}月{today.day}日",
    ]
    assert "（更正稿）" not in text


@pytest.fixture
def body_official(official_user):
    return official_user.government_body


# --- the fetcher --------------------------------------------------------------------------


@pytest.fixture
def figures(staff_xj):
    report, other = ReportFactory(), ReportFactory()
    own = report_image_add(
        report, SimpleUploadedFile("a.png", png_bytes(), "image/png"), by=staff_xj
    )
    foreign = report_image_add(
        other, SimpleUploadedFile("b.png", png_bytes(), "image/png"), by=staff_xj
    )
    return report, own, foreign


@pytest.mark.django_db
def test_fetcher_serves_static_files_and_the_reports_figures(figures):
    report, own, _foreign = figures
    fetcher = ReportFetcher(report.pk)
    css = fetcher.fetch("zhiku:static/consult/pdf/report.css")
    stylesheet = Path(django_settings.BASE_DIR, "static/consult/pdf/report.css").read_bytes()
    assert (css.content_type, css.read()) == ("text/css", stylesheet)
    image = fetcher.fetch(f"zhiku:image/{own.pk}")
    assert (image.content_type, image.read()) == ("image/png", png_bytes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/hostname", "file addresses are not fetched"),
        ("http://127.0.0.1:9/x.png", "http addresses are not fetched"),
        ("https://example.com/x.png", "https addresses are not fetched"),
        ("data:image/png;base64,iVBORw0KGgo=", "data addresses are not fetched"),
        ("x.png", "relative addresses are not fetched"),
        ("zhiku:static/../../config/settings.py", "may not leave the static files"),
        ("zhiku:static/%2e%2e/%2e%2e/config/settings.py", "may not leave the static files"),
        ("zhiku:static/css/../../../config/settings.py", "may not leave the static files"),
        ("zhiku:static//etc/passwd", "not a static file path"),
        ("zhiku:static/consult/pdf/missing.css", "no such static file"),
        ("zhiku:image/abc", "not a figure address"),
        ("zhiku:image/99999999999999999999999", "not a figure address"),
    ],
)
def test_fetcher_refuses_everything_else(figures, url, reason):
    report, _own, _foreign = figures
    with pytest.raises(FetchRefused, match=re.escape(reason)):
        ReportFetcher(report.pk).fetch(url)


@pytest.mark.django_db
def test_fetcher_refuses_another_reports_figure(figures):
    report, _own, foreign = figures
    with pytest.raises(FetchRefused, match=f"not a figure of report {report.pk}"):
        ReportFetcher(report.pk).fetch(f"zhiku:image/{foreign.pk}")
    # Through WeasyPrint's own wrapper: an ordinary (non-fatal) fetching error.
    with (
        pytest.raises(URLFetchingError, match="FetchRefused"),
        fetch(ReportFetcher(report.pk), f"zhiku:image/{foreign.pk}"),
    ):
        pass


@pytest.mark.django_db
def test_rendering_leaves_out_what_the_fetcher_refuses(figures, tmp_path, caplog):
    """HTML that did not come through the Markdown sanitiser: WeasyPrint logs each refusal
    and renders the rest."""
    report, own, foreign = figures
    local = tmp_path / "leak.png"
    local.write_bytes(png_bytes())
    data = base64.b64encode(png_bytes()).decode()
    refused = [
        f"file://{local}",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.png",
        f"data:image/png;base64,{data}",
        f"zhiku:image/{foreign.pk}",
    ]
    html = "<p>正文</p>" + "".join(f'<img src="{url}">' for url in refused)
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = HTML(string=html, url_fetcher=ReportFetcher(report.pk)).write_pdf()
    assert image_count(pdf) == 0
    failures = [r.getMessage() for r in caplog.records if r.name == "weasyprint"]
    assert len(failures) == len(refused)
    assert all("Failed to load image" in m and "FetchRefused: Refused" in m for m in failures)
    allowed = HTML(
        string=f'<img src="zhiku:image/{own.pk}">', url_fetcher=ReportFetcher(report.pk)
    ).write_pdf()
    assert image_count(allowed) == 1


# --- the cache ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_revision_pdf_renders_once_then_again_when_issued(
    staff_xj, body_official, django_capture_on_commit_callbacks
):
    report = ReportFactory(addressees=[body_official])
    revision = current_revision(report)
    draft = revision_pdf(revision)
    draft_name = revision.pdf.name
    assert draft_name.startswith(f"reports/{report.pk}/r1-")
    assert revision.pdf_pages == 1
    assert revision.pdf_key == pdf_key(masthead(revision))

    fresh = ReportRevision.objects.get(pk=revision.pk)
    assert revision_pdf(fresh) == draft
    fresh.refresh_from_db()
    assert fresh.pdf.name == draft_name  # not rendered again

    for to in ("review", "approved", "issued"):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_transition(report, to, by=staff_xj)
    fresh = ReportRevision.objects.get(pk=revision.pk)
    with django_capture_on_commit_callbacks(execute=True):
        issued = revision_pdf(fresh)
    fresh.refresh_from_db()
    assert fresh.pdf.name != draft_name
    assert f"{report.year}年第{report.number}期" in page_text(issued, 1)
    assert "（未签发稿）" not in page_text(issued, 1)
    # The draft's file is gone from storage once the new one is committed.
    assert not fresh.pdf.storage.exists(draft_name)
    assert fresh.pdf.storage.exists(fresh.pdf.name)


@pytest.mark.django_db
def test_revision_pdf_renders_again_when_the_file_is_lost(staff_xj, body_official):
    report = ReportFactory(addressees=[body_official])
    revision = current_revision(report)
    revision_pdf(revision)
    revision.pdf.storage.delete(revision.pdf.name)
    fresh = ReportRevision.objects.get(pk=revision.pk)
    assert revision_pdf(fresh).startswith(b"%PDF-")
    assert fresh.pdf.storage.exists(fresh.pdf.name)


# --- rendering in the background ----------------------------------------------------------------


@pytest.mark.django_db
def test_saving_renders_nothing_without_a_broker(
    staff_xj, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_BROKER_URL = ""
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        revision = report_save(report, by=staff_xj, title="关于棉花机采的建议")
    assert callbacks == []
    revision.refresh_from_db()
    assert (revision.pdf.name, revision.pdf_key, revision.pdf_pages) == ("", "", None)


@pytest.mark.django_db
def test_with_a_broker_a_save_renders_the_new_revision_after_commit(
    staff_xj, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_BROKER_URL = "memory://"
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        revision = report_save(report, by=staff_xj, title="关于棉花机采的建议")
    assert len(callbacks) == 1
    revision.refresh_from_db()
    assert (revision.number, revision.pdf_pages) == (2, 1)
    assert revision.pdf_key == pdf_key(masthead(revision))
    with revision.pdf.open("rb") as stored:
        assert "关于棉花机采的建议" in page_text(stored.read())


@pytest.mark.django_db
def test_report_pdfs_task_renders_current_revisions_and_skips_missing(staff_xj):
    report = ReportFactory()
    assert report_pdfs_task.delay([report.pk, 2**40]).get() == {report.pk: 1}
    revision = current_revision(report)
    assert (revision.pdf_pages, revision.pdf_key) == (1, pdf_key(masthead(revision)))
