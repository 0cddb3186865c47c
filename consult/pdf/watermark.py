"""The per-download stamp: a light diagonal watermark (name, body, download code) and a footer
line naming who downloaded the PDF, their body, when (Asia/Shanghai) and the download code, on
every page.

Both are drawn from the glyph outlines of Noto Sans CJK SC, read with fontTools once per
character per process; subsetting the CJK font on every download would take far longer than
the stamp may (≤ 50 ms for a 14-page report). The footer line is real text, in a small Type 3
font built for the download from those outlines (only the characters it uses, with a
/ToUnicode map), so a copy's text layer (`pdftotext`) shows who it was made for. The
diagonal lines are the same outlines as filled paths: tilted text would break the page's
own text layer (copying, searching) into single characters.

Each page's content is wrapped so the stamp can neither be disturbed by the page's graphics
state nor disturb it: a shared `q` stream goes before the page's own content, and the stamp
stream begins with `Q`. The file is rewritten whole (pypdf), not updated incrementally: an
update appended to the untouched original would come off by cutting the file short."""

import functools
import gc
import math
import subprocess
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

FONT_FAMILY = "Noto Sans CJK SC"
ZONE = ZoneInfo("Asia/Shanghai")
# Resource names on the stamped pages; unusual enough not to meet a renderer's own names.
FONT_NAME = "/ZkStampF"
STATE_NAME = "/ZkStampGS"
FORM_NAME = "/ZkStampWm"
WATERMARK_OPACITY = 0.12
WATERMARK_GRAY = 0.35
FOOTER_GRAY = 0.3
FOOTER_SIZE = 8.0
FOOTER_BASELINE = 12 * 72 / 25.4  # 12 mm above the bottom edge
# A Type 3 font here is a simple font: one byte a character.
MAX_CHARACTERS = 250
_lock = threading.Lock()


