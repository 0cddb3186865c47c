import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ImportJob
from experts.models import Expert
from problems.models import Problem
from tests.factories import EnterpriseFactory, ExpertFactory, ProblemFactory, region

from .files import EXPERT_HEADERS, csv_bytes, expert_row, xlsx

pytestmark = pytest.mark.django_db


def upload(client, kind, name, data, **extra):
    return client.post(f"/data/import/{kind}/", {"file": SimpleUploadedFile(name, data), **extra})


def test_staff_upload_previews_then_confirm_imports(client_for, staff_xj):
    client = client_for(staff_xj)
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2", 姓名="李四")]

    response = upload(client, "experts", "pool.xlsx", xlsx(EXPERT_HEADERS, rows))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/data/imports/{job.pk}/"
    assert (job.status, job.created_by, Expert.objects.count()) == ("checked", staff_xj, 0)
    page = client.get(f"/data/imports/{job.pk}/")
    assert page.context["report"].summary() == (
        "pool.xlsx: 2 rows; 2 new, 0 updated, 0 unchanged, 0 with errors."
    )
    assert page.context["can_confirm"] is True
    assert "Confirm the import" in page.content.decode()

    response = client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"})

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.report["written"], job.confirmed_at is not None) == ("done", True, True)
    assert sorted(Expert.objects.values_list("ref", flat=True)) == ["ZJ-1", "ZJ-2"]
    assert client.get(f"/data/imports/{job.pk}/?format=json").json() == {
        "status": "done",
        "done": 2,
        "total": 2,
        "percent": 100,
    }


def test_preview_lists_row_errors_and_confirm_with_skip_imports_only_valid_rows(
    client_for, staff_xj
):
    client = client_for(staff_xj)
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2", 手机="999")]
    upload(client, "experts", "p.csv", csv_bytes(EXPERT_HEADERS, rows, "gb18030"))
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url())
    assert [(e.row, e.column, e.value) for e in page.context["errors"]] == [(3, "手机", "999")]

    # Without ticking "skip", the import refuses and writes nothing.
    client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"})
    job.refresh_from_db()
    assert (job.status, Expert.objects.count()) == ("failed", 0)


def test_confirm_with_skip_errors(client_for, staff_xj):
    client = client_for(staff_xj)
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2", 手机="999")]
    upload(client, "experts", "p.xlsx", xlsx(EXPERT_HEADERS, rows))
    job = ImportJob.objects.get()
    client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import", "skip": "1"})
    job.refresh_from_db()
    assert (job.status, list(Expert.objects.values_list("ref", flat=True))) == ("done", ["ZJ-1"])


def test_cancel_writes_nothing(client_for, staff_xj):
    client = client_for(staff_xj)
    upload(client, "experts", "p.xlsx", xlsx(EXPERT_HEADERS, [expert_row()]))
    job = ImportJob.objects.get()
    client.post(f"/data/imports/{job.pk}/confirm/", {"action": "cancel"})
    job.refresh_from_db()
    assert (job.status, Expert.objects.count()) == ("cancelled", 0)
    # A cancelled job can't be confirmed afterwards.
    client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"})
    assert Expert.objects.count() == 0


def test_a_broken_file_shows_the_reason(client_for, staff_xj):
    client = client_for(staff_xj)
    upload(client, "experts", "p.xlsx", b"not a workbook")
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url())
    assert job.status == "failed"
    assert page.context["job"].error == (
        "p.xlsx is named .xlsx but is not a workbook; open it in Excel and save as .xlsx."
    )
    assert "can_confirm" in page.context and page.context["can_confirm"] is False


def test_upload_form_refuses_other_extensions(client_for, staff_xj):
    response = upload(client_for(staff_xj), "experts", "p.pdf", b"%PDF-1.4")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["Only .xlsx and .csv files can be imported."]
    }
    assert ImportJob.objects.count() == 0


def test_regional_staff_cannot_import_outside_their_region(client_for, staff_tc):
    ExpertFactory(ref="KS-1", region=region("653101"))
    client = client_for(staff_tc)
    rows = [
        expert_row("TC-1", 所在地区="塔城市"),
        expert_row("TC-2", 所在地区="喀什市"),
        expert_row("KS-1", 所在地区="塔城市"),
    ]
    upload(client, "experts", "p.xlsx", xlsx(EXPERT_HEADERS, rows))
    job = ImportJob.objects.get()
    report = client.get(job.get_absolute_url()).context["report"]
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "所在地区", "This region is outside your area."),
        (4, "编号", "KS-1 exists and belongs to another region; it can't be updated here."),
    ]


def test_template_download_has_headers_example_and_notes(client_for, staff_xj):
    response = client_for(staff_xj).get("/data/import/experts/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''experts-template.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = workbook.worksheets
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == [*EXPERT_HEADERS, "接受指派"]
    assert rows[1][0] == "ZJ-2026-00001"
    assert notes.max_row > 5


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        # The experts' example row has the 编号 of an expert the test creates: an update.
        ("experts", "0 new, 1 updated"),
        ("societies", "1 new, 0 updated"),
        ("problems", "1 new, 0 updated"),
    ],
)
def test_the_template_imports_cleanly_as_a_dry_run(
    kind, counts, client_for, staff_xj, write_file, run_command
):
    ExpertFactory(ref="ZJ-2026-00001")
    ExpertFactory(ref="ZJ-2026-00002")
    data = client_for(staff_xj).get(f"/data/import/{kind}/template.xlsx").content
    path = write_file("template.xlsx", data)

    code, out, err = run_command(f"import_{kind}", str(path), "--dry-run")

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"template.xlsx: 1 rows; {counts}, 0 unchanged, 0 with errors.",
        "Dry run: nothing was written.",
    ]


