import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import ImportJob
from experts.models import Expert
from tests.factories import ExpertFactory, discipline, region

from .files import EXPERT_HEADERS, csv_bytes, expert_row, xlsx, xlsx_with_entity

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        (
            e.ref,
            e.name,
            e.gender,
            e.employer,
            e.title,
            tuple(sorted(d.code for d in e.disciplines.all())),
            e.research_directions,
            e.region_id,
            e.email,
            e.mobile,
            e.accepting,
        )
        for e in Expert.objects.prefetch_related("disciplines")
    )


def test_xlsx_import_creates_experts_with_everything_parsed(write_file, run_command):
    rows = [
        expert_row("ZJ-1"),
        expert_row(
            "ZJ-2",
            姓名="陳曉明",
            性别="女",
            工作单位="新疆農業大學",
            学科领域="航空、航天科学技术、110",
            研究方向="膜下滴灌\n節水灌溉",
            所在地区="伊犁州",
            邮箱="",
            手机="138 0000 0001",
        ),
    ]
    path = write_file("pool.xlsx", xlsx(EXPERT_HEADERS, rows, notes=True))

    code, out, err = run_command("import_experts", str(path))

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "pool.xlsx: 2 rows; 2 new, 0 updated, 0 unchanged, 0 with errors.",
        "Imported.",
    ]
    assert snapshot() == [
        (
            "ZJ-1",
            "王建国",
            "M",
            "新疆大学",
            "教授",
            ("230", "530"),
            "煤化工\n精细化工",
            "650100",
            "wang@xju.edu.cn",
            "13899912345",
            True,
        ),
        (
            "ZJ-2",
            "陳曉明",
            "F",
            "新疆農業大學",
            "教授",
            ("110", "590"),
            "膜下滴灌\n節水灌溉",
            "654000",
            "",
            "13800000001",
            True,
        ),
    ]
    # Stored as written; searchable in Simplified script.
    assert (
        Expert.objects.get(ref="ZJ-2").search_text
        == "陈晓明\n新疆农业大学\n教授\n膜下滴灌\n节水灌溉\n"
        "陈晓 晓明 新疆 疆农 农业 业大 大学 教授 膜下 下滴 滴灌 节水 水灌 灌溉"
    )
    job = ImportJob.objects.get()
    assert (job.kind, job.source, job.status, job.original_name) == (
        "experts",
        "cli",
        "done",
        "pool.xlsx",
    )


def test_dry_run_writes_nothing_and_prints_the_same_report(write_file, run_command):
    path = write_file("pool.xlsx", xlsx(EXPERT_HEADERS, [expert_row("ZJ-1")]))

    code, out, _ = run_command("import_experts", str(path), "--dry-run")

    assert code == 0
    assert out.splitlines() == [
        "pool.xlsx: 1 rows; 1 new, 0 updated, 0 unchanged, 0 with errors.",
        "Dry run: nothing was written.",
    ]
    assert (Expert.objects.count(), ImportJob.objects.count()) == (0, 0)


def test_reimport_updates_by_ref_and_reports_unchanged_rows(write_file, run_command):
    first = write_file("a.xlsx", xlsx(EXPERT_HEADERS, [expert_row("ZJ-1"), expert_row("ZJ-2")]))
    run_command("import_experts", str(first))
    second = write_file(
        "b.xlsx", xlsx(EXPERT_HEADERS, [expert_row("ZJ-1"), expert_row("ZJ-2", 职称="研究员")])
    )

    code, out, _ = run_command("import_experts", str(second))

    assert code == 0
    assert out.splitlines()[0] == "b.xlsx: 2 rows; 0 new, 1 updated, 1 unchanged, 0 with errors."
    assert Expert.objects.count() == 2
    assert Expert.objects.get(ref="ZJ-2").title == "研究员"
    assert "研究员" in Expert.objects.get(ref="ZJ-2").search_text


def test_gbk_csv_and_utf8_bom_csv_import_alike(write_file, run_command):
    rows = [expert_row("ZJ-1", 姓名="热依汗古丽", 所在地区="博州")]
    gbk = write_file("gbk.csv", csv_bytes(EXPERT_HEADERS, rows, encoding="gb18030"))
    code, out, _ = run_command("import_experts", str(gbk))
    assert code == 0
    assert Expert.objects.get().name == "热依汗古丽"
    assert Expert.objects.get().region_id == "652700"

    bom = write_file("bom.csv", csv_bytes(EXPERT_HEADERS, rows, encoding="utf-8-sig"))
    code, out, _ = run_command("import_experts", str(bom))
    assert out.splitlines()[0] == "bom.csv: 1 rows; 0 new, 0 updated, 1 unchanged, 0 with errors."


