"""bench/pool.py: the talent-pool generator the import benchmark and import tests read."""

import csv
import re

import pytest
from opencc import OpenCC
from openpyxl import load_workbook

from bench.pool import EXPERT_HEADERS, Disciplines, Regions, generate_experts, write_csv, write_xlsx
from problems.demo.talent import EMPLOYERS, FIELDS

SEPARATORS = re.compile(r"[；;、,]")
t2s = OpenCC("t2s")


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return list(generate_experts(3000, seed=7))


@pytest.fixture(scope="module")
def disciplines() -> Disciplines:
    return Disciplines()


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions()


def test_vocabulary_refers_only_to_known_employers_fields_and_regions(regions):
    for key, field in FIELDS.items():
        assert set(field.employers + field.partners) <= set(EMPLOYERS), key
        assert set(field.related) <= set(FIELDS), key
    for name, employer in EMPLOYERS.items():
        assert employer.region in regions.names, name


def test_same_seed_gives_the_same_rows(rows):
    assert list(generate_experts(50, seed=7)) == rows[:50]
    assert list(generate_experts(50, seed=8)) != rows[:50]


def test_rows_have_every_column_filled_and_unique_keys(rows):
    for row in rows:
        assert len(row) == len(EXPERT_HEADERS)
        assert all(row), row
        assert row[2] in {"男", "女"}
        assert re.fullmatch(r"1[3-9]\d{9}", row[9]), row
        assert re.fullmatch(r"[a-z0-9.]+@([a-z0-9-]+\.)*example\.(com|net)", row[8]), row
        assert 2 <= len(row[6].split("；")) <= 4, row
    for column in (0, 8, 9):  # 编号, 邮箱, 手机
        assert len({row[column] for row in rows}) == len(rows)


def _is_traditional(text: str) -> bool:
    return t2s.convert(text) != text


def test_about_five_percent_of_rows_are_traditional_in_text_columns_only(rows):
    traditional = [row for row in rows if _is_traditional(row[1] + row[3] + row[6])]
    assert 0.03 < len(traditional) / len(rows) < 0.07
    for row in rows:
        assert not _is_traditional(row[5] + row[7]), row  # discipline and region cells


def test_discipline_cells_mix_forms_and_separators_of_known_disciplines(rows, disciplines):
    names = set(disciplines.names.values())
    cells = [row[5] for row in rows]
    for cell in cells:
        # Names with 、 inside are matched first, as the importer must.
        rest = cell
        for name in sorted(names, key=len, reverse=True):
            if "、" in name:
                rest = rest.replace(name, "")
        for part in filter(None, (p.strip() for p in SEPARATORS.split(rest))):
            code, _, name = part.partition(" ")
            assert (code in disciplines.names and name in ("", disciplines.names[code])) or (
                part in names
            ), (cell, part)
    assert any(re.fullmatch(r"\d{3,5} \S+", cell) for cell in cells)  # code and name
    assert any(re.fullmatch(r"\d{3,5}", cell) for cell in cells)  # code only
    assert any(not re.search(r"\d", cell) for cell in cells)  # names only
    assert any("畜牧、兽医科学" in cell for cell in cells)
    assert any("航空、航天科学技术" in cell for cell in cells)
    assert {sep for cell in cells for sep in "；、;," if sep in cell} == set("；、;,")


def test_region_cells_are_codes_full_names_or_short_names(rows, regions):
    shorts = {regions.short_name(code) for code in regions.names}
    cells = [row[7] for row in rows]
    for cell in cells:
        assert cell in regions.names or cell in regions.names.values() or cell in shorts, cell
    assert any(cell.isdigit() for cell in cells)
    assert "伊犁哈萨克自治州" in cells and "伊犁州" in cells
    assert any(not cell.startswith("65") and cell.isdigit() for cell in cells)  # 柔性引才


def test_write_xlsx_and_csv_round_trip(tmp_path, rows):
    sample = rows[:200]
    xlsx = tmp_path / "pool.xlsx"
    assert write_xlsx(xlsx, iter(sample), EXPERT_HEADERS) == 200
    workbook = load_workbook(xlsx, read_only=True)
    read = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    assert read == [EXPERT_HEADERS, *sample]

    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"pool-{encoding}.csv"
        assert write_csv(path, iter(sample), EXPERT_HEADERS, encoding=encoding) == 200
        with path.open(encoding=encoding, newline="") as fh:
            assert list(csv.reader(fh)) == [EXPERT_HEADERS, *sample]
