"""Spreadsheet import and export shared by the admin, the command line and the staff pages.

A `TabularResource` is a django-import-export `ModelResource` whose fields name the Chinese
column headers and whose widgets parse one cell each. `import_table` runs a resource over a
`Table` read by `read_table`:

1. every row is cleaned by the widgets; every fault becomes a `RowError` naming row, column
   and value, and a 编号 repeated in the file is a fault too;
2. existing records are fetched by 编号 in a few queries and compared, so each row is new,
   updated or unchanged;
3. nothing is written when there is a fault (unless `skip_errors`) or on a dry run; otherwise
   all writes happen in one transaction, in bulk.

The admin's import goes through `TabularResource.import_data`, which runs the same steps.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export import widgets as ie_widgets
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from .models import Region

MAX_ROWS = 200_000
CHUNK = 900  # below SQLite's 999 bound parameters on old builds
ANALYZE_AFTER = 1000  # rows written, after which PostgreSQL's statistics are refreshed
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
SEPARATORS = re.compile(r"[;；,，\n\r]+")


class TableError(Exception):
    """The file as a whole cannot be read: wrong type, corrupt, empty, bad headers."""


# --- reading -------------------------------------------------------------------------------


@dataclass
class Table:
    filename: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells)


def normalize_header(header: Any) -> str:
    """编号, ' 编 号 ', '编号*', '手机（必填）' and the Traditional '編號' all name the same
    column."""
    from experts.text import normalize

    text = normalize(str(header or ""))
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", text)
    return re.sub(r"[\s*＊:：]", "", text)


def cell_text(value: Any) -> str:
    """One cell as text: spreadsheet numbers lose their '.0', dates become ISO, invisible
    characters and the apostrophe our exports put before formula-like text are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, Decimal) and value == value.to_integral_value()
    ):
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip().strip(_INVISIBLE).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def decode_text(data: bytes) -> str | None:
    """Bytes of a text file in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
    text") or GBK/GB18030, as text; None if it is none of them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _rows_from_csv(data: bytes, filename: str) -> Iterator[list[Any]]:
    text = decode_text(data)
    if text is None:
        raise TableError(
            _("%(file)s: the text is neither UTF-8 nor GBK/GB18030; save it as “CSV UTF-8”.")
            % {"file": filename}
        )
    if "\x00" in text:
        raise TableError(_("%(file)s is not a text CSV file.") % {"file": filename})
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:  # e.g. a cell longer than the csv module's field limit
        raise TableError(
            _("%(file)s could not be read as a CSV file (%(error)s).")
            % {"file": filename, "error": error}
        ) from error


def _xlsx_error(filename: str, error: BaseException) -> TableError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        error = cause
        message = _("%(file)s could not be read safely as an XLSX workbook (%(error)s).")
    else:
        message = _("%(file)s is not a readable XLSX workbook (%(error)s).")
    return TableError(message % {"file": filename, "error": type(error).__name__})


def _rows_from_xlsx(data: bytes, filename: str) -> Iterator[list[Any]]:
    # openpyxl parses with defusedxml when it is installed (it is a dependency): no external
    # entities, no entity expansion bombs.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zipfile, openpyxl, defusedxml and lxml each have their own
        raise _xlsx_error(filename, error) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except Exception as error:
        raise _xlsx_error(filename, error) from error
    finally:
        workbook.close()


HEADER_SEARCH_ROWS = 10


def read_table(data: bytes, filename: str, expected: Iterable[str] = ()) -> Table:
    """Read an XLSX or CSV file into a Table; raise TableError with a message for people.

    The header row is the first non-empty row, unless one of the first few rows names at
    least two `expected` columns: sheets made by hand often have a title row above it
    (专家信息汇总表)."""
    name = Path(filename).name
    extension = Path(filename).suffix.lower()
    if not data.strip():
        raise TableError(_("%(file)s is empty.") % {"file": name})
    is_zip = data.startswith(b"PK\x03\x04")
    if extension == ".xlsx":
        if not is_zip:
            kind = (
                _("an old .xls workbook")
                if data.startswith(b"\xd0\xcf\x11\xe0")
                else _("not a workbook")
            )
            raise TableError(
                _("%(file)s is named .xlsx but is %(kind)s; open it in Excel and save as .xlsx.")
                % {"file": name, "kind": kind}
            )
        raw_rows: Iterable[list[Any]] = _rows_from_xlsx(data, name)
    elif extension in (".csv", ".txt"):
        if is_zip or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise TableError(
                _("%(file)s is named .csv but is an Excel workbook; rename it to .xlsx.")
                % {"file": name}
            )
        raw_rows = _rows_from_csv(data, name)
    elif extension == ".xls":
        raise TableError(
            _("%(file)s is in the old .xls format; open it in Excel and save as .xlsx.")
            % {"file": name}
        )
    else:
        raise TableError(_("%(file)s: only .xlsx and .csv files can be imported.") % {"file": name})

    expected = set(expected)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(raw_rows, start=1):
        if not any(cell is not None and str(cell).strip() for cell in cells):
            continue
        if headers is None:
            headers = [normalize_header(cell) for cell in cells]
            continue
        if expected and not rows and len(expected.intersection(headers)) < 2:
            candidate = [normalize_header(cell) for cell in cells]
            if len(expected.intersection(candidate)) >= 2 and number <= HEADER_SEARCH_ROWS:
                headers = candidate
                continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise TableError(
                _("%(file)s has more than %(max)d rows; split it into smaller files.")
                % {"file": name, "max": MAX_ROWS}
            )
    if headers is None:
        raise TableError(_("%(file)s is empty.") % {"file": name})
    if not rows:
        raise TableError(_("%(file)s has a header row but no data rows.") % {"file": name})
    return Table(filename=name, headers=headers, rows=rows)


# --- splitting and lookups -----------------------------------------------------------------


def comma_names(known: Iterable[str]) -> list[str]:
    """The known values that contain 、 themselves, longest first (for split_values)."""
    return sorted((value for value in known if "、" in value), key=len, reverse=True)


def split_values(text: str, with_comma: list[str] = ()) -> list[str]:
    """Split a multi-valued cell on ； ; , ， 、 and line breaks, except where a known value
    itself contains 、 (畜牧、兽医科学; `with_comma` from comma_names): those are matched
    before splitting on 、."""
    values: list[str] = []
    for part in SEPARATORS.split(text):
        part = part.strip()
        while part:
            for name in with_comma:
                if name in part:
                    head, _sep, tail = part.partition(name)
                    # Keep any code written before the name ("230 畜牧、兽医科学").
                    prefix = head.rstrip(" 、")
                    code = re.search(r"(\d+)\s*$", prefix)
                    before = prefix[: code.start()] if code else prefix
                    values.extend(v.strip() for v in before.split("、") if v.strip())
                    values.append(((code.group(1) + " ") if code else "") + name)
                    part = tail.lstrip(" 、")
                    break
            else:
                values.extend(v.strip() for v in part.split("、") if v.strip())
                part = ""
    return values


@lru_cache(maxsize=65536)
def _lookup_key(text: str) -> str:
    from experts.text import normalize

    return re.sub(r"[\s·・•.\-—()（）]", "", normalize(text))


REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
ETHNIC = (
    "哈萨克",
    "回族",
    "蒙古",
    "柯尔克孜",
    "维吾尔",
    "锡伯",
    "塔吉克",
    "藏族",
    "土家族",
    "苗族",
    "彝族",
    "朝鲜族",
    "傣族",
    "白族",
    "壮族",
)
REGION_ABBREVIATIONS = {
    "博州": "652700",
    "巴州": "652800",
    "克州": "653000",
    "伊犁州直": "654000",
    "乌市": "650100",
    "克市": "650200",
    "兵团": "650000",
}


class RegionIndex:
    """Finds a GB/T 2260 region by code, full name, common short name (伊犁州, 博州) or a
    path such as 新疆伊犁哈萨克自治州伊宁市."""

    def __init__(self) -> None:
        self._found: dict[str, Region | None] = {}
        self.by_code = {region.code: region for region in Region.objects.all()}
        self.names: dict[str, set[str]] = {}
        for region in self.by_code.values():
            for alias in self._aliases(region.name):
                self.names.setdefault(_lookup_key(alias), set()).add(region.code)
        for alias, code in REGION_ABBREVIATIONS.items():
            if code in self.by_code:
                self.names.setdefault(_lookup_key(alias), set()).add(code)
        self.unique_names = {
            region.code
            for region in self.by_code.values()
            if len(self.names.get(_lookup_key(region.name), ())) == 1
        }

    @staticmethod
    def _aliases(name: str) -> set[str]:
        aliases = {name}
        base = name
        for suffix in ("自治州", "自治县", "地区", "盟"):
            if name.endswith(suffix):
                base = name[: -len(suffix)]
                for ethnic in ETHNIC:
                    if base.endswith(ethnic) and len(base) > len(ethnic):
                        base = base[: -len(ethnic)]
                        break
                if suffix == "自治州":
                    aliases.add(base + "州")
                if suffix == "自治县":
                    aliases.add(base + "县")
                aliases.add(base)
                break
        else:
            for suffix in REGION_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    aliases.add(name[: -len(suffix)])
                    break
        return aliases

    def _pick(self, codes: set[str], within: str) -> str | None:
        codes = {code for code in codes if code.startswith(within)}
        if len(codes) == 1:
            return next(iter(codes))
        # 塔城 names both 塔城地区 and the 塔城市 inside it: the enclosing region wins.
        for code in codes:
            region = self.by_code[code]
            if all(region.contains(other) for other in codes):
                return code
        return None

    def find(self, text: str) -> Region | None:
        text = cell_text(text)
        if text not in self._found:  # a pool repeats the same few dozen cells
            code = re.match(r"^(\d{6})(?!\d)", text)
            self._found[text] = (
                self.by_code.get(code.group(1)) if code else self._find(_lookup_key(text), "")
            )
        return self._found[text]

    def _find(self, key: str, within: str) -> Region | None:
        if not key:
            return None
        codes = self.names.get(key)
        if codes:
            code = self._pick(codes, within)
            if code:
                return self.by_code[code]
        # A path: strip the longest known name at the front and look inside it.
        for length in range(len(key) - 1, 1, -1):
            head = self.names.get(key[:length])
            if not head:
                continue
            code = self._pick(head, within)
            if code:
                region = self.by_code[code]
                found = self._find(key[length:], region.prefix)
                if found:
                    return found
        return None

    def render(self, region: Region | None) -> str:
        if region is None:
            return ""
        return region.name if region.code in self.unique_names else f"{region.code} {region.name}"


# --- widgets -------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value is wrong; the message says why in words for the person who typed it."""


