"""Reading docs/access-policy.md and asking the site what it answers.

The markdown table is the source of truth: one row per URL name, one column per role (see
tests/security/conftest.py ROLES), each cell a short code from the document's legend."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The columns of the policy table, in order.
ROLES = (
    "anon",
    "ent_own",
    "ent_other",
    "exp_assigned",
    "exp_other",
    "soc_deleg",
    "soc_other",
    "staff_region",
    "staff_other",
    "staff_root",
    "off_body",
    "off_other",
    "admin",
)

DOC = Path(settings.BASE_DIR) / "docs" / "access-policy.md"
CODES = {"200", "302", "login", "403", "404", "405"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    object: str
    expected: dict[str, str]
    line: int


def read_table(path: Path = DOC) -> dict[str, Row]:
    """The rows of the policy table: lines `| `name` | METHOD | object | cell | ... |`."""
    rows: dict[str, Row] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if not match:
            continue
        cells = [cell.strip().strip("`") for cell in match.group(2).split("|")]
        name = match.group(1)
        if len(cells) != 2 + len(ROLES):
            raise AssertionError(f"{path.name}:{number}: {name} has {len(cells)} cells")
        method, obj, *answers = cells
        bad = [a for a in answers if a not in CODES]
        if bad or method not in {"GET", "POST"}:
            raise AssertionError(f"{path.name}:{number}: {name}: unknown code {bad or method}")
        if name in rows:
            raise AssertionError(f"{path.name}:{number}: {name} appears twice")
        rows[name] = Row(name, method, obj, dict(zip(ROLES, answers, strict=True)), number)
    return rows


def url_names() -> set[str]:
    """Every named URL of the site; the admin site's as one name, `admin:*`."""

    def walk(resolver, namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    names = set()
    for name in walk(get_resolver()):
        names.add("admin:*" if name.startswith("admin:") else name)
    return names


def admin_urls() -> list[str]:
    """The changelist and add page of every model registered with the admin site."""
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        for page in ("changelist", "add"):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}"))
    return sorted(urls)


def answer(response, *, login_paths=("/accounts/login/", "/admin/login/")) -> str:
    """The response as a code of the legend. A streamed file is read to its end, which lets
    the test client close it (and the file) without closing the test's database connection."""
    if response.streaming:
        response.getvalue()
    if response.status_code in (301, 302):
        location = response["Location"]
        return "login" if location.startswith(login_paths) else "302"
    return str(response.status_code)


def kwargs_for(world, obj: str) -> dict:
    """The URL kwargs of the object a row names (the table's "object" column)."""
    w = world
    objects = {
        "-": {},
        "problem": {"pk": w.problem.pk},
        "problem_pk": {"problem_pk": w.problem.pk},
        "attachment": {"pk": w.attachment.pk},
        "brief attachment": {"pk": w.assignment.pk, "attachment_pk": w.attachment.pk},
        "campaign": {"pk": w.campaign.pk},
        "enterprise": {"pk": w.ent_a.pk},
        "expert": {"pk": w.expert.pk},
        "profile change": {"pk": w.profile_change.pk},
        "conflict": {"pk": w.conflict.pk},
        "society": {"pk": w.society.pk},
        "society member": {"pk": w.society.pk, "expert_pk": w.expert.pk},
        "assignment": {"pk": w.assignment.pk},
        "review attachment": {"pk": w.review_attachment.pk},
        "released review": {"pk": w.released_review.pk},
        "delegation": {"pk": w.delegation.pk},
        "proposal": {"pk": w.proposal.pk},
        "proposal item": {"pk": w.proposal.pk, "item_pk": w.proposal_item.pk},
        "topic": {"pk": w.topic.pk},
        "topic member": {"pk": w.member.pk},
        "milestone": {"pk": w.milestone.pk},
        "document": {"pk": w.document.pk},
        "report": {"pk": w.report.pk},
        "report image": {"pk": w.report.pk, "image_pk": w.image.pk},
        "instruction": {"pk": w.instruction.pk},
        "import job": {"pk": w.import_job.pk},
        "notification": {"pk": w.notification.pk},
        "deletion request": {"pk": w.deletion_request.pk},
        "kind=experts": {"kind": "experts"},
        "kind=problems": {"kind": "problems"},
        "chart=problems-by-region": {"chart": "problems-by-region"},
        "reset link": {"uidb64": "MQ", "token": "bad-token"},
    }
    if obj not in objects:
        raise AssertionError(f"unknown object {obj!r} in the policy table")
    return objects[obj]
