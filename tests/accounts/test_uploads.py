"""Every upload: type checked by content, size capped, name cleaned, optionally scanned for
viruses (UPLOAD_SCAN_COMMAND), stored under MEDIA_ROOT under a generated name and served only
as a download (report figures: inline raster images with nosniff)."""

import shlex

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.files import upload_scan
from accounts.models import ImportJob
from consult.models import ReportImage
from problems.models import Attachment, Problem
from problems.services import attachment_add, attachment_validate
from tests.factories import ProblemFactory, ReportFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
REFUSED = "“%s” was refused by the virus scanner and has not been stored."


@pytest.fixture
def scanner(settings, tmp_path):
    """A stand-in for `clamdscan --no-summary -`: reads the file on stdin, exits 1 when it
    holds the EICAR test signature."""
    script = tmp_path / "scan.sh"
    script.write_text(
        "#!/bin/sh\n"
        "if grep -q 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE'; then\n"
        "  echo 'stdin: Eicar-Test-Signature FOUND'; exit 1\n"
        "fi\n"
        "exit 0\n"
    )
    script.chmod(0o755)
    settings.UPLOAD_SCAN_COMMAND = f"{shlex.quote(str(script))} --no-summary -"
    return script


def infected_pdf() -> bytes:
    return pdf_bytes() + b"\n%" + EICAR + b"\n"


def problem_form(**overrides) -> dict:
    return {
        "title": "高端轴承钢冶炼",
        "category": "material",
        "industry": "C26",
        "region": "654201",
        "background": "风电主轴轴承全部进口。",
        "bottleneck": "夹杂物控制达不到要求。",
        "expected_goal": "实现国产替代。",
        "cooperation_modes": ["joint"],
        "budget_range": "200-1000",
        "confidentiality": "internal",
        "contact_name": "李工",
        "contact_phone": "13900000000",
        "save": "",
    } | overrides


# --- the antivirus hook -------------------------------------------------------------------------


def test_without_a_scan_command_nothing_is_scanned(settings):
    settings.UPLOAD_SCAN_COMMAND = ""
    upload_scan(SimpleUploadedFile("a.pdf", infected_pdf()), name="a.pdf")


