"""The GB/T 13745-2009 data file and what the migration loaded from it."""

import csv
from pathlib import Path

import pytest

from experts.models import Discipline

CSV_PATH = Path(__file__).resolve().parents[2] / "experts" / "data" / "disciplines.csv"

FIRST_LEVEL = {
    "110": "数学",
    "120": "信息科学与系统科学",
    "130": "力学",
    "140": "物理学",
    "150": "化学",
    "160": "天文学",
    "170": "地球科学",
    "180": "生物学",
    "190": "心理学",
    "210": "农学",
    "220": "林学",
    "230": "畜牧、兽医科学",
    "240": "水产学",
    "310": "基础医学",
    "320": "临床医学",
    "330": "预防医学与公共卫生学",
    "340": "军事医学与特种医学",
    "350": "药学",
    "360": "中医学与中药学",
    "410": "工程与技术科学基础学科",
    "413": "信息与系统科学相关工程与技术",
    "416": "自然科学相关工程与技术",
    "420": "测绘科学技术",
    "430": "材料科学",
    "440": "矿山工程技术",
    "450": "冶金工程技术",
    "460": "机械工程",
    "470": "动力与电气工程",
    "480": "能源科学技术",
    "490": "核科学技术",
    "510": "电子与通信技术",
    "520": "计算机科学技术",
    "530": "化学工程",
    "535": "产品应用相关工程与技术",
    "540": "纺织科学技术",
    "550": "食品科学技术",
    "560": "土木建筑工程",
    "570": "水利工程",
    "580": "交通运输工程",
    "590": "航空、航天科学技术",
    "610": "环境科学技术及资源科学技术",
    "620": "安全科学技术",
    "630": "管理学",
    "710": "马克思主义",
    "720": "哲学",
    "730": "宗教学",
    "740": "语言学",
    "750": "文学",
    "760": "艺术学",
    "770": "历史学",
    "780": "考古学",
    "790": "经济学",
    "810": "政治学",
    "820": "法学",
    "830": "军事学",
    "840": "社会学",
    "850": "民族学与文化学",
    "860": "新闻学与传播学",
    "870": "图书馆、情报与文献学",
    "880": "教育学",
    "890": "体育科学",
    "910": "统计学",
}


def rows() -> list[dict]:
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_file_has_unique_codes_and_existing_parents():
    data = rows()
    codes = [row["code"] for row in data]
    assert len(codes) == len(set(codes))
    first = {row["code"] for row in data if not row["parent"]}
    for row in data:
        if row["parent"]:
            assert len(row["code"]) == 5 and row["code"].startswith(row["parent"]), row
            assert row["parent"] in first, row
        else:
            assert len(row["code"]) == 3, row


def test_all_62_first_level_disciplines_are_present_with_their_names():
    data = {row["code"]: row["name"] for row in rows() if not row["parent"]}
    assert len(FIRST_LEVEL) == 62
    assert data == FIRST_LEVEL


def test_every_first_level_discipline_has_second_level_children():
    data = rows()
    parents = {row["parent"] for row in data if row["parent"]}
    assert parents == set(FIRST_LEVEL)
    assert sum(1 for row in data if row["parent"]) == 738


@pytest.mark.django_db
def test_the_migration_loaded_the_file():
    assert Discipline.objects.filter(level=1).count() == 62
    assert Discipline.objects.filter(level=2).count() == 738
    livestock = Discipline.objects.get(code="23020")
    assert (livestock.name, livestock.parent.name) == ("畜牧学", "畜牧、兽医科学")
    assert Discipline.objects.get(code="41050").former_name_list() == [
        "标准化科学技术",
        "标准化学",
        "标准学",
    ]


def test_every_alias_points_at_an_existing_discipline_and_is_not_a_standard_name():
    from experts.resources import discipline_aliases

    data = {row["code"]: row["name"] for row in rows()}
    aliases = discipline_aliases()
    assert len(aliases) >= 30
    for alias, code in aliases.items():
        assert code in data, alias
        assert alias not in data.values(), alias
