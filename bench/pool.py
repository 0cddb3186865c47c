"""Generate a realistic expert talent pool (人才库) spreadsheet for import benchmarks and tests.

Rows follow the import headers 编号,姓名,性别,工作单位,职称,学科领域,研究方向,所在地区,邮箱,手机
and mix the forms real exports arrive in: 学科领域 as "530 化学工程", "化学工程" or "530",
several joined with "；", "、", ";" or "," (names such as 畜牧、兽医科学 contain "、" themselves);
所在地区 as a GB/T 2260 code, a full name (伊犁哈萨克自治州) or a short one (伊犁州); about 5% of
rows have name, employer and directions in Traditional script. The people come from
problems/demo/talent.py, the disciplines and regions from the CSV files the database is loaded
from: no Django, no database.

    .venv/bin/python bench/pool.py --experts 100000 --out /tmp/pool.xlsx
    .venv/bin/python bench/pool.py --experts 5000 --out /tmp/pool.csv --encoding gb18030
"""

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from problems.demo.talent import PersonGenerator, resolve_discipline  # noqa: E402

EXPERT_HEADERS = [
    "编号",
    "姓名",
    "性别",
    "工作单位",
    "职称",
    "学科领域",
    "研究方向",
    "所在地区",
    "邮箱",
    "手机",
]
DISCIPLINES_CSV = ROOT / "experts" / "data" / "disciplines.csv"
REGIONS_CSV = ROOT / "accounts" / "data" / "regions.csv"
TRADITIONAL_SHARE = 0.05

# Short names people write for prefectures and autonomous counties; provinces lose their suffix.
SHORT_NAMES = {
    "650000": "新疆",
    "650100": "乌鲁木齐",
    "650200": "克拉玛依",
    "650400": "吐鲁番",
    "650500": "哈密",
    "652300": "昌吉州",
    "652700": "博州",
    "652800": "巴州",
    "652900": "阿克苏",
    "653000": "克州",
    "653100": "喀什",
    "653200": "和田",
    "654000": "伊犁州",
    "654200": "塔城",
    "654300": "阿勒泰",
    "650521": "巴里坤县",
    "652328": "木垒县",
    "652826": "焉耆县",
    "653131": "塔什库尔干县",
    "654022": "察布查尔县",
    "654226": "和布克赛尔县",
}
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")

# How often each form is used; weights, not probabilities.
DISCIPLINE_FORMS = (("code name", 5), ("name", 3), ("code", 2))
SEPARATORS = (("；", 5), ("、", 3), (";", 1), (",", 1))
REGION_FORMS = (("code", 4), ("name", 4), ("short", 2))


class Disciplines:
    """experts/data/disciplines.csv (code,name,parent,...) as dicts."""

    def __init__(self, path: Path = DISCIPLINES_CSV):
        self.names: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                self.names[row["code"]] = row["name"]
                if row["parent"]:
                    self.parents[row["code"]] = row["parent"]
                    self.children[row["parent"]].append(row["code"])


class Regions:
    """accounts/data/regions.csv (code,name,level,parent) as dicts."""

    def __init__(self, path: Path = REGIONS_CSV):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.names = {row["code"]: row["name"] for row in rows}
        # Where county units may be placed: Xinjiang's counties, not the Corps cities.
        self.counties = [
            (row["code"], row["name"])
            for row in rows
            if row["level"] == "3" and row["code"].startswith("65")
            if not row["code"].startswith("659")
        ]

    def short_name(self, code: str) -> str:
        if code in SHORT_NAMES:
            return SHORT_NAMES[code]
        name = self.names[code]
        if code.endswith("0000"):  # a province
            for suffix in PROVINCE_SUFFIXES:
                if name.endswith(suffix):
                    return name[: -len(suffix)]
        return name


def _pick(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def generate_experts(
    n: int,
    seed: int = 2026,
    *,
    ref_prefix: str = "TSK",
    traditional: float = TRADITIONAL_SHARE,
) -> Iterator[list[str]]:
    """Yield `n` expert rows in EXPERT_HEADERS order; the same seed gives the same rows."""
    from opencc import OpenCC  # the only third-party need, and only here

    s2t = OpenCC("s2t")
    disciplines, regions = Disciplines(), Regions()
    rng = random.Random(seed)
    people = PersonGenerator(rng, regions.counties)
    for number in range(1, n + 1):
        person = people.person()
        name, employer, directions = person.name, person.employer, list(person.directions)
        if rng.random() < traditional:
            name, employer = s2t.convert(name), s2t.convert(employer)
            directions = [s2t.convert(direction) for direction in directions]
        yield [
            f"{ref_prefix}{number:07d}",
            name,
            "男" if person.gender == "M" else "女",
            employer,
            person.title,
            _discipline_cell(rng, person.disciplines, disciplines),
            "；".join(directions),
            _region_cell(rng, person.region, regions),
            person.email,
            person.mobile,
        ]


def _discipline_cell(rng: random.Random, refs: Iterable[str], table: Disciplines) -> str:
    codes = (resolve_discipline(ref, table.names, table.children) for ref in refs)
    codes = list(dict.fromkeys(code for code in codes if code))
    form, separator = _pick(rng, DISCIPLINE_FORMS), _pick(rng, SEPARATORS)
    if form == "code":
        parts = codes
    elif form == "name":
        parts = [table.names[code] for code in codes]
    else:
        parts = [f"{code} {table.names[code]}" for code in codes]
    return separator.join(parts)


def _region_cell(rng: random.Random, code: str, regions: Regions) -> str:
    form = _pick(rng, REGION_FORMS)
    if form == "code":
        return code
    if form == "name":
        return regions.names[code]
    return regions.short_name(code)


def write_xlsx(path: Path | str, rows: Iterable[Sequence], headers: Sequence[str]) -> int:
    """Write the rows to one sheet in openpyxl's streaming write-only mode; returns the count.
    Every cell is written as text, so mobile numbers keep all 11 digits."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专家")
    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


def write_csv(
    path: Path | str, rows: Iterable[Sequence], headers: Sequence[str], encoding: str = "utf-8-sig"
) -> int:
    """Write a CSV as Excel saves it: utf-8-sig (UTF-8 with BOM) or gb18030; returns the count."""
    count = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experts", type=int, default=10_000, help="number of rows")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=("xlsx", "csv"), help="default: from --out's suffix")
    parser.add_argument("--encoding", default="utf-8-sig", help="CSV only: utf-8-sig or gb18030")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--traditional", type=float, default=TRADITIONAL_SHARE)
    args = parser.parse_args(argv)
    fmt = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "xlsx")

    start = time.perf_counter()
    rows = generate_experts(args.experts, args.seed, traditional=args.traditional)
    if fmt == "csv":
        count = write_csv(args.out, rows, EXPERT_HEADERS, encoding=args.encoding)
    else:
        count = write_xlsx(args.out, rows, EXPERT_HEADERS)
    elapsed = time.perf_counter() - start
    size = args.out.stat().st_size / 1e6
    print(f"Wrote {count} experts to {args.out} ({fmt}, {size:.1f} MB) in {elapsed:.1f} s.")


if __name__ == "__main__":
    main()