class _OutlinePen(BasePen):
    """Glyph outline → PDF path operators (quadratic curves come in as cubic ones)."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.operators: list[str] = []
        self.xs: list[float] = []
        self.ys: list[float] = []

    def _point(self, *points) -> str:
        for x, y in points:
            self.xs.append(x)
            self.ys.append(y)
        return " ".join(f"{round(x)} {round(y)}" for x, y in points)

    def _moveTo(self, pt):
        self.operators.append(f"{self._point(pt)} m")

    def _lineTo(self, pt):
        self.operators.append(f"{self._point(pt)} l")

    def _curveToOne(self, pt1, pt2, pt3):
        self.operators.append(f"{self._point(pt1, pt2, pt3)} c")

    def _closePath(self):
        self.operators.append("h")


@dataclass(frozen=True)
class _Glyph:
    width: int  # advance, in 1/1000 of the font size
    box: tuple[int, int, int, int]  # control box, in 1/1000 of the font size
    path: str  # the outline as PDF path operators, filled; "" for a blank
    procedure: bytes  # the Type 3 glyph procedure, Flate-compressed


class _OutlineSource:
    """Glyph outlines of one installed font, read lazily and kept per character."""

    def __init__(self, path: str, number: int):
        self.font = TTFont(path, fontNumber=number, lazy=True)
        self.cmap = self.font.getBestCmap()
        self.glyph_set = self.font.getGlyphSet()
        self.scale = 1000 / self.font["head"].unitsPerEm
        self.glyphs: dict[str, _Glyph] = {}

    def glyph(self, char: str) -> _Glyph:
        cached = self.glyphs.get(char)
        if cached is not None:
            return cached
        with _lock:
            # A character the font lacks is drawn as its .notdef box; it still extracts as
            # itself through the /ToUnicode map.
            glyph = self.glyph_set[self.cmap.get(ord(char), ".notdef")]
            pen = _OutlinePen(self.glyph_set)
            glyph.draw(pen)
            scale = self.scale
            width = round(glyph.width * scale)
            if pen.operators:
                box = tuple(
                    round(value * scale)
                    for value in (min(pen.xs), min(pen.ys), max(pen.xs), max(pen.ys))
                )
                path = " ".join(pen.operators) + " f"
                if scale != 1:
                    # Glyph space is 1000 units an em (the FontMatrix and the watermark form).
                    path = f"q {scale:.6f} 0 0 {scale:.6f} 0 0 cm {path} Q"
            else:
                box, path = (0, 0, 0, 0), ""
            head = f"{width} 0 {box[0]} {box[1]} {box[2]} {box[3]} d1"
            procedure = zlib.compress(f"{head} {path}".encode(), 6)
            self.glyphs[char] = result = _Glyph(width, box, path, procedure)
        return result


def _locate(family: str) -> tuple[str, int]:
    """The file and face index of an installed font family (fontconfig)."""
    for pattern in (family, ":lang=zh-cn"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{family}|%{file}|%{index}", pattern],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            break
        families, _sep, rest = found.partition("|")
        path, _sep, index = rest.rpartition("|")
        if path and (pattern != family or family in families.split(",")):
            return path, int(index or 0)
    raise RuntimeError(
        f"The download stamp needs the {family} font (Debian package fonts-noto-cjk)."
    )


# Every stamp draws these (the footer's fixed words, the time, the download code): read once
# with the font, so the first downloads of a process are not the slow ones.
COMMON_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -:下载人码："


@functools.cache
def _outlines() -> _OutlineSource:
    source = _OutlineSource(*_locate(FONT_FAMILY))
    for char in COMMON_CHARACTERS:
        source.glyph(char)
    return source


def stamp_lines(*, name: str, body: str, code: str, when: datetime) -> tuple[str, str]:
    """(the diagonal watermark, the footer line) of a download."""
    local = timezone.localtime(when, ZONE) if timezone.is_aware(when) else when
    name, body = " ".join(name.split())[:50], " ".join(body.split())[:100]
    watermark = "  ".join(part for part in (name, body, code) if part)
    # Single spaces: a wider gap makes a PDF's text layer split the line into columns.
    footer = " ".join(
        part
        for part in (f"下载人：{name}", body, local.strftime("%Y-%m-%d %H:%M"), f"下载码：{code}")
        if part
    )
    return watermark, footer


class _Font:
    """The stamp's glyphs for one download: a Type 3 font for the footer line (its characters
    get codes 1, 2, …) and a form drawing the watermark line from the same outlines."""

    def __init__(self, texts: tuple[str, ...]):
        source = _outlines()
        chars = sorted(set("".join(texts)))[:MAX_CHARACTERS]
        self.codes = {char: index for index, char in enumerate(chars, start=1)}
        self.glyphs = {char: source.glyph(char) for char in chars}

    def encode(self, text: str) -> str:
        return "".join(f"{self.codes[char]:02x}" for char in text if char in self.codes)

    def width(self, text: str, size: float) -> float:
        return sum(self.glyphs[char].width for char in text if char in self.glyphs) * size / 1000

    def _box(self) -> list[int]:
        boxes = [glyph.box for glyph in self.glyphs.values() if glyph.path] or [(0, 0, 0, 0)]
        return [
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        ]

    def type3(self, writer: PdfWriter) -> IndirectObject:
        procedures = DictionaryObject()
        names = ArrayObject([NumberObject(1)])
        for char, code in self.codes.items():
            glyph_name = NameObject(f"/g{code}")
            procedures[glyph_name] = writer._add_object(_compressed(self.glyphs[char].procedure))
            names.append(glyph_name)
        to_unicode = DecodedStreamObject()
        to_unicode.set_data(self._cmap())
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type3"),
                NameObject("/FontBBox"): _numbers(self._box()),
                NameObject("/FontMatrix"): _numbers([0.001, 0, 0, 0.001, 0, 0]),
                NameObject("/CharProcs"): procedures,
                NameObject("/Encoding"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Encoding"),
                        NameObject("/Differences"): names,
                    }
                ),
                NameObject("/FirstChar"): NumberObject(1),
                NameObject("/LastChar"): NumberObject(len(self.codes)),
                NameObject("/Widths"): _numbers([glyph.width for glyph in self.glyphs.values()]),
                NameObject("/ToUnicode"): writer._add_object(to_unicode),
                NameObject("/Resources"): DictionaryObject(),
            }
        )
        return writer._add_object(font)

    def line_form(self, writer: PdfWriter, text: str) -> IndirectObject:
        """A form drawing `text` as filled outlines at 1000 units an em, baseline at 0. Not
        text: a tilted line would break the page's text layer (copying, searching) into
        single characters."""
        parts = []
        for char in text:
            glyph = self.glyphs.get(char)
            if glyph is None:
                continue
            if glyph.path:
                parts.append(glyph.path)
            parts.append(f"1 0 0 1 {glyph.width} 0 cm")
        box = self._box()
        form = _compressed(zlib.compress(" ".join(parts).encode(), 6))
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): _numbers(
                    [box[0], box[1], round(self.width(text, 1000)) + box[2], box[3]]
                ),
                NameObject("/Resources"): DictionaryObject(),
            }
        )
        return writer._add_object(form)

    def _cmap(self) -> bytes:
        entries = "\n".join(
            f"<{code:02x}> <{char.encode('utf-16-be').hex()}>" for char, code in self.codes.items()
        )
        return (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /ZkStamp-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <ff>\nendcodespacerange\n"
            f"{len(self.codes)} beginbfchar\n{entries}\nendbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        ).encode()


def _numbers(values) -> ArrayObject:
    return ArrayObject(
        NumberObject(value) if float(value).is_integer() else FloatObject(value) for value in values
    )


def _compressed(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream._data = data
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    return stream


def _content(font: _Font, watermark: str, footer: str, width: float, height: float) -> bytes:
    """The stamp of one page size: it closes the page's `q`, then draws in its own state."""
    ops = ["Q", "q", f"{STATE_NAME} gs", f"{WATERMARK_GRAY} g"]
    # Three lines across the page, tilted 30°, each at most 80 % of the page width wide.
    angle = math.radians(30)
    cos, sin = math.cos(angle), math.sin(angle)
    unit = font.width(watermark, 1) or 1
    size = min(24.0, width * 0.8 / cos / unit)
    line, scale = unit * size, size / 1000
    for fraction in (0.25, 0.5, 0.75):
        x = width / 2 - cos * line / 2
        y = height * fraction - sin * line / 2
        ops.append(
            f"q {cos * scale:.6f} {sin * scale:.6f} {-sin * scale:.6f} {cos * scale:.6f} "
            f"{x:.2f} {y:.2f} cm {FORM_NAME} Do Q"
        )
    footer_width = font.width(footer, FOOTER_SIZE)
    ops += [
        "Q",
        "q",
        f"{FOOTER_GRAY} g",
        "BT",
        f"{FONT_NAME} {FOOTER_SIZE:.1f} Tf",
        f"1 0 0 1 {(width - footer_width) / 2:.2f} {FOOTER_BASELINE:.2f} Tm",
        f"<{font.encode(footer)}> Tj",
        "ET",
        "Q",
    ]
    return "\n".join(ops).encode()