def test_an_infected_problem_attachment_is_a_form_error(client_for, ent_a_user, scanner, settings):
    response = client_for(ent_a_user).post(
        "/problems/new/",
        problem_form(new_attachments=[SimpleUploadedFile("工艺.pdf", infected_pdf())]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_attachments": [REFUSED % "工艺.pdf"]}
    assert (Problem.objects.count(), Attachment.objects.count()) == (0, 0)
    assert list(settings.MEDIA_ROOT.rglob("*.pdf")) == []


def test_a_clean_file_passes_the_scanner(client_for, ent_a_user, scanner):
    client_for(ent_a_user).post(
        "/problems/new/", problem_form(new_attachments=[SimpleUploadedFile("a.pdf", pdf_bytes())])
    )
    assert Attachment.objects.get().original_name == "a.pdf"


def test_a_scanner_that_cannot_run_refuses_the_file(settings, tmp_path):
    settings.UPLOAD_SCAN_COMMAND = str(tmp_path / "no-such-scanner")
    with pytest.raises(ValidationError) as error:
        attachment_validate(SimpleUploadedFile("a.pdf", pdf_bytes()))
    assert error.value.messages == [
        "“a.pdf” could not be checked for viruses; please try again later."
    ]


def test_an_infected_report_figure_is_refused(client_for, staff_xj, scanner):
    report = ReportFactory()
    png = png_bytes() + EICAR
    response = client_for(staff_xj).post(
        f"/consult/reports/{report.pk}/images/", {"file": SimpleUploadedFile("图1.png", png)}
    )
    assert response.status_code == 302
    assert not ReportImage.objects.exists()
    messages = [m.message for m in response.wsgi_request._messages]
    assert messages == [REFUSED % "图1.png"]


def test_an_infected_import_file_is_a_form_error(client_for, staff_xj, scanner):
    csv = "编号,姓名\nZJ-1,张三\n".encode() + EICAR
    response = client_for(staff_xj).post(
        "/data/import/experts/", {"file": SimpleUploadedFile("pool.csv", csv)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [REFUSED % "pool.csv"]}
    assert not ImportJob.objects.exists()


# --- type by content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pool.xlsx", b"<html><script>alert(1)</script></html>"),
        ("pool.csv", b"PK\x03\x04 a zip archive named .csv"),
        ("pool.csv", "编号,姓名\n".encode() + b"\x00\x01\x02\xff\xfebinary"),
    ],
)
def test_an_import_file_is_read_by_its_content_not_its_name(client_for, staff_xj, name, data):
    client = client_for(staff_xj)
    response = client.post("/data/import/experts/", {"file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "failed"
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "<script>" not in page.content.decode()


@pytest.mark.parametrize(
    "name", ["x.svg", "x.html", "x.htm", "x.xml", "x.js", "x.exe", "x.pdf.html", "x"]
)
def test_markup_and_executables_are_never_accepted(name):
    with pytest.raises(ValidationError):
        attachment_validate(SimpleUploadedFile(name, b"<svg onload=alert(1)>"))


def test_attachments_are_capped_in_size(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="attachments may be at most"):
        attachment_validate(SimpleUploadedFile("a.pdf", pdf_bytes() + b"0" * 1000))


# --- names and storage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\报告.pdf", "报告.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ("a\x00b\x1bc\x08d\u200b\ufeff.pdf", "abcd.pdf"),
        ('<img src=x onerror="alert(1)">.pdf', "img src=x onerror=alert(1).pdf"),
        ("ئۇيغۇرچە 說明.pdf", "ئۇيغۇرچە 說明.pdf"),
    ],
)
def test_upload_names_are_cleaned(ent_a, ent_a_user, settings, given, kept):
    problem = ProblemFactory(enterprise=ent_a)
    attachment = attachment_add(problem, SimpleUploadedFile(given, pdf_bytes()), by=ent_a_user)
    assert attachment.original_name == kept
    # Stored under MEDIA_ROOT under a generated name, whatever the upload was called.
    path = settings.MEDIA_ROOT / attachment.file.name
    assert path.is_file()
    assert path.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    assert path.parent.name == str(problem.pk) and path.name[:-4].isdigit()


def test_a_very_long_name_is_shortened_keeping_its_type(ent_a, ent_a_user):
    problem = ProblemFactory(enterprise=ent_a)
    name = "很长的文件名" * 100 + ".pdf"
    attachment = attachment_add(problem, SimpleUploadedFile(name, pdf_bytes()), by=ent_a_user)
    assert len(attachment.original_name) == 150
    assert attachment.original_name.endswith(".pdf")


def test_the_import_keeps_a_cleaned_name(client_for, staff_xj):
    from tests.imports.files import EXPERT_HEADERS, expert_row, xlsx

    data = xlsx(EXPERT_HEADERS, [expert_row("ZJ-1")])
    client_for(staff_xj).post(
        "/data/import/experts/",
        {"file": SimpleUploadedFile("..\\pool\u202exslx.xlsx", data)},
    )
    assert ImportJob.objects.get().original_name == "poolxslx.xlsx"


# --- serving ----------------------------------------------------------------------------------


def test_attachments_are_served_as_downloads_never_inline(client_for, ent_a, ent_a_user):
    problem = ProblemFactory(enterprise=ent_a)
    attachment = attachment_add(
        problem, SimpleUploadedFile("a\u202e.pdf", pdf_bytes()), by=ent_a_user
    )
    response = client_for(ent_a_user).get(f"/problems/attachments/{attachment.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_report_figures_are_inline_raster_images_with_nosniff(client_for, staff_xj):
    report = ReportFactory()
    client = client_for(staff_xj)
    client.post(
        f"/consult/reports/{report.pk}/images/",
        {"file": SimpleUploadedFile("图1.png", png_bytes())},
    )
    image = ReportImage.objects.get()
    response = client.get(f"/consult/reports/{report.pk}/images/{image.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == png_bytes()