def test_headers_with_spaces_full_width_and_traditional_script_are_recognised(
    write_file, run_command
):
    headers = [
        " 编号",
        "姓 名",
        "性别",
        "工作單位",
        "職稱 ",
        "学科领域",
        "研究方向",
        "所在地区",
        "邮箱",
        "手機",
    ]
    path = write_file("h.csv", csv_bytes(headers, [expert_row("ZJ-1")]))
    code, _out, _ = run_command("import_experts", str(path))
    assert code == 0
    assert Expert.objects.get().employer == "新疆大学"


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("530", ["530"]),
        ("化学工程", ["530"]),
        ("530 化学工程", ["530"]),
        ("530化学工程;110", ["110", "530"]),
        ("畜牧、兽医科学、化学工程", ["230", "530"]),
        ("数学，航空、航天科学技术", ["110", "590"]),
        ("数学,11011", ["110", "11011"]),
        ("化學工程", ["530"]),
        ("畜牧、獸醫科學；化學工程", ["230", "530"]),
        ("44055 石油、天然氣儲存與運輸工程", ["44055"]),
        ("材料科学与工程、计算机科学与技术", ["430", "520"]),
        ("标准化科学技术", ["41050"]),
    ],
)
def test_discipline_cells_by_code_name_and_separators(cell, codes, write_file, run_command):
    path = write_file("d.csv", csv_bytes(EXPERT_HEADERS, [expert_row("ZJ-1", 学科领域=cell)]))
    code, out, _ = run_command("import_experts", str(path))
    assert code == 0, out
    assert sorted(Expert.objects.get().disciplines.values_list("code", flat=True)) == codes


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("654000", "654000"),
        ("伊犁哈萨克自治州", "654000"),
        ("伊犁州", "654000"),
        ("新疆维吾尔自治区伊犁哈萨克自治州伊宁市", "654002"),
        ("新疆 伊犁州 伊宁市", "654002"),
        ("塔城地区", "654200"),
        ("塔城", "654200"),
        ("塔城市", "654201"),
        ("巴州", "652800"),
        ("喀什", "653100"),
        ("北京市", "110000"),
        (650100, "650100"),
    ],
)
def test_region_cells_by_code_full_and_short_name(cell, code, write_file, run_command):
    path = write_file("r.xlsx", xlsx(EXPERT_HEADERS, [expert_row("ZJ-1", 所在地区=cell)]))
    code_, out, _ = run_command("import_experts", str(path))
    assert code_ == 0, out
    assert Expert.objects.get().region_id == code


def test_spreadsheet_numbers_are_read_as_text(write_file, run_command):
    row = expert_row("ZJ-1", 手机=13899912345.0, 学科领域=530)
    path = write_file("n.xlsx", xlsx(EXPERT_HEADERS, [row]))
    code, _, _ = run_command("import_experts", str(path))
    expert = Expert.objects.get()
    assert (code, expert.mobile, list(expert.disciplines.values_list("code", flat=True))) == (
        0,
        "13899912345",
        ["530"],
    )


BAD_ROWS = [
    ({"邮箱": "wang@"}, "邮箱", "wang@", "Not a valid email address."),
    (
        {"手机": "12345678901"},
        "手机",
        "12345678901",
        "Not a mainland mobile number (11 digits starting with 13–19).",
    ),
    (
        {"所在地区": "火星"},
        "所在地区",
        "火星",
        "Unknown region: give a GB/T 2260 code (654000) or a name (伊犁哈萨克自治州).",
    ),
    (
        {"学科领域": "化学工程；炼金术"},
        "学科领域",
        "化学工程；炼金术",
        "Unknown discipline “炼金术”: use a GB/T 13745 code (530) or name (化学工程).",
    ),
    ({"姓名": ""}, "姓名", "", "This column is required."),
    ({"性别": "未知"}, "性别", "未知", "Not one of: Male、Female."),
    (
        {"工作单位": "新" * 101},
        "工作单位",
        "新" * 80,
        "Too long: at most 100 characters (this has 101).",
    ),
]


@pytest.mark.parametrize(("overrides", "column", "value", "message"), BAD_ROWS)
def test_a_bad_cell_refuses_the_whole_file_naming_row_column_and_value(
    overrides, column, value, message, write_file, run_command
):
    ExpertFactory(ref="OLD", name="旧专家")
    before = snapshot()
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2", **overrides), expert_row("OLD", 职称="x")]
    path = write_file("bad.xlsx", xlsx(EXPERT_HEADERS, rows))

    code, out, err = run_command("import_experts", str(path))

    assert code == 1
    assert out.splitlines() == [
        "bad.xlsx: 3 rows; 1 new, 1 updated, 0 unchanged, 1 with errors.",
        f"Row 3, column “{column}”, value “{value}”: {message}",
        "Nothing was written: correct the errors and import the file again.",
    ]
    assert (
        err == "CommandError: Nothing was written: correct the errors and import the file again.\n"
    )
    assert snapshot() == before
    assert ImportJob.objects.count() == 0


def test_skip_errors_imports_the_valid_rows_and_reports_the_rest(write_file, run_command):
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2", 邮箱="x@"), expert_row("ZJ-3")]
    path = write_file("s.xlsx", xlsx(EXPERT_HEADERS, rows))
    code, out, _ = run_command("import_experts", str(path), "--skip-errors")
    assert code == 0
    assert out.splitlines()[-1] == "Imported the valid rows; the rows with errors were skipped."
    assert sorted(Expert.objects.values_list("ref", flat=True)) == ["ZJ-1", "ZJ-3"]