def _resource_dict(owner: DictionaryObject, key: str) -> DictionaryObject:
    """owner[key] as a dictionary the writer will write back (created when missing)."""
    value = owner.get(key)
    if value is None:
        value = DictionaryObject()
        owner[NameObject(key)] = value
        return value
    return value.get_object()


def _page_resources(page: DictionaryObject) -> DictionaryObject:
    """The page's own resource dictionary; inherited resources are copied onto the page
    first, since adding the stamp's font to the shared parent would be wrong elsewhere."""
    if "/Resources" not in page:
        node = page.get("/Parent")
        while node is not None:
            node = node.get_object()
            if "/Resources" in node:
                page[NameObject("/Resources")] = DictionaryObject(node["/Resources"].get_object())
                break
            node = node.get("/Parent")
    return _resource_dict(page, "/Resources")


@contextmanager
def _collector_paused():
    """Hold the cyclic garbage collector off while a PDF is rewritten: pypdf allocates tens
    of thousands of objects, which sets off full collections of the whole process heap (a
    stamp's p95 went from 30 to 100+ ms). The cycles it leaves are collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def stamp(pdf: bytes, *, name: str, body: str, code: str, when: datetime | None = None) -> bytes:
    """`pdf` with the download stamp of `name` (the person), `body` (their organisation),
    `code` (the download code) and `when` (default: now) on every page."""
    with _collector_paused():
        return _stamp(pdf, name=name, body=body, code=code, when=when)


def _stamp(pdf: bytes, *, name: str, body: str, code: str, when: datetime | None) -> bytes:
    watermark, footer = stamp_lines(name=name, body=body, code=code, when=when or timezone.now())
    font = _Font((watermark, footer))
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    font_ref = font.type3(writer)
    form_ref = font.line_form(writer, watermark)
    state_ref = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/ExtGState"),
                NameObject("/ca"): FloatObject(WATERMARK_OPACITY),
                NameObject("/CA"): FloatObject(WATERMARK_OPACITY),
            }
        )
    )
    opening = DecodedStreamObject()
    opening.set_data(b"q")
    opening_ref = writer._add_object(opening)
    stamps: dict[tuple[float, float], IndirectObject] = {}
    for page in writer.pages:
        box = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in stamps:
            content = _content(font, watermark, footer, *size)
            stamps[size] = writer._add_object(_compressed(zlib.compress(content, 6)))
        contents = page.get("/Contents")
        own = contents.get_object() if contents is not None else None
        if isinstance(own, ArrayObject):
            parts = list(own)
        elif contents is not None:
            parts = [contents]
        else:
            parts = []
        page[NameObject("/Contents")] = ArrayObject([opening_ref, *parts, stamps[size]])
        resources = _page_resources(page)
        _resource_dict(resources, "/Font")[NameObject(FONT_NAME)] = font_ref
        _resource_dict(resources, "/XObject")[NameObject(FORM_NAME)] = form_ref
        _resource_dict(resources, "/ExtGState")[NameObject(STATE_NAME)] = state_ref
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
