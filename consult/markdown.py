"""The restricted Markdown of report bodies, rendered to sanitised HTML.

What authors may write: headings (`##` or a line of its own like 「一、总体情况」 for the first
level, `###` or 「（一）……」 for the second, `####` for a bold third), paragraphs, lists,
tables (a column's alignment becomes a class, `align-left|center|right`: no style attribute
survives), footnotes (`[^1]`) and figures uploaded to the report (`![caption](image:ID)`).
Everything else is dropped by nh3: no script, style, event handler, iframe, remote image or
link survives; an image may only be one of the report's own uploads."""

import re
from collections.abc import Callable, Iterable
from html import escape

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "strong", "em", "del", "ul", "ol", "li", "blockquote", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "a", "section", "img",
}  # fmt: skip
ALIGN_CLASSES = ("align-left", "align-center", "align-right")
ALLOWED_CLASSES = {
    "h2": {"level-1"},
    "h3": {"level-2"},
    "h4": {"level-3"},
    "section": {"footnotes"},
    "hr": {"footnotes-sep"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "th": set(ALIGN_CLASSES),
    "td": set(ALIGN_CLASSES),
}
ALLOWED_ATTRIBUTES = {
    # No attribute on every tag: nh3 would otherwise keep its default `title` and `lang`.
    "*": set(),
    "a": {"href", "id"},
    "sup": {"id"},
    "li": {"id"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
IMAGE_REF = re.compile(r"image:(\d+)")
# Footnote anchors are the only links: the rendering is read on paper and offline.
_ANCHOR = re.compile(r"#fn(ref)?\d+(:\d+)?")
_ID = re.compile(r"fn(ref)?\d+(:\d+)?")
_NUMERALS = "一二三四五六七八九十"
# A short line of its own that reads as a heading: 「一、总体情况」 / 「（一）加强统筹」.
_LEVEL_1 = re.compile(rf"^[{_NUMERALS}]{{1,3}}、[^\n。；;]{{1,40}}$")
_LEVEL_2 = re.compile(rf"^[（(][{_NUMERALS}]{{1,3}}[）)][^\n。；;]{{1,40}}$")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"]).use(footnote_plugin)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.core.ruler.after("block", "numbered_headings", _numbered_headings)
    md.core.ruler.after("block", "table_alignment", _table_alignment)
    return md


def _level(tag: str) -> int:
    # `#` and `##` are the first level (the title is a separate field), `###` the second.
    return min(max(int(tag[1]) - 1, 1), 3)


def _heading_open(self, tokens, idx, options, env):
    level = _level(tokens[idx].tag)
    return f'<h{level + 1} class="level-{level}">'


def _heading_close(self, tokens, idx, options, env):
    return f"</h{_level(tokens[idx].tag) + 1}>\n"


def _numbered_headings(state) -> None:
    """Turn a paragraph that is just 「一、……」 or 「（一）……」 into a heading."""
    tokens = state.tokens
    for index in range(len(tokens) - 2):
        opening, inline, closing = tokens[index : index + 3]
        if opening.type != "paragraph_open" or inline.type != "inline" or opening.level != 0:
            continue
        text = inline.content.strip()
        tag = "h2" if _LEVEL_1.match(text) else "h3" if _LEVEL_2.match(text) else None
        if tag is None:
            continue
        opening.type, opening.tag = "heading_open", tag
        closing.type, closing.tag = "heading_close", tag


def _table_alignment(state) -> None:
    """A column's alignment (`:--`, `:-:`, `--:`) as a class: the sanitiser keeps no style."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            style = str(token.attrs.pop("style"))
            side = style.removeprefix("text-align:").strip()
            if side in ("left", "center", "right"):
                token.attrSet("class", f"align-{side}")


_MD = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if IMAGE_REF.fullmatch(value) else None
    if tag == "a" and attribute == "href":
        return value if _ANCHOR.fullmatch(value) else None
    if attribute == "id":
        return value if _ID.fullmatch(value) else None
    if attribute in {"colspan", "rowspan", "start"}:
        return value if value.isdigit() and 0 < int(value) < 100 else None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "template", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"image"},
        link_rel=None,
        strip_comments=True,
    )


# nh3 writes every attribute as name="value" with `"` escaped, and keeps only src and alt on
# an image, in the order the author wrote them.
_IMG = re.compile(r'<img((?:\s+[a-z]+="[^"]*")*)\s*/?>')
_IMG_ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')


def render(
    text: str,
    *,
    image_ids: Iterable[int] = (),
    image_url: Callable[[int], str] = lambda pk: f"image:{pk}",
) -> str:
    """Sanitised HTML of a report body. `image_ids` are the report's own uploads; a
    reference to any other image, or an image without a source, is removed. `image_url`
    gives the address of an image in the output (the web page and the PDF differ)."""
    html = sanitize(_MD.render(text or ""))
    allowed = set(image_ids)

    def resolve(match: re.Match) -> str:
        attributes = dict(_IMG_ATTRIBUTE.findall(match.group(1)))
        reference = IMAGE_REF.fullmatch(attributes.get("src", ""))
        if reference is None or int(reference.group(1)) not in allowed:
            return ""
        alt = attributes.get("alt")
        src = escape(image_url(int(reference.group(1))))
        return f'<img src="{src}"' + (f' alt="{alt}"' if alt is not None else "") + ">"

    return _IMG.sub(resolve, html)


def image_references(text: str) -> set[int]:
    """The ids of the images a body refers to."""
    return {int(pk) for pk in IMAGE_REF.findall(text or "")}