class TextWidget(ie_widgets.Widget):
    def __init__(self, *, max_length: int | None = None, required: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length, self.required = max_length, required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.required and not text:
            raise CellError(_("This column is required."))
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("Too long: at most %(max)d characters (this has %(length)d).")
                % {"max": self.max_length, "length": len(text)}
            )
        return text

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class LinesWidget(TextWidget):
    """Several values in one cell (研究方向): stored one per line, exported joined by ；."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        lines = [part.strip() for part in re.split(r"[;；\n\r]+", text) if part.strip()]
        return super().clean("\n".join(lines), row=row)

    def render(self, value, obj=None, **kwargs) -> str:
        return "；".join(line for line in (value or "").splitlines() if line.strip())


class ChoiceWidget(ie_widgets.Widget):
    """A choice given by its label, its code or an alias (男/女, M/F)."""

    def __init__(
        self, choices, *, aliases: dict[str, str] | None = None, required=False, default=""
    ):
        super().__init__()
        self.default = default
        self.choices = dict(choices)
        self.lookup = {_lookup_key(str(label)): code for code, label in self.choices.items()}
        self.lookup.update({_lookup_key(code): code for code in self.choices})
        self.lookup.update({_lookup_key(k): v for k, v in (aliases or {}).items()})
        self.aliases = aliases or {}
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise CellError(_("This column is required."))
            return self.default
        code = self.lookup.get(_lookup_key(text))
        if code is None:
            allowed = "、".join(str(label) for label in self.choices.values())
            raise CellError(_("Not one of: %(allowed)s.") % {"allowed": allowed})
        return code

    def render(self, value, obj=None, **kwargs) -> str:
        for alias, code in self.aliases.items():
            if code == value:
                return alias
        return str(self.choices.get(value, value or ""))


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        from django.core.validators import validate_email

        text = super().clean(value, row=row).lower()
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise CellError(_("Not a valid email address.")) from None
        return text


class MobileWidget(TextWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        from experts.validators import MOBILE_RE, normalize_mobile

        text = normalize_mobile(super().clean(value, row=row))
        if text and not MOBILE_RE.fullmatch(text):
            raise CellError(_("Not a mainland mobile number (11 digits starting with 13–19)."))
        return text


class BooleanWidget(ie_widgets.Widget):
    TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
    FALSE = {"否", "n", "no", "false", "0", "×", ""}

    def __init__(self, *, default: bool = True):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs) -> bool:
        text = cell_text(value).lower()
        if not text:
            return self.default
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(_("Write 是 or 否."))

    def render(self, value, obj=None, **kwargs) -> str:
        return "是" if value else "否"


class RegionWidget(ie_widgets.Widget):
    def __init__(self, *, required: bool = True):
        super().__init__()
        self.required = required
        self._index: RegionIndex | None = None

    @property
    def index(self) -> RegionIndex:
        if self._index is None:
            self._index = RegionIndex()
        return self._index

    def clean(self, value, row=None, **kwargs) -> Region | None:
        text = cell_text(value)
        if not text:
            if self.required:
                raise CellError(_("This column is required."))
            return None
        region = self.index.find(text)
        if region is None:
            raise CellError(
                _("Unknown region: give a GB/T 2260 code (654000) or a name (伊犁哈萨克自治州).")
            )
        return region

    def render(self, value, obj=None, **kwargs) -> str:
        return self.index.render(value)


# --- the report ----------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)d, column “%(column)s”, value “%(value)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "value": self.value[:80],
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    filename: str
    total: int = 0
    new: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_errors: bool = False
    written: bool = False

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})

    def summary(self) -> str:
        return _(
            "%(file)s: %(total)d rows; %(new)d new, %(updated)d updated, "
            "%(unchanged)d unchanged, %(errors)d with errors."
        ) % {
            "file": self.filename,
            "total": self.total,
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "errors": self.error_rows,
        }

    def outcome(self) -> str:
        if self.written:
            if self.errors:
                return _("Imported the valid rows; the rows with errors were skipped.")
            return _("Imported.")
        if self.dry_run:
            return _("Dry run: nothing was written.")
        return _("Nothing was written: correct the errors and import the file again.")

    def lines(self) -> list[str]:
        lines = [self.summary()]
        if self.ignored_columns:
            lines.append(
                _("Ignored columns: %(columns)s") % {"columns": "、".join(self.ignored_columns)}
            )
        lines.extend(str(error) for error in self.errors)
        lines.append(self.outcome())
        return lines

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.__dict__ for error in self.errors],
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
            "skip_errors": self.skip_errors,
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        data = dict(data)
        data["errors"] = [RowError(**error) for error in data.get("errors", [])]
        data["new"] = [tuple(item) for item in data.get("new", [])]
        data["updated"] = [tuple(item) for item in data.get("updated", [])]
        data["unchanged"] = [tuple(item) for item in data.get("unchanged", [])]
        return cls(**data)


# --- the engine ----------------------------------------------------------------------------


@dataclass
class PendingRow:
    number: int
    key: str
    values: dict[str, Any]
    instance: models.Model | None = None
    changed: list[str] = field(default_factory=list)


Progress = Callable[[int, int], None]


class RegionScopeMixin:
    """For resources of records with a region: staff importing through the web are held to
    their own region; the command line (scoped=False) is not."""

    def check_row(self, pending: PendingRow) -> list[tuple[str, str]]:
        region = pending.values.get("region")
        if not self.scoped or region is None or self.user.in_scope(region):
            return []
        return [("所在地区", _("This region is outside your area."))]

    def check_existing(self, pending: PendingRow) -> list[tuple[str, str]]:
        if not self.scoped or self.user.in_scope(pending.instance.region_id):
            return []
        return [
            (
                self.key_column,
                _("%(ref)s exists and belongs to another region; it can't be updated here.")
                % {"ref": pending.key},
            )
        ]


class TabularResource(resources.ModelResource):
    """Base of our resources: import-export fields and widgets for parsing and exporting,
    plus the bulk, all-or-nothing import described in this module's docstring."""

    kind = ""  # an ImportJob.Kind
    key_attribute = "ref"
    key_column = "编号"
    template_example: list[str] = []

    def __init__(self, *, user=None, source: str = "", scoped: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.source = source
        # Staff importing through the web are held to their region; see RegionScopeMixin.
        self.scoped = scoped and user is not None

    # -- hooks for subclasses

    def import_columns(self) -> list[resources.Field]:
        return [f for f in self.get_import_fields() if f.column_name and not f.readonly]

    def column_names(self) -> list[str]:
        return [f.column_name for f in self.import_columns()]

    def required_columns(self) -> list[str]:
        return [
            f.column_name
            for f in self.import_columns()
            if getattr(f.widget, "required", False) or f.column_name == self.key_column
        ]

    def is_m2m(self, attribute: str) -> bool:
        try:
            model_field = self._meta.model._meta.get_field(attribute)
        except FieldDoesNotExist:  # a path such as enterprise__name
            return False
        return model_field.many_to_many

    def check_row(self, pending: PendingRow) -> list[tuple[str, str]]:
        """Cross-column checks after cleaning; returns (column, message) faults."""
        return []

    def check_existing(self, pending: PendingRow) -> list[tuple[str, str]]:
        """Checks against the record a row would update (e.g. the importer's region)."""
        return []

    def template_notes(self) -> list[tuple[str, str]]:
        """(column, how to fill it in) rows for the template's notes sheet."""
        return []

    def existing(self, keys: list[str]) -> dict[str, models.Model]:
        model = self._meta.model
        found: dict[str, models.Model] = {}
        m2m = [f.attribute for f in self.import_columns() if self.is_m2m(f.attribute)]
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            queryset = model.objects.filter(**{f"{self.key_attribute}__in": chunk})
            if m2m:
                queryset = queryset.prefetch_related(*m2m)
            for instance in queryset:
                found[getattr(instance, self.key_attribute)] = instance
        return found

    def current(self, instance: models.Model, attribute: str) -> Any:
        if self.is_m2m(attribute):
            return frozenset(obj.pk for obj in getattr(instance, attribute).all())
        model_field = instance._meta.get_field(attribute)
        if model_field.is_relation:
            return getattr(instance, model_field.attname)
        return getattr(instance, attribute)

    @staticmethod
    def comparable(value: Any) -> Any:
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(getattr(item, "pk", item) for item in value)
        return getattr(value, "pk", value)

    def prepare_instance(self, instance: models.Model, pending: PendingRow) -> None:
        """Called on every instance about to be written (denormalised fields)."""

    def write(self, creates: list[PendingRow], updates: list[PendingRow]) -> None:
        """Bulk create and update; many-to-many rows through the through tables."""
        model = self._meta.model
        columns = self.import_columns()
        simple = [f.attribute for f in columns if not self.is_m2m(f.attribute)]
        m2m = [f.attribute for f in columns if self.is_m2m(f.attribute)]
        new_objects = []
        for pending in creates:
            instance = model(**{a: pending.values[a] for a in simple if a in pending.values})
            self.prepare_instance(instance, pending)
            pending.instance = instance
            new_objects.append(instance)
        insert_many(model, new_objects)
        self._fetch_pks(new_objects)

        changed_simple: set[str] = set()
        update_objects = []
        for pending in updates:
            instance = pending.instance
            for attribute in pending.changed:
                if attribute in simple:
                    setattr(instance, attribute, pending.values[attribute])
                    changed_simple.add(attribute)
            self.prepare_instance(instance, pending)
            update_objects.append(instance)
        if update_objects:
            fields = sorted(changed_simple | set(self.denormalised_fields()))
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                fields.append("updated_at")
                now = timezone.now()
                for instance in update_objects:
                    instance.updated_at = now
            if fields:
                model.objects.bulk_update(update_objects, fields, batch_size=1000)

        for attribute in m2m:
            self._write_m2m(attribute, creates, [p for p in updates if attribute in p.changed])

    def denormalised_fields(self) -> list[str]:
        return []

    def _fetch_pks(self, objects: list[models.Model]) -> None:
        model = self._meta.model
        by_key = {getattr(obj, self.key_attribute): obj for obj in objects}
        keys = list(by_key)
        for start in range(0, len(keys), CHUNK):
            rows = model.objects.filter(
                **{f"{self.key_attribute}__in": keys[start : start + CHUNK]}
            ).values_list(self.key_attribute, "pk")
            for key, pk in rows:
                by_key[key].pk = pk

    def _write_m2m(self, attribute: str, creates, updates) -> None:
        model = self._meta.model
        relation = model._meta.get_field(attribute)
        through = relation.remote_field.through
        source = relation.m2m_field_name()
        target = relation.m2m_reverse_field_name()
        if updates:
            ids = [pending.instance.pk for pending in updates]
            for start in range(0, len(ids), CHUNK):
                through.objects.filter(**{f"{source}__in": ids[start : start + CHUNK]}).delete()
        links = [
            [pending.instance.pk, item.pk]
            for pending in [*creates, *updates]
            for item in pending.values.get(attribute) or []
        ]
        insert_values(through, [f"{source}_id", f"{target}_id"], links)

    # -- the run

    def import_table(
        self,
        table: Table,
        *,
        dry_run: bool = False,
        skip_errors: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        report = ImportReport(
            filename=table.filename, total=len(table.rows), dry_run=dry_run, skip_errors=skip_errors
        )
        columns = self.import_columns()
        expected = [f.column_name for f in columns]
        position = {header: index for index, header in enumerate(table.headers) if header}
        missing = [name for name in self.required_columns() if name not in position]
        if missing:
            raise TableError(
                _(
                    "%(file)s: missing columns %(missing)s. The header row must name the "
                    "columns: %(expected)s."
                )
                % {
                    "file": table.filename,
                    "missing": "、".join(missing),
                    "expected": ",".join(expected),
                }
            )
        report.ignored_columns = [h for h in table.headers if h and h not in expected]

        # Only the columns the file has are read: a file without 接受指派 leaves it alone.
        present = [f for f in columns if f.column_name in position]
        pending_rows: list[PendingRow] = []
        first_seen: dict[str, int] = {}
        step = max(1, len(table.rows) // 100)
        for index, (number, cells) in enumerate(table.rows):
            raw = {
                f.column_name: cells[position[f.column_name]]
                if position[f.column_name] < len(cells)
                else None
                for f in present
            }
            values: dict[str, Any] = {}
            faults: list[RowError] = []
            for column in present:
                try:
                    values[column.attribute] = column.widget.clean(raw[column.column_name], row=raw)
                except (ValueError, ValidationError) as error:
                    message = error.messages[0] if isinstance(error, ValidationError) else error
                    faults.append(
                        RowError(
                            number,
                            column.column_name,
                            cell_text(raw[column.column_name]),
                            str(message),
                        )
                    )
            key = values.get(self.key_attribute) or ""
            if key and not faults:
                if key in first_seen:
                    faults.append(
                        RowError(
                            number,
                            self.key_column,
                            key,
                            _("Duplicate: the same 编号 is on row %(row)d.")
                            % {"row": first_seen[key]},
                        )
                    )
                else:
                    first_seen[key] = number
            pending = PendingRow(number=number, key=key, values=values)
            if not faults:
                faults.extend(
                    RowError(number, column, cell_text(raw.get(column)), message)
                    for column, message in self.check_row(pending)
                )
            if faults:
                report.errors.extend(faults)
            else:
                pending_rows.append(pending)
            if progress and index % step == 0:
                progress(index, len(table.rows))

        existing = self.existing([p.key for p in pending_rows])
        creates, updates = [], []
        for pending in pending_rows:
            instance = existing.get(pending.key)
            if instance is None:
                creates.append(pending)
                report.new.append((pending.number, pending.key))
                continue
            pending.instance = instance
            faults = self.check_existing(pending)
            if faults:
                report.errors.extend(
                    RowError(pending.number, column, "", message) for column, message in faults
                )
                continue
            pending.changed = [
                f.attribute
                for f in present
                if f.attribute in pending.values
                and f.attribute != self.key_attribute
                and self.comparable(pending.values[f.attribute])
                != self.comparable(self.current(instance, f.attribute))
            ]
            if pending.changed:
                updates.append(pending)
                names = [f.column_name for f in present if f.attribute in pending.changed]
                report.updated.append((pending.number, pending.key, names))
            else:
                report.unchanged.append((pending.number, pending.key))
        report.errors.sort(key=lambda error: error.row)

        if dry_run or (report.errors and not skip_errors):
            if progress:
                progress(len(table.rows), len(table.rows))
            return report
        with transaction.atomic():
            self.write(creates, updates)
        report.written = True
        if len(creates) + len(updates) >= ANALYZE_AFTER:
            self.analyze()
        if progress:
            progress(len(table.rows), len(table.rows))
        return report

    def analyze(self) -> None:
        """Refresh PostgreSQL's statistics after a big load: until autovacuum gets to it,
        the planner thinks the tables are as small as before and picks nested loops over
        100,000 rows (the talent search went from 10 ms to 700 ms right after an import)."""
        model = self._meta.model
        connection = connections[router.db_for_write(model)]
        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table] + [
            f.remote_field.through._meta.db_table for f in model._meta.many_to_many
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    # -- django-import-export's entry point (the admin's import) runs the same engine

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        if kwargs.get("file_name"):
            self.source = _("%(file)s (admin)") % {"file": Path(kwargs["file_name"]).name}
        headers = [normalize_header(h) for h in dataset.headers or []]
        table = Table(
            filename=self.source or "admin",
            headers=headers,
            rows=[(n, list(row)) for n, row in enumerate(dataset, start=2)],
        )
        result = Result()
        result.diff_headers = [f.column_name for f in self.import_columns()]
        try:
            report = self.import_table(table, dry_run=dry_run)
        except TableError as error:
            result.append_base_error(self.get_error_result_class()(error))
            return result
        result.add_dataset_headers(dataset.headers)
        by_row: dict[int, dict[str, list[str]]] = {}
        for error in report.errors:
            by_row.setdefault(error.row, {}).setdefault(error.column or "__all__", []).append(
                str(error)
            )
        for number, errors in by_row.items():
            result.append_invalid_row(number, {}, ValidationError(errors))
        for kind, items in (
            (RowResult.IMPORT_TYPE_NEW, report.new),
            (RowResult.IMPORT_TYPE_UPDATE, report.updated),
            (RowResult.IMPORT_TYPE_SKIP, report.unchanged),
        ):
            for item in items:
                row_result = RowResult()
                row_result.import_type = kind
                row_result.object_repr = item[1]
                row_result.diff = []
                result.append_row_result(row_result)
                result.increment_row_result_total(row_result)
        if report.written and self.kind:
            from .imports import import_job_record

            import_job_record(
                kind=self.kind, name=self.source, source="admin", report=report, by=self.user
            )
        if report.errors and dry_run is False:
            result.append_base_error(self.get_error_result_class()(TableError(report.outcome())))
        return result

    # -- export

    def export_field(self, field, instance, **kwargs) -> str:
        """Every export (staff pages and admin) escapes formula-like cells."""
        return escape_formula(self.export_value(field, instance, **kwargs))

    def export_value(self, field, instance, **kwargs):
        return super().export_field(field, instance, **kwargs)

    def export_rows(self, queryset) -> tuple[list[str], Iterator[list[str]]]:
        fields = self.get_export_fields()
        headers = [f.column_name for f in fields]

        def rows():
            for instance in queryset.iterator(chunk_size=2000):
                yield [self.export_field(f, instance) for f in fields]

        return headers, rows()


def insert_many(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT model instances in bulk, faster than bulk_create. That compiles SQL for every
    batch, and SQLite's 999-parameter bound makes its batches ~60 rows: for 100,000 experts
    the compiling was most of the import's write time. Field preparation is Django's own
    (pre_save for defaults and auto_now, get_db_prep_save); primary keys are not returned,
    callers fetch them by their natural key."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))  # BigAutoField too
    ]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects
    )
    insert_values(model, [f.attname for f in fields], rows, connection=connection)


def insert_values(
    model: type[models.Model], attnames: list[str], rows: Iterable[list], *, connection=None
) -> None:
    """INSERT rows of values already in database form: PostgreSQL's COPY, or one prepared
    statement run with executemany elsewhere."""
    connection = connection or connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(attnames))})"
        batch: list[list] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def escape_formula(value: Any) -> str:
    """Spreadsheet programs run cells that start with = + - @ (and tab/CR before them):
    prefix an apostrophe so the text stays text. The import drops it again."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_xlsx(headers: list[str], rows: Iterable[list[str]], *, notes=None, title="") -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title or "data")
    header_cells = []
    for header in headers:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([openpyxl.cell.WriteOnlyCell(sheet, value=_xlsx_value(v)) for v in row])
    if notes:
        notes_sheet = workbook.create_sheet(_("Notes"))
        for line in notes:
            notes_sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """Control characters (other than tab and line breaks) cannot be stored in a worksheet:
    openpyxl refuses the whole file. Stored text may hold them (pasted from terminals,
    imported CSV); the export drops them."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_csv(headers: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    # With a BOM, Excel opens UTF-8 CSV in the right encoding.
    return buffer.getvalue().encode("utf-8-sig")


class DetectingCSV(base_formats.CSV):
    """CSV for the admin's import: read as bytes and decoded like the other imports
    (UTF-8 with or without BOM, or GBK/GB18030), not as UTF-8 only."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            text = decode_text(in_stream)
            if text is None:
                raise ValueError(_("The text is neither UTF-8 nor GBK/GB18030."))
            in_stream = text
        return super().create_dataset(in_stream, **kwargs)


class TabularAdminMixin:
    """For ModelAdmins: django-import-export's admin import and export with our Resource,
    XLSX and CSV only. The import runs our engine (see TabularResource.import_data), which
    records the run as an ImportJob instead of one admin log entry per row."""

    skip_admin_log = True

    def get_import_formats(self):
        return [base_formats.XLSX, DetectingCSV]

    def get_export_formats(self):
        return [base_formats.XLSX, base_formats.CSV]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user, "source": _("admin upload")}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}
