"""Region reference data: accounts/data/regions.csv and migration accounts/0003_load_regions."""

import csv
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

import accounts
from accounts.models import Region

REGIONS_CSV = Path(accounts.__file__).resolve().parent / "data" / "regions.csv"
XINJIANG = "650000"
CORPS_GROUP = "659000"
SPECIAL_PROVINCES = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}

XINJIANG_PREFECTURES = [
    ("650100", "乌鲁木齐市"),
    ("650200", "克拉玛依市"),
    ("650400", "吐鲁番市"),
    ("650500", "哈密市"),
    ("652300", "昌吉回族自治州"),
    ("652700", "博尔塔拉蒙古自治州"),
    ("652800", "巴音郭楞蒙古自治州"),
    ("652900", "阿克苏地区"),
    ("653000", "克孜勒苏柯尔克孜自治州"),
    ("653100", "喀什地区"),
    ("653200", "和田地区"),
    ("654000", "伊犁哈萨克自治州"),
    ("654200", "塔城地区"),
    ("654300", "阿勒泰地区"),
]

CORPS_CITIES = [
    ("659001", "石河子市"),
    ("659002", "阿拉尔市"),
    ("659003", "图木舒克市"),
    ("659004", "五家渠市"),
    ("659005", "北屯市"),
    ("659006", "铁门关市"),
    ("659007", "双河市"),
    ("659008", "可克达拉市"),
    ("659009", "昆玉市"),
    ("659010", "胡杨河市"),
    ("659011", "新星市"),
    ("659012", "白杨市"),
]


def read_csv() -> list[dict[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_parses_with_unique_codes_and_existing_parents():
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["code", "name", "level", "parent"]
        rows = list(reader)
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    known = set(codes)
    for row in rows:
        assert len(row["code"]) == 6 and row["code"].isdigit(), row
        assert row["name"], row
        assert row["level"] in {"1", "2", "3"}, row
        if row["level"] == "1":
            assert row["parent"] == "", row
        else:
            assert row["parent"] in known, row
            assert row["parent"] < row["code"], row


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "name"), XINJIANG_PREFECTURES)
def test_xinjiang_prefectures(code, name):
    region = Region.objects.get(code=code)
    assert region.name == name
    assert region.level == Region.Level.PREFECTURE
    assert region.parent_id == XINJIANG


@pytest.mark.django_db
def test_corps_grouping_and_cities():
    group = Region.objects.get(code=CORPS_GROUP)
    assert group.name == "自治区直辖县级行政区划"
    assert group.level == Region.Level.PREFECTURE
    assert group.parent_id == XINJIANG

    cities = list(Region.objects.filter(parent_id=CORPS_GROUP).order_by("code"))
    assert [(city.code, city.name) for city in cities] == CORPS_CITIES
    assert all(city.level == Region.Level.COUNTY for city in cities)


@pytest.mark.django_db
def test_xinjiang_has_exactly_fifteen_prefecture_level_entries():
    codes = set(Region.objects.filter(level=Region.Level.PREFECTURE).values_list("code", flat=True))
    assert codes == {code for code, _ in XINJIANG_PREFECTURES} | {CORPS_GROUP}


@pytest.mark.django_db
def test_counties_share_their_prefecture_prefix():
    counties = Region.objects.filter(level=Region.Level.COUNTY).select_related("parent")
    assert counties.exists()
    for county in counties:
        assert county.parent is not None, county.code
        assert county.parent.level == Region.Level.PREFECTURE, county.code
        assert county.code.startswith(county.parent.code[:4]), county.code


@pytest.mark.django_db
def test_provinces():
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    assert all(province.parent_id is None for province in provinces)
    mainland = provinces.exclude(code__in=SPECIAL_PROVINCES)
    assert mainland.count() == 31
    assert Region.objects.get(code=XINJIANG).name == "新疆维吾尔自治区"
    special = dict(provinces.filter(code__in=SPECIAL_PROVINCES).values_list("code", "name"))
    assert special == SPECIAL_PROVINCES
    assert provinces.count() == 34


@pytest.mark.django_db
def test_xinjiang_county_count_matches_csv():
    csv_counties = [row for row in read_csv() if row["level"] == "3"]
    assert all(row["code"].startswith("65") for row in csv_counties)
    db_counties = Region.objects.filter(level=Region.Level.COUNTY, code__startswith="65")
    assert db_counties.count() == len(csv_counties)
    assert Region.objects.count() == len(read_csv())


@pytest.mark.django_db
def test_nothing_below_province_level_outside_xinjiang():
    below = Region.objects.exclude(level=Region.Level.PROVINCE)
    assert not below.exclude(code__startswith="65").exists()


@pytest.mark.django_db
def test_loading_is_idempotent():
    migration = importlib.import_module("accounts.migrations.0003_load_regions")
    before = list(Region.objects.order_by("code").values_list("code", "name", "level", "parent"))
    migration.load_regions(django_apps, None)
    after = list(Region.objects.order_by("code").values_list("code", "name", "level", "parent"))
    assert after == before
