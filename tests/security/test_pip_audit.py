"""`make audit` (deploy/pip_audit.py): what counts as clean, vulnerable and not audited."""

import importlib.util

import pytest
from django.conf import settings

_spec = importlib.util.spec_from_file_location(
    "pip_audit_script", settings.BASE_DIR / "deploy" / "pip_audit.py"
)
pip_audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pip_audit)


def test_a_vulnerable_package_fails_the_audit_and_is_named():
    status, lines = pip_audit.verdict(
        {
            "dependencies": [
                {"name": "django", "version": "5.2.0", "vulns": []},
                {
                    "name": "jinja2",
                    "version": "3.1.2",
                    "vulns": [
                        {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}
                    ],
                },
            ]
        }
    )
    assert status == 1
    assert lines[0] == "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95; fixed in 3.1.3"


def test_a_clean_report_passes():
    status, lines = pip_audit.verdict(
        {
            "dependencies": [
                {"name": "django", "version": "5.2.0", "vulns": []},
                {"name": "zhiku", "skip_reason": "editable"},
            ]
        }
    )
    assert (status, lines) == (
        0,
        ["No known vulnerabilities: 1 packages audited, 1 skipped (not on the index or editable)."],
    )


def test_nothing_audited_is_not_a_clean_result():
    # A mirror without PyPI's JSON API answers "not found" for every package; pip-audit
    # itself then reports "No known vulnerabilities found".
    status, lines = pip_audit.verdict(
        {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]}
    )
    assert status == pip_audit.UNREACHABLE
    assert "NO AUDIT WAS DONE" in lines[1]


def test_the_ignore_list_needs_a_reason_for_every_entry():
    text = "# comment\n\nPYSEC-2024-1  # only the CLI is affected; we never run it\n"
    assert pip_audit.ignored_ids(text) == ["PYSEC-2024-1"]
    with pytest.raises(ValueError, match="expected `ID  # reason`"):
        pip_audit.ignored_ids("PYSEC-2024-2\n")


def test_the_shipped_ignore_list_parses():
    assert isinstance(pip_audit.ignored_ids(pip_audit.IGNORE_FILE.read_text("utf-8")), list)