@pytest.mark.parametrize(
    "user", ["ent_a_user", "expert_user", "official_user", "society_admin_user"]
)
@pytest.mark.parametrize(
    "url",
    ["/data/import/experts/", "/data/import/problems/template.xlsx", "/data/export/experts/"],
)
def test_non_staff_are_refused(user, url, request, client_for):
    assert client_for(request.getfixturevalue(user)).get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/data/import/experts/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/data/import/experts/",
    )


def test_unknown_kind_is_404(client_for, staff_xj):
    client = client_for(staff_xj)
    assert client.get("/data/import/users/").status_code == 404
    assert client.get("/data/export/users/").status_code == 404


def test_another_users_job_is_404(client_for, staff_xj, staff_tc):
    upload(client_for(staff_xj), "experts", "p.xlsx", xlsx(EXPERT_HEADERS, [expert_row()]))
    job = ImportJob.objects.get()
    other = client_for(staff_tc)
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"}).status_code == 404
    assert Expert.objects.count() == 0


def test_export_follows_the_list_filter_and_escapes_formulas(client_for, staff_xj):
    ExpertFactory(ref="A", name="=HYPERLINK(1)", region=region("654201"))
    ExpertFactory(ref="B", region=region("653101"))
    response = client_for(staff_xj).get(
        "/data/export/experts/", {"region": "654200", "format": "csv"}
    )
    text = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(text) == 2
    assert text[1].split(",")[:2] == ["A", "'=HYPERLINK(1)"]


def test_problem_export_is_scoped_to_the_staff_region(client_for, staff_tc):
    tc = EnterpriseFactory(region=region("654201"))
    ks = EnterpriseFactory(region=region("653101"))
    ProblemFactory(enterprise=tc, region=tc.region, status=Problem.Status.ACCEPTED, ref="P-TC")
    ProblemFactory(enterprise=ks, region=ks.region, status=Problem.Status.ACCEPTED, ref="P-KS")
    response = client_for(staff_tc).get("/data/export/problems/", {"format": "csv"})
    rows = response.content.decode("utf-8-sig").splitlines()
    assert [row.split(",")[0] for row in rows] == ["编号", "P-TC"]


def test_admin_import_runs_the_same_engine(client_for, admin_user):
    from problems.models import Problem

    client = client_for(admin_user)
    headers = ["编号", "企业名称", "所属行业", "难题名称", "难题描述", "期望目标", "所在地区"]
    good = ["HB-1", "新疆天业（集团）有限公司", "C26", "催化剂寿命", "寿命不足。", "", "石河子市"]
    bad = ["HB-2", "新疆天业（集团）有限公司", "Z99", "催化剂寿命", "寿命不足。", "", "石河子市"]

    response = client.post(
        "/admin/problems/problem/import/",
        {
            "import_file": SimpleUploadedFile("a.xlsx", xlsx(headers, [good, bad])),
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    assert Problem.objects.count() == 0

    response = client.post(
        "/admin/problems/problem/import/",
        {
            "import_file": SimpleUploadedFile("a.xlsx", xlsx(headers, [good])),
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert not response.context["result"].has_errors()
    confirm = response.context["confirm_form"]
    response = client.post("/admin/problems/problem/process_import/", confirm.initial)
    assert response.status_code == 302
    assert list(Problem.objects.values_list("ref", "status")) == [("HB-1", "accepted")]
    job = ImportJob.objects.get()
    assert (job.source, job.kind, job.created_by, job.original_name) == (
        "admin",
        "problems",
        admin_user,
        "a.xlsx (admin)",
    )


def test_admin_csv_import_reads_gbk(client_for, admin_user):
    client = client_for(admin_user)
    data = csv_bytes(EXPERT_HEADERS, [expert_row("ZJ-9", 姓名="阿不都热合曼·买买提")], "gb18030")
    response = client.post(
        "/admin/experts/expert/import/",
        {"import_file": SimpleUploadedFile("a.csv", data), "format": "1", "resource": "0"},
    )
    assert response.status_code == 200
    assert not response.context["result"].has_errors()
    client.post("/admin/experts/expert/process_import/", response.context["confirm_form"].initial)
    assert Expert.objects.get().name == "阿不都热合曼·买买提"


def test_admin_export_escapes_formulas(client_for, admin_user):
    ExpertFactory(ref="=1+2", name="@SUM(A1)")
    response = client_for(admin_user).post(
        "/admin/experts/expert/export/",
        {
            "format": "1",
            "resource": "0",
            "export_items": [],
            **{f"expertresource_{name}": "on" for name in ("ref", "name")},
        },
    )
    body = response.content.decode("utf-8-sig")
    assert "'=1+2" in body
    assert "'@SUM(A1)" in body