def test_duplicate_ref_in_the_file_is_an_error(write_file, run_command):
    rows = [expert_row("ZJ-1"), expert_row("ZJ-2"), expert_row("ZJ-1", 姓名="别人")]
    path = write_file("dup.xlsx", xlsx(EXPERT_HEADERS, rows))
    code, out, _ = run_command("import_experts", str(path))
    assert code == 1
    assert out.splitlines()[1] == (
        "Row 4, column “编号”, value “ZJ-1”: Duplicate: the same 编号 is on row 2."
    )
    assert Expert.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.xlsx", b"", "empty.xlsx is empty."),
        ("empty.csv", "\ufeff\n\n".encode(), "empty.csv is empty."),
        ("only.csv", csv_bytes(EXPERT_HEADERS, []), "only.csv has a header row but no data rows."),
        (
            "text.xlsx",
            csv_bytes(EXPERT_HEADERS, [expert_row()]),
            "text.xlsx is named .xlsx but is not a workbook; open it in Excel and save as .xlsx.",
        ),
        (
            "book.csv",
            xlsx(EXPERT_HEADERS, [expert_row()]),
            "book.csv is named .csv but is an Excel workbook; rename it to .xlsx.",
        ),
        (
            "corrupt.xlsx",
            xlsx(EXPERT_HEADERS, [expert_row()])[:400],
            "corrupt.xlsx is not a readable XLSX workbook (BadZipFile).",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "old.xls is in the old .xls format; open it in Excel and save as .xlsx.",
        ),
        (
            "headers.csv",
            csv_bytes(["编号", "名字", "单位"], [["1", "2", "3"]]),
            "headers.csv: missing columns 姓名、工作单位、所在地区. The header row must name the "
            "columns: 编号,姓名,性别,工作单位,职称,学科领域,研究方向,所在地区,邮箱,手机,接受指派.",
        ),
        (
            "latin.csv",
            "编号,姓名\n".encode("utf-16-le")[:7] + b"\xff\xfe\xfd\x80\x81\xff",
            "latin.csv: the text is neither UTF-8 nor GBK/GB18030; save it as “CSV UTF-8”.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    name, data, message, write_file, run_command
):
    path = write_file(name, data)
    code, out, err = run_command("import_experts", str(path))
    assert (code, out, err) == (1, "", f"CommandError: {message}\n")
    assert Expert.objects.count() == 0


def test_xlsx_with_an_external_entity_is_refused(write_file, run_command):
    path = write_file("xxe.xlsx", xlsx_with_entity())
    code, out, err = run_command("import_experts", str(path))
    assert code == 1
    assert err.startswith("CommandError: xxe.xlsx could not be read safely as an XLSX workbook")
    assert "root:" not in out + err


def test_missing_file_is_an_error(run_command):
    assert run_command("import_experts", "/nonexistent/x.xlsx")[2] == (
        "CommandError: /nonexistent/x.xlsx: no such file.\n"
    )


def database_url() -> str:
    """The test database, for a command run in a child process (it sees committed rows:
    the reference data the migrations loaded)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or 'localhost'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=False)
def test_the_real_command_exits_non_zero_without_a_traceback_in_chinese(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(EXPERT_HEADERS, [expert_row("ZJ-1", 邮箱="x@")], "gb18030"))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_experts", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url()},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "第 2 行" in result.stdout


def test_export_then_import_changes_nothing(write_file, run_command, client_for, staff_xj):
    ExpertFactory(
        ref="A-1",
        name="古丽米拉·阿不都",
        gender="F",
        disciplines=[discipline("230"), discipline("53011")],
        research_directions="=1+1 公式样文本\n-40℃ 低温材料",
        region=region("654000"),
        email="g@x.cn",
        mobile="13912345678",
    )
    ExpertFactory(ref="A-2", region=region("654201"), accepting=False)
    before = snapshot()
    client = client_for(staff_xj)
    for fmt, name in (("xlsx", "e.xlsx"), ("csv", "e.csv")):
        response = client.get("/data/export/experts/", {"format": fmt})
        assert response.status_code == 200
        path = write_file(name, response.content)
        _code, out, _ = run_command("import_experts", str(path))
        assert (
            out.splitlines()[0] == f"{name}: 2 rows; 0 new, 0 updated, 2 unchanged, 0 with errors."
        )
        assert snapshot() == before


def test_a_title_row_above_the_headers_and_annotated_headers_are_understood(
    write_file, run_command
):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2026年新疆专家信息汇总表"])
    sheet.merge_cells("A1:J1")
    sheet.append([])
    sheet.append([*EXPERT_HEADERS[:9], "手机（必填）"])
    sheet.append(expert_row("ZJ-1"))
    path = tmp = write_file("title.xlsx", b"")
    workbook.save(tmp)

    code, out, _ = run_command("import_experts", str(path))

    assert (code, out.splitlines()[0]) == (
        0,
        "title.xlsx: 1 rows; 1 new, 0 updated, 0 unchanged, 0 with errors.",
    )
    assert Expert.objects.get().mobile == "13899912345"
