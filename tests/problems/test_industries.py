"""GB/T 4754-2017 industry reference data: problems/data/industries.csv and its migration."""

import csv
import importlib
import re
import string
from pathlib import Path

import pytest
from django.apps import apps as django_apps

import problems
from problems.models import Industry

INDUSTRIES_CSV = Path(problems.__file__).resolve().parent / "data" / "industries.csv"
DOOR_LETTERS = list(string.ascii_uppercase[:20])  # A … T

SPOT_CHECKS = [
    ("A", "农、林、牧、渔业"),
    ("C", "制造业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("T", "国际组织"),
    ("A03", "畜牧业"),
    ("B07", "石油和天然气开采业"),
    ("C13", "农副食品加工业"),
    ("C26", "化学原料和化学制品制造业"),
    ("C38", "电气机械和器材制造业"),
    ("C39", "计算机、通信和其他电子设备制造业"),
    ("C43", "金属制品、机械和设备修理业"),
    ("I63", "电信、广播电视和卫星传输服务"),
    ("I64", "互联网和相关服务"),
    ("I65", "软件和信息技术服务业"),
    ("O80", "居民服务业"),
    ("O81", "机动车、电子产品和日用产品修理业"),
    ("O82", "其他服务业"),
    ("R90", "娱乐业"),
    ("S91", "中国共产党机关"),
    ("S96", "基层群众自治组织及其他组织"),
    ("T97", "国际组织"),
]


def test_csv_parses_with_unique_codes_and_existing_parents():
    with INDUSTRIES_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["code", "name", "parent"]
        rows = list(reader)
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    known = set(codes)
    for row in rows:
        assert row["name"], row
        assert len(row["name"]) <= 60, row
        if row["parent"]:
            assert row["parent"] in known, row
    assert len(rows) == 117


@pytest.mark.django_db
def test_twenty_doors():
    doors = Industry.objects.filter(parent__isnull=True).order_by("code")
    assert [door.code for door in doors] == DOOR_LETTERS


@pytest.mark.django_db
def test_ninety_seven_majors():
    majors = Industry.objects.filter(parent__isnull=False).select_related("parent")
    assert majors.count() == 97
    numbers = sorted(int(major.code[1:]) for major in majors)
    assert numbers == list(range(1, 98))
    for major in majors:
        assert re.fullmatch(r"[A-T]\d{2}", major.code), major.code
        assert major.parent.parent_id is None, major.code
        assert major.parent.code in DOOR_LETTERS, major.code
        assert major.code.startswith(major.parent.code), major.code
    assert Industry.objects.count() == 117


@pytest.mark.django_db
def test_every_door_has_majors():
    for door in Industry.objects.filter(parent__isnull=True):
        assert door.children.exists(), door.code


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "name"), SPOT_CHECKS)
def test_names(code, name):
    assert Industry.objects.get(code=code).name == name


@pytest.mark.django_db
def test_door_ranges():
    ranges = {
        door: sorted(Industry.objects.filter(parent_id=door).values_list("code", flat=True))
        for door in ("C", "I", "O", "R", "S", "T")
    }
    assert ranges["C"] == [f"C{n}" for n in range(13, 44)]
    assert ranges["I"] == ["I63", "I64", "I65"]
    assert ranges["O"] == ["O80", "O81", "O82"]
    assert ranges["R"] == ["R86", "R87", "R88", "R89", "R90"]
    assert ranges["S"] == [f"S{n}" for n in range(91, 97)]
    assert ranges["T"] == ["T97"]


@pytest.mark.django_db
def test_loading_is_idempotent():
    migration = importlib.import_module("problems.migrations.0002_load_industries")
    before = list(Industry.objects.order_by("code").values_list("code", "name", "parent"))
    migration.load_industries(django_apps, None)
    after = list(Industry.objects.order_by("code").values_list("code", "name", "parent"))
    assert after == before
