import getpass

import pytest

from problems.models import Enterprise, Problem, ProblemEvent
from tests.factories import EnterpriseFactory, region

from .files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["编号", "企业名称", "所属行业", "难题名称", "难题描述", "期望目标", "所在地区"]


def row(ref="HB-1", **overrides):
    values = {
        "编号": ref,
        "企业名称": "新疆天业（集团）有限公司",
        "所属行业": "C26 化学原料和化学制品制造业",
        "难题名称": "无汞催化剂寿命不足",
        "难题描述": "现有无汞催化剂寿命不足 4000 小时。",
        "期望目标": "寿命达到 8000 小时。",
        "所在地区": "石河子市",
    } | overrides
    return [values[h] for h in HEADERS]


def test_problems_enter_the_pool_accepted_with_an_import_event(write_file, run_command, staff_xj):
    existing = EnterpriseFactory(name="特变电工股份有限公司", region=region("650100"))
    rows = [
        row("HB-1"),
        row("HB-2", 企业名称="特变电工股份有限公司", 所属行业="38", 所在地区="650100"),
        row("HB-3", 企业名称="新疆天业(集团)有限公司", 所属行业="化学原料和化学制品制造业"),
    ]
    path = write_file("problems.xlsx", xlsx(HEADERS, rows))

    code, out, _ = run_command("import_problems", str(path), "--user", "staff_xj")

    assert code == 0, out
    problems = list(Problem.objects.order_by("ref"))
    assert [(p.ref, p.status, p.industry_id, p.region_id) for p in problems] == [
        ("HB-1", "accepted", "C26", "659001"),
        ("HB-2", "accepted", "C38", "650100"),
        ("HB-3", "accepted", "C26", "659001"),
    ]
    assert problems[1].enterprise == existing
    # Full-width and half-width brackets name the same enterprise: one is created, not two.
    assert Enterprise.objects.count() == 2
    created = Enterprise.objects.exclude(pk=existing.pk).get()
    assert (created.status, created.credit_code) == ("pending", None)
    assert all(p.number.startswith("KBZ-") for p in problems)
    event = ProblemEvent.objects.get(problem=problems[0])
    assert (event.actor, event.from_status, event.to_status) == (staff_xj, "", "accepted")
    assert event.reason == "Imported from problems.xlsx (command line, staff_xj)."


def test_reimport_of_problems_updates_and_records_it(write_file, run_command):
    path = write_file("p.csv", csv_bytes(HEADERS, [row("HB-1"), row("HB-2")]))
    run_command("import_problems", str(path))
    path = write_file("q.csv", csv_bytes(HEADERS, [row("HB-1"), row("HB-2", 难题名称="新名称")]))

    _code, out, _ = run_command("import_problems", str(path))

    assert out.splitlines()[0] == "q.csv: 2 rows; 0 new, 1 updated, 1 unchanged, 0 with errors."
    assert Problem.objects.count() == 2
    problem = Problem.objects.get(ref="HB-2")
    assert problem.title == "新名称"
    who = getpass.getuser()
    assert problem.events.last().reason == f"Updated from q.csv (command line, {who}): 难题名称."


def test_bad_industry_refuses_the_file(write_file, run_command):
    path = write_file("p.csv", csv_bytes(HEADERS, [row("HB-1"), row("HB-2", 所属行业="Z99")]))
    code, out, _ = run_command("import_problems", str(path))
    assert code == 1
    assert out.splitlines()[1] == (
        "Row 3, column “所属行业”, value “Z99”: Unknown industry: give a GB/T 4754 code (C26) "
        "or name (化学原料和化学制品制造业)."
    )
    assert (Problem.objects.count(), Enterprise.objects.count()) == (0, 0)


def test_exported_problems_without_ref_reimport_by_number(
    write_file, run_command, client_for, staff_xj
):
    path = write_file("p.csv", csv_bytes(HEADERS, [row("HB-1")]))
    run_command("import_problems", str(path))
    Problem.objects.update(ref=None)
    response = client_for(staff_xj).get("/data/export/problems/", {"format": "xlsx"})
    path = write_file("export.xlsx", response.content)
    _code, out, _ = run_command("import_problems", str(path))
    assert out.splitlines()[0] == (
        "export.xlsx: 1 rows; 0 new, 0 updated, 1 unchanged, 0 with errors."
    )
    assert out.splitlines()[1] == "Ignored columns: 受理编号、状态"


def test_reimport_with_an_emptied_optional_cell_clears_it(write_file, run_command):
    path = write_file("p.csv", csv_bytes(HEADERS, [row("HB-1")]))
    run_command("import_problems", str(path))
    path = write_file("q.csv", csv_bytes(HEADERS, [row("HB-1", 期望目标="")]))

    code, out, _ = run_command("import_problems", str(path))

    assert (code, out.splitlines()[0]) == (
        0,
        "q.csv: 1 rows; 0 new, 1 updated, 0 unchanged, 0 with errors.",
    )
    assert Problem.objects.get(ref="HB-1").expected_goal == ""


def test_an_empty_category_means_other(write_file, run_command):
    headers = [*HEADERS, "难题类别"]
    path = write_file("p.csv", csv_bytes(headers, [[*row("HB-1"), "关键材料"]]))
    run_command("import_problems", str(path))
    path = write_file("q.csv", csv_bytes(headers, [[*row("HB-1"), ""]]))

    code, _out, _ = run_command("import_problems", str(path))

    assert (code, Problem.objects.get(ref="HB-1").category) == (0, "other")
