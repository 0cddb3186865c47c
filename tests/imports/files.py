"""Spreadsheet files as people make them: XLSX from Excel, CSV in UTF-8 (with BOM) or GBK."""

import csv
import io
import zipfile

import openpyxl

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


def xlsx(headers, rows, *, notes=False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if notes:
        workbook.create_sheet("说明").append(["notes"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_with_entity() -> bytes:
    """A workbook whose shared strings declare an external entity (XXE)."""
    source = io.BytesIO(xlsx(["编号"], [["x"]]))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet',
                    1,
                ).replace(b"<v>", b"<v>&e;", 1)
            zout.writestr(item, data)
    return target.getvalue()


def expert_row(ref="ZJ-1", **overrides) -> list:
    row = {
        "编号": ref,
        "姓名": "王建国",
        "性别": "男",
        "工作单位": "新疆大学",
        "职称": "教授",
        "学科领域": "530 化学工程；畜牧、兽医科学",
        "研究方向": "煤化工；精细化工",
        "所在地区": "乌鲁木齐市",
        "邮箱": "Wang@XJU.edu.cn",
        "手机": "13899912345",
    } | overrides
    return [row[h] for h in EXPERT_HEADERS]
