import pytest

from experts.models import Society
from tests.factories import ExpertFactory, SocietyFactory

from .files import csv_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "编号",
    "名称",
    "级别",
    "学科领域",
    "所在地区",
    "联系人",
    "联系电话",
    "联系邮箱",
    "业务专长",
    "会员专家编号",
]


def row(ref="XH-1", **overrides):
    values = {
        "编号": ref,
        "名称": "新疆化学化工学会",
        "级别": "自治区学会",
        "学科领域": "化学工程、150",
        "所在地区": "新疆",
        "联系人": "李秘书长",
        "联系电话": "0991-1234567",
        "联系邮箱": "HX@xjast.org.cn",
        "业务专长": "煤化工",
        "会员专家编号": "ZJ-1；ZJ-2",
    } | overrides
    return [values[h] for h in HEADERS]


def test_societies_import_with_members_and_disciplines(write_file, run_command):
    one, two = ExpertFactory(ref="ZJ-1"), ExpertFactory(ref="ZJ-2")
    path = write_file(
        "s.csv",
        csv_bytes(
            HEADERS, [row(), row("XH-2", 名称="石河子大学科协", 级别="高校科协", 会员专家编号="")]
        ),
    )

    code, out, _ = run_command("import_societies", str(path))

    assert code == 0, out
    society = Society.objects.get(ref="XH-1")
    assert (society.level, society.region_id, society.contact_email) == (
        "region",
        "650000",
        "hx@xjast.org.cn",
    )
    assert sorted(society.disciplines.values_list("code", flat=True)) == ["150", "530"]
    assert set(society.members.all()) == {one, two}
    assert Society.objects.get(ref="XH-2").level == "university"


def test_unknown_member_and_taken_name_are_errors(write_file, run_command):
    SocietyFactory(ref="XH-OLD", name="新疆化学化工学会")
    path = write_file("s.csv", csv_bytes(HEADERS, [row(会员专家编号="ZJ-404")]))
    code, out, _ = run_command("import_societies", str(path))
    assert code == 1
    assert out.splitlines()[1] == (
        "Row 2, column “会员专家编号”, value “ZJ-404”: "
        "No expert with 编号 ZJ-404 in the talent pool."
    )
    assert Society.objects.count() == 1


def test_a_name_taken_by_another_society_is_an_error(write_file, run_command):
    SocietyFactory(ref="XH-OLD", name="新疆化学化工学会")
    ExpertFactory(ref="ZJ-1"), ExpertFactory(ref="ZJ-2")
    path = write_file("s.csv", csv_bytes(HEADERS, [row()]))
    code, out, _ = run_command("import_societies", str(path))
    assert code == 1
    assert out.splitlines()[1] == (
        "Row 2, column “名称”, value “新疆化学化工学会”: Another society (XH-OLD) already has "
        "this name."
    )
    assert list(Society.objects.values_list("ref", flat=True)) == ["XH-OLD"]
