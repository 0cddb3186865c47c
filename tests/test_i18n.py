"""The Simplified Chinese catalogue is complete, compiled and in use.

- every entry of locale/zh_Hans/LC_MESSAGES/django.po is translated and none is fuzzy;
- python-format placeholders survive translation;
- the committed django.mo is what msgfmt makes of the committed django.po;
- makemessages finds no msgid in the source that the catalogue lacks (or vice versa);
- pages render in zh-hans by default and in English after switching language.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

BASE_DIR = Path(django_settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
MAKEMESSAGES_IGNORE = [".venv", "staticfiles", "tests"]
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgattrib")


# --- a small PO parser -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file (obsolete `#~` entries are skipped), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            value = ast.literal_eval(literal)
            if keyword in ("msgctxt", "msgid") and (
                current is None or current.msgstr or (keyword == "msgctxt" and current.msgid)
            ):
                finish()
            if current is None:
                current = Entry(flags=pending_flags, line=number)
                pending_flags = set()
            if keyword.startswith("msgstr"):
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
        elif line.startswith('"') and current is not None and target is not None:
            value = ast.literal_eval(line)
            name, slot = target
            if name == "msgstr":
                current.msgstr[slot] += value
            else:
                setattr(current, name, getattr(current, name) + value)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    """The translatable entries, without the header."""
    return [entry for entry in entries if entry.msgid or entry.msgctxt]


# --- (a) the catalogue itself ------------------------------------------------------------------


def test_catalogue_parses_and_has_messages():
    entries = parse_po(PO_PATH)
    header = [entry for entry in entries if not entry.msgid and not entry.msgctxt]
    assert len(header) == 1, "the catalogue must have exactly one header entry"
    assert "Plural-Forms: nplurals=1; plural=0;" in header[0].msgstr[0]
    assert "charset=UTF-8" in header[0].msgstr[0]
    assert len(messages(entries)) > 300


def test_every_entry_is_translated():
    untranslated = [
        str(entry)
        for entry in messages(parse_po(PO_PATH))
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values())
    ]
    assert not untranslated, "untranslated entries in django.po:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy():
    fuzzy = [str(entry) for entry in parse_po(PO_PATH) if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries in django.po:\n" + "\n".join(fuzzy)


def test_plural_entries_have_the_single_chinese_form():
    for entry in messages(parse_po(PO_PATH)):
        if entry.msgid_plural is not None:
            assert set(entry.msgstr) == {0}, f"{entry}: Chinese has one plural form"


_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def test_python_format_placeholders_are_kept():
    wrong = []
    for entry in messages(parse_po(PO_PATH)):
        if "python-format" not in entry.flags:
            continue
        expected = _placeholders(entry.msgid)
        for text in entry.msgstr.values():
            if _placeholders(text) != expected:
                wrong.append(f"{entry} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


# --- (b) the compiled catalogue ----------------------------------------------------------------


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
def test_compiled_catalogue_is_up_to_date(tmp_path):
    assert MO_PATH.exists(), "django.mo is missing: run manage.py compilemessages"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt --check failed:\n{result.stderr}"
    committed, expected = _catalog(MO_PATH), _catalog(fresh)
    stale = sorted(
        str(key)
        for key in committed.keys() | expected.keys()
        if committed.get(key) != expected.get(key)
    )
    assert not stale, (
        "django.mo is out of date with django.po; run "
        "`python manage.py compilemessages --ignore=.venv`. Differences:\n" + "\n".join(stale[:20])
    )


# --- (c) completeness against the source -------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    """Copy the project without its virtualenv, VCS data, databases and build output.

    makemessages is not run in BASE_DIR itself: while walking the tree it finds ./locale and puts
    it first in its list of locale paths, so every source file would be merged into the real
    catalogue whatever LOCALE_PATHS says. In a copy, the copied locale/ is the one it writes."""
    shutil.copytree(
        BASE_DIR,
        destination,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "media",
            "__pycache__",
            ".*_cache",
            "*.sqlite3*",
            "*.mo",
            "*.pot",
            "*.log",
            "*.pdf",
        ),
    )


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason="GNU gettext tools (xgettext, msgmerge, ...) are not installed",
)
def test_catalogue_covers_every_source_string(tmp_path, settings, monkeypatch):
    project = tmp_path / "project"
    _copy_sources(project)
    regenerated_po = project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    before = regenerated_po.read_bytes()
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)

    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_obsolete=True,
        ignore_patterns=MAKEMESSAGES_IGNORE,
        verbosity=0,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert PO_PATH.read_bytes() == before, "makemessages must not touch the real catalogue"
    source_keys = {entry.key for entry in messages(parse_po(regenerated_po))}
    catalogue_keys = {entry.key for entry in messages(parse_po(PO_PATH))}
    missing = sorted(source_keys - catalogue_keys, key=str)
    stale = sorted(catalogue_keys - source_keys, key=str)
    assert not missing and not stale, (
        "django.po is out of step with the source; run `python manage.py makemessages -l zh_Hans "
        "--no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests`, translate, and "
        "compilemessages.\nNew in the source (untranslated):\n"
        + "\n".join(repr(key[1]) for key in missing)
        + "\nGone from the source:\n"
        + "\n".join(repr(key[1]) for key in stale)
    )


# --- (d) rendering -----------------------------------------------------------------------------


@pytest.fixture
def _restore_language():
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.mark.django_db
@pytest.mark.usefixtures("_restore_language")
def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "登录" in html
    assert "科协智库平台" in html
    assert "Log in" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_restore_language")
def test_switching_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302

    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Log in" in html
    assert "CAST Think-Tank Platform" in html
    assert "登录" not in html
