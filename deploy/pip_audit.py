"""`make audit`: pip-audit over the installed environment, failing on known vulnerabilities.

The ignore list is deploy/pip-audit-ignore.txt (one `ID  # reason` a line). pip-audit asks a
vulnerability service (PyPI's JSON API by default, OSV with PIP_AUDIT_SERVICE=osv); when that
cannot be reached, or answers for none of the packages (a mirror without the JSON API reports
every package as "not found", which pip-audit itself counts as a clean result), the audit did
not happen and this says so instead of passing silently.

Exit status: 0 clean; 1 known vulnerabilities; 3 the service could not be used (0 with a
warning when AUDIT_UNREACHABLE_OK=1, as CI runs it: no network is not a failed build, a
vulnerability is).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
IGNORE_FILE = BASE_DIR / "deploy" / "pip-audit-ignore.txt"
UNREACHABLE = 3
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._:-]+$")


def ignored_ids(text: str) -> list[str]:
    """The IDs of the ignore list: blank lines and `#` comments skipped; every entry needs
    its reason after a `#`, so nobody silences a finding without saying why."""
    ids = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        entry, _hash, reason = line.partition("#")
        entry = entry.strip()
        if not _ID.match(entry) or not reason.strip():
            raise ValueError(f"{IGNORE_FILE.name}:{number}: expected `ID  # reason`, got {raw!r}")
        ids.append(entry)
    return ids


def verdict(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for pip-audit's JSON `report`."""
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        return UNREACHABLE, [
            f"pip-audit could not audit any of the {len(dependencies)} installed packages "
            f"(first reason: {dependencies[0]['skip_reason']}).",
            "The vulnerability service is unreachable or does not answer for these packages: "
            "NO AUDIT WAS DONE.",
        ]
    lines, found = [], 0
    for dependency in audited:
        for vuln in dependency.get("vulns", []):
            found += 1
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"{dependency['name']} {dependency['version']}: {vuln['id']}"
                f"{f' ({aliases})' if aliases else ''}; fixed in {fixes}"
            )
    skipped = len(dependencies) - len(audited)
    summary = f"{len(audited)} packages audited, {skipped} skipped (not on the index or editable)"
    if found:
        return 1, [*lines, f"{found} known vulnerabilities; {summary}.", _HOW_TO_IGNORE]
    return 0, [f"No known vulnerabilities: {summary}."]


_HOW_TO_IGNORE = (
    "Upgrade the package, or (only when it cannot affect us) add `ID  # reason` to "
    "deploy/pip-audit-ignore.txt."
)


def main() -> int:
    try:
        ignore = ignored_ids(IGNORE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"pip-audit ignore list: {error}", file=sys.stderr)
        return 2
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--format=json",
        "--progress-spinner=off",
        "--skip-editable",
        f"--vulnerability-service={os.environ.get('PIP_AUDIT_SERVICE', 'pypi')}",
        "--timeout=20",
        *(f"--ignore-vuln={vuln_id}" for vuln_id in ignore),
    ]
    print(f"== pip-audit ({len(ignore)} ignored: {' '.join(ignore) or 'none'})", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        # No report at all: pip-audit stopped, almost always on the network.
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        if re.search(r"Connection|Resolution|Timeout|timed out|resolve|SSL", result.stderr):
            status, lines = (
                UNREACHABLE,
                [
                    f"The vulnerability service could not be reached: {last}",
                    "NO AUDIT WAS DONE.",
                ],
            )
        else:
            print(result.stderr, file=sys.stderr)
            return result.returncode or 2
    else:
        status, lines = verdict(report)
    for line in lines:
        print(line)
    if status == UNREACHABLE and os.environ.get("AUDIT_UNREACHABLE_OK") == "1":
        print("WARNING: the dependency audit was skipped (service unreachable); run `make audit`")
        print("         where the network reaches PyPI or OSV before a release.")
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
