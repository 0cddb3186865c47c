"""Hostile input through every form and import: markup, attribute breakers, SQL-looking text,
control, zero-width and bidi characters, emoji, Uyghur script, Traditional Chinese, a 10 MB
field and NUL bytes.

Each form is found on its page (its fields parsed from the HTML, as a browser would send
them), every free-text field gets the payload, and the outcome must be: no server error (a
form error or 400 for the 10 MB field and for NUL bytes), the text stored verbatim where it is
valid, and the raw markup never in any page: always escaped."""

import html
import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import ImportJob
from experts.models import Assignment, Expert, Society
from problems.models import Problem
from tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    EnterpriseFactory,
    ExpertFactory,
    ProblemFactory,
    ReadyProblemFactory,
    ReportFactory,
    TopicFactory,
    credit_code,
    issued_report,
)
from tests.imports.files import EXPERT_HEADERS, csv_bytes

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute_double": '"><img src=x onerror=alert(1)>',
    "attribute_single": "' onmouseover='x",
    "sql": "'; DROP TABLE problems_problem; --",
    "control": "退格\x08转义\x1b[31m结束",
    "zero_width": "零\u200b宽\u200d连\ufeff字",
    "bidi": "报告\u202egpj.exe",
    "emoji": "科研👩\u200d🔬农业🧑🏽\u200d🌾旗🇨🇳",
    "uyghur": "ئۇيغۇرچە تېكىست",
    "traditional": "關鍵核心技術問題徵集",
}
# What must never appear raw in a page: it would run. (The attribute breakers are checked
# by parsing the page: no element may carry an event-handler attribute.)
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
NUL = "前\x00后"
HUGE = "大" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8


# --- reading a form the way a browser sends it --------------------------------------------------


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields (name -> value, kind)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": a.get("method", "get"),
                "fields": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a or name not in self._form["fields"]:
                    self._form["fields"].setdefault(name, (a.get("value", "on"), kind))
                    if "checked" in a:
                        self._form["fields"][name] = (a.get("value", "on"), kind)
                return
            self._form["fields"][name] = (a.get("value", ""), kind)
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ("", "textarea")
        elif tag == "select" and name:
            self._select = name
            self._form["fields"][name] = (None, "select")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            current, kind = self._form["fields"][self._select]
            if "selected" in a or (current in (None, "") and value):
                self._form["fields"][self._select] = (value, kind)

    def handle_data(self, data):
        if self._textarea and self._form:
            value, kind = self._form["fields"][self._textarea]
            self._form["fields"][self._textarea] = (value + data, kind)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


# Fields whose format is checked (a payload there is a form error, not stored): they keep a
# valid value so that the free-text fields of the same form are stored.
FORMATTED = re.compile(
    r"(^|_)(email|mobile|phone|credit_code|username|password\d?|ref|date|due_date|opens_on|"
    r"closes_on|desired_completion|import_share|progress|expert|number|code|year|issue)$"
)
FREE_KINDS = {"text", "textarea", "search", ""}


@dataclass
class FormCase:
    name: str
    user: str | None  # a fixture name, None: anonymous
    page: str  # the page that shows the form
    action: str = ""  # the form's action, if the page holds several
    # For a form that moves its object on (decline, transition): a fresh (page, action) for
    # every payload.
    fresh: object = None
    # Posted by the page's script, not a form: these fields, straight to `action`.
    direct: tuple = ()
    inject: tuple = ()  # formatted fields that take the payload anyway (login name, codes)
    shown: bool = True  # the stored text is shown on the page the form leads to
    valid: dict = field(default_factory=dict)  # values that make the rest valid
    skip: tuple = ()  # text fields to leave alone
    files: dict = field(default_factory=dict)


def form_fields(client: Client, page: str, action: str) -> dict:
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = FormParser()
    parser.feed(response.content.decode())
    # Every page also has the header's logout and the footer's language forms.
    forms = [
        f
        for f in parser.forms
        if f["method"].lower() == "post"
        and f["action"] not in {"/accounts/logout/", "/i18n/setlang/"}
    ]
    if action:
        forms = [f for f in forms if f["action"] == action]
    assert forms, f"no POST form on {page} with action {action!r}"
    return max(forms, key=lambda f: len(f["fields"]))


def fill(fields: dict, case: FormCase, payload: str) -> tuple[dict, list[str]]:
    data, injected = {}, []
    for name, (value, kind) in fields.items():
        if value is None:
            continue
        free = kind in FREE_KINDS and not FORMATTED.search(name) and name not in case.skip
        if free or name in case.inject:
            data[name] = payload
            injected.append(name)
        else:
            data[name] = value
    data.update(case.valid)
    injected = [name for name in injected if name not in case.valid]
    return data, injected


class HandlerFinder(HTMLParser):
    """Event-handler attributes (onerror=, onmouseover=...) and scripts that call alert."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self.found.extend(f"<{tag} {name}=...>" for name, _v in attrs if name.startswith("on"))
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append("<script>alert(...)")


def assert_escaped(content: str, where: str) -> None:
    for marker in MARKUP:
        assert marker not in content, f"raw {marker!r} in {where}"
    finder = HandlerFinder()
    finder.feed(content)
    assert finder.found == [], f"{finder.found} in {where}"


# --- the forms ----------------------------------------------------------------------------------


def _problem(ent_a, **kw):
    return ProblemFactory(enterprise=ent_a, **kw)


def _no_open_request(page: str, action: str) -> tuple[str, str]:
    from experts.models import DeletionRequest

    DeletionRequest.objects.filter(status="open").update(status="withdrawn")
    return page, action


def _open_request(expert) -> tuple[str, str]:
    from experts.models import DeletionRequest

    DeletionRequest.objects.filter(status="open").update(status="withdrawn")
    deletion = DeletionRequest.objects.create(expert=expert)
    return _pages(
        deletion, "/experts/deletion-requests/{pk}/", "/experts/deletion-requests/{pk}/decide/"
    )


def _pages(obj, page: str, action: str) -> tuple[str, str]:
    return page.format(pk=obj.pk), action.format(pk=obj.pk)


def cases(fx) -> list[FormCase]:
    """The forms, with what they need; `fx` gives the fixtures and makes objects."""
    ent_a = fx("ent_a")
    draft = _problem(ent_a)
    problem_fields = {  # the problem form's required fields besides the free text
        "industry": "C26",
        "region": "654201",
        "import_share": "50",
        "desired_completion": "2030-01-01",
        "contact_phone": "13900000000",
    }
    submitted = _problem(
        ent_a, status=Problem.Status.SUBMITTED, number="KBZ-H-00001", submitted_at=timezone.now()
    )
    ready = ReadyProblemFactory(enterprise=ent_a)
    expert_user = fx("expert_user")
    expert = expert_user.expert
    accepted = AssignmentFactory(
        expert=expert,
        status=Assignment.Status.ACCEPTED,
        problem=ReadyProblemFactory(enterprise=ent_a),
    )
    campaign = CampaignFactory()
    topic = TopicFactory()
    report = ReportFactory()
    issued = issued_report(by=fx("staff_xj"), addressees=[fx("official_user").government_body])
    society = fx("society_admin_user").administered_societies.get()
    today = timezone.localdate().isoformat()
    return [
        FormCase(
            "register_enterprise",
            None,
            "/accounts/register/enterprise/",
            valid={
                "username": "h_ent",
                "password1": "Zhiku-Strong-2026!",
                "password2": "Zhiku-Strong-2026!",
                "credit_code": credit_code(901),
                "email": "h@example.com",
                "mobile": "13900000001",
                "contact_phone": "13900000001",
                "region": "654201",
                "industry": "C26",
            },
        ),
        FormCase(
            "register_expert",
            None,
            "/accounts/register/expert/",
            valid={
                "username": "h_exp",
                "password1": "Zhiku-Strong-2026!",
                "password2": "Zhiku-Strong-2026!",
                "email": "e@example.com",
                "mobile": "13900000002",
                "region": "650100",
            },
        ),
        FormCase("login", None, "/accounts/login/", inject=("username",), shown=False),
        FormCase(
            "problem_create",
            "ent_a_user",
            "/problems/new/",
            valid=problem_fields,
        ),
        FormCase(
            "problem_edit",
            "ent_a_user",
            f"/problems/{draft.pk}/edit/",
            valid=problem_fields,
        ),
        FormCase(
            "problem_note",
            "staff_tc",
            f"/problems/{submitted.pk}/",
            action=f"/problems/{submitted.pk}/note/",
        ),
        FormCase(
            "problem_transition",
            "staff_tc",
            "",
            direct=("reason",),
            valid={"to": "returned"},
            fresh=lambda: _pages(
                _problem(ent_a, status=Problem.Status.SCREENING, submitted_at=timezone.now()),
                "/problems/{pk}/",
                "/problems/{pk}/transition/",
            ),
        ),
        FormCase(
            "campaign_create",
            "staff_xj",
            "/problems/campaigns/new/",
            valid={"opens_on": today, "closes_on": "2030-01-01", "region": "650000"},
        ),
        FormCase("campaign_edit", "staff_xj", f"/problems/campaigns/{campaign.pk}/edit/"),
        FormCase("profile_edit", "expert_user", "/experts/me/edit/"),
        FormCase("expert_edit", "staff_xj", f"/experts/{expert.pk}/edit/"),
        FormCase("conflicts", "expert_user", "/experts/me/conflicts/"),
        FormCase("society_edit", "society_admin_user", f"/experts/societies/{society.pk}/edit/"),
        FormCase(
            "assignment_decline",
            "expert_user",
            "",
            fresh=lambda: _pages(
                AssignmentFactory(expert=expert, problem=ReadyProblemFactory(enterprise=ent_a)),
                "/experts/assignments/{pk}/",
                "/experts/assignments/{pk}/decline/",
            ),
            shown=False,
        ),
        FormCase("review_opinion", "expert_user", f"/experts/assignments/{accepted.pk}/opinion/"),
        FormCase("problem_brief", "staff_tc", f"/experts/problems/{ready.pk}/brief/"),
        FormCase(
            "delegation",
            "staff_tc",
            f"/experts/problems/{ready.pk}/delegate/",
            valid={"society": str(society.pk), "due_date": "2030-01-01"},
        ),
        FormCase(
            "proposal", "staff_xj", "/experts/proposals/new/", valid={"due_date": "2030-01-01"}
        ),
        FormCase(
            "topic_create",
            "staff_xj",
            "/consult/topics/new/",
            valid={"region": "650000", "lead_expert": str(expert.pk)},
        ),
        FormCase("topic_edit", "staff_xj", f"/consult/topics/{topic.pk}/edit/"),
        FormCase(
            "topic_milestone",
            "staff_xj",
            f"/consult/topics/{topic.pk}/",
            action=f"/consult/topics/{topic.pk}/milestones/",
            valid={"milestone-due_date": "2030-01-01"},
        ),
        FormCase("report_create", "staff_xj", "/consult/reports/new/"),
        FormCase("report_edit", "staff_xj", f"/consult/reports/{report.pk}/edit/"),
        FormCase(
            "report_preview",
            "staff_xj",
            "",
            action="/consult/reports/preview/",
            direct=("body",),
            valid={"report": str(report.pk)},
            shown=False,
        ),
        FormCase(
            "instruction",
            "official_user",
            f"/consult/reports/{issued.pk}/instructions/new/",
            valid={"date": today},
        ),
        FormCase(
            "adoption",
            "official_user",
            f"/consult/reports/{issued.pk}/adoptions/new/",
            valid={"date": today},
        ),
        FormCase(
            "enterprise_status",
            "staff_tc",
            "",
            direct=("reason",),
            valid={"to": "rejected"},
            fresh=lambda: _pages(
                EnterpriseFactory(pending=True),
                "/problems/enterprises/{pk}/",
                "/problems/enterprises/{pk}/status/",
            ),
        ),
        FormCase(
            "topic_transition",
            "staff_xj",
            "",
            direct=("reason",),
            valid={"to": "terminated"},
            fresh=lambda: _pages(
                TopicFactory(), "/consult/topics/{pk}/", "/consult/topics/{pk}/transition/"
            ),
        ),
        FormCase(
            "topic_progress",
            "staff_xj",
            "",
            direct=("text",),
            valid={"progress": "30"},
            fresh=lambda: _pages(
                TopicFactory(status="in_progress"),
                "/consult/topics/{pk}/",
                "/consult/topics/{pk}/progress/",
            ),
        ),
        FormCase(
            "topic_member",
            "staff_xj",
            f"/consult/topics/{topic.pk}/",
            action=f"/consult/topics/{topic.pk}/members/",
            valid={"expert": expert.ref},
        ),
        FormCase(
            "report_transition",
            "staff_xj",
            "",
            direct=("reason",),
            valid={"to": "review"},
            fresh=lambda: _pages(
                ReportFactory(), "/consult/reports/{pk}/", "/consult/reports/{pk}/transition/"
            ),
            shown=False,
        ),
        FormCase(
            "deletion_decision",
            "staff_xj",
            "",
            direct=("reason",),
            valid={"decision": "reject"},
            fresh=lambda: _open_request(expert),
        ),
        FormCase(
            "password_reset", None, "/accounts/password/reset/", inject=("email",), shown=False
        ),
        FormCase(
            "society_member_add",
            "society_admin_user",
            f"/experts/societies/{society.pk}/members/",
            inject=("expert",),
            shown=False,
        ),
        FormCase(
            "deletion_request",
            "expert_user",
            "",
            valid={"confirm": "on"},
            fresh=lambda: _no_open_request("/experts/me/data/", "/experts/me/data/delete/"),
            shown=False,
        ),
    ]


# Pages that show what the forms stored, per user.
OUTPUT_PAGES = {
    "ent_a_user": ["/problems/"],
    "staff_tc": ["/problems/"],
    "staff_xj": [
        "/problems/campaigns/",
        "/experts/",
        "/consult/topics/",
        "/consult/reports/",
        "/experts/proposals/",
        "/experts/deletion-requests/",
    ],
    "expert_user": ["/experts/me/", "/experts/assignments/"],
    "society_admin_user": ["/experts/societies/mine/"],
    "official_user": ["/consult/reports/"],
}


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """As tests/conftest.py's (which tests/security/conftest.py replaces for its shared world,
    unused here): uploads and static files in this test's directory, a fast hasher."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def fx(request):
    return request.getfixturevalue


def test_every_form_survives_the_corpus_and_escapes_it(fx, client_for):
    failures = []
    for case in cases(fx):
        user = fx(case.user) if case.user else None
        client = client_for(user) if user else Client()
        stored_somewhere = False
        for label, payload in [*PAYLOADS.items(), ("nul", NUL), ("huge", HUGE)]:
            page, action = case.fresh() if case.fresh else (case.page, case.action)
            if case.direct:
                fields = {"action": action, "fields": dict.fromkeys(case.direct, ("", "text"))}
            else:
                fields = form_fields(client, page, action)
            action = fields["action"] or page
            data, injected = fill(fields["fields"], case, payload)
            if label == "huge":
                # One 10 MB field (several would pass the request size limit: a 400).
                data.update(dict.fromkeys(injected[1:], "x"))
            if not injected:
                failures.append(f"{case.name}: no free-text field found")
                break
            response = client.post(action, data, follow=True)
            where = f"{case.name}/{label} -> {action}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
                continue
            content = response.content.decode(errors="replace")
            if label == "huge":
                continue  # a form error or a 400; the content is checked below
            assert_escaped(content, where)
            if label in {"script", "uyghur"} and html.escape(payload) in content:
                stored_somewhere = True
        for page in OUTPUT_PAGES.get(case.user, []):
            content = client.get(page).content.decode(errors="replace")
            assert_escaped(content, f"{case.name}: {page}")
        if case.shown and not stored_somewhere:
            # Shown back on the page it redirected to (detail pages show the text).
            failures.append(f"{case.name}: payload not shown back (escaped) after saving")
    assert failures == [], "\n".join(failures)
    assert stored_huge_text() == []


def stored_huge_text() -> list[str]:
    """Every text column of every model holding more than 100,000 characters: the 10 MB
    fields must have been refused, not stored."""
    from django.apps import apps
    from django.db import models
    from django.db.models.functions import Length

    found = []
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if isinstance(column, models.CharField | models.TextField):
                rows = model._default_manager.annotate(_n=Length(column.name)).filter(
                    _n__gt=100_000
                )
                found.extend(f"{model._meta.label}.{column.name}" for _row in rows[:1])
    return found


def test_search_and_filter_fields_survive_the_corpus(client_for, staff_xj, expert_user):
    staff = client_for(staff_xj)
    pages = [
        (staff, "/problems/", "q"),
        (staff, "/experts/", "q"),
        (staff, "/experts/", "employer"),
        (staff, "/experts/societies/", "q"),
        (staff, "/problems/enterprises/", "q"),
        (staff, "/consult/topics/", "q"),
        (staff, "/consult/reports/", "q"),
        (staff, "/consult/downloads/trace/", "code"),
        (staff, "/experts/deletion-requests/", "expert"),
        (client_for(expert_user), "/experts/assignments/", "q"),
    ]
    for client, page, name in pages:
        for label, payload in [*PAYLOADS.items(), ("nul", NUL)]:
            response = client.get(page, {name: payload})
            where = f"{page}?{name}=<{label}>"
            assert response.status_code == 200, where
            assert_escaped(response.content.decode(), where)


# --- imports ----------------------------------------------------------------------------------

IMPORT_FILES = {
    "experts": (
        EXPERT_HEADERS,
        lambda i, p: [f"H-{i}", p[:50], "男", p, p[:50], "530", p, "乌鲁木齐市", "", ""],
    ),
    "problems": (
        ["编号", "企业名称", "所属行业", "难题名称", "难题描述", "期望目标", "所在地区"],
        lambda i, p: [f"HB-{i}", f"企业{i}{p}"[:100], "C26", p, p, p, "石河子市"],
    ),
    "societies": (
        [
            "编号",
            "名称",
            "级别",
            "学科领域",
            "所在地区",
            "联系人",
            "联系电话",
            "联系邮箱",
            "业务专长",
        ],
        lambda i, p: [
            f"XH-{i}",
            f"学会{i}{p}"[:100],
            "自治区学会",
            "530",
            "650000",
            p[:50],
            "",
            "",
            p,
        ],
    ),
}
LIST_PAGES = {"experts": "/experts/", "problems": "/problems/", "societies": "/experts/societies/"}


@pytest.mark.parametrize("kind", sorted(IMPORT_FILES))
def test_every_import_kind_takes_the_corpus_verbatim_and_shows_it_escaped(
    client_for, staff_xj, kind
):
    headers, make_row = IMPORT_FILES[kind]
    payloads = list(PAYLOADS.values())
    data = csv_bytes(headers, [make_row(i, p) for i, p in enumerate(payloads)])
    client = client_for(staff_xj)

    upload = SimpleUploadedFile(f"{kind}.csv", data)
    response = client.post(f"/data/import/{kind}/", {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(job.get_absolute_url())
    assert_escaped(page.content.decode(), f"{kind} import preview")
    client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"})
    job.refresh_from_db()
    assert job.status == "done", (job.error, job.report)

    stored = {"experts": Expert, "problems": Problem, "societies": Society}[kind].objects
    text_field = {"experts": "employer", "problems": "title", "societies": "description"}[kind]
    values = set(stored.values_list(text_field, flat=True))
    # Stored as written (a CSV cell keeps control and zero-width characters; only the
    # surrounding whitespace is trimmed).
    assert {p.strip() for p in payloads} <= values
    content = client.get(LIST_PAGES[kind], {"page": 1}).content.decode()
    assert_escaped(content, f"{kind} list")
    for obj in stored.all()[:3]:
        if hasattr(obj, "get_absolute_url"):
            assert_escaped(client.get(obj.get_absolute_url()).content.decode(), str(obj.pk))


def test_an_import_with_nul_bytes_or_a_huge_cell_is_refused_clearly(client_for, staff_xj):
    client = client_for(staff_xj)
    headers, make_row = IMPORT_FILES["experts"]
    for label, payload in (("nul", NUL), ("huge", HUGE[: 3 * 1024 * 1024])):
        data = (",".join(headers) + "\n" + ",".join(make_row(1, payload)) + "\n").encode()
        response = client.post(
            "/data/import/experts/", {"file": SimpleUploadedFile(f"{label}.csv", data)}
        )
        assert response.status_code in {200, 302}, label
        job = ImportJob.objects.order_by("pk").last()
        page = client.get(job.get_absolute_url())
        assert page.status_code == 200, label
        client.post(f"/data/imports/{job.pk}/confirm/", {"action": "import"})
        job.refresh_from_db()
        assert job.status in {"failed", "checked", "done"}, label


# --- exports ----------------------------------------------------------------------------------


def test_exports_of_hostile_rows_do_not_fail(client_for, staff_xj, ent_a):
    for i, payload in enumerate(PAYLOADS.values()):
        ProblemFactory(
            enterprise=ent_a,
            title=payload,
            status=Problem.Status.SUBMITTED,
            number=f"KBZ-X-{i:05d}",
            submitted_at=timezone.now(),
        )
        ExpertFactory(name=payload[:50], employer=payload, research_directions=payload)
    client = client_for(staff_xj)
    for kind in ("problems", "experts"):
        for fmt in ("xlsx", "csv"):
            response = client.get(f"/data/export/{kind}/", {"format": fmt})
            assert response.status_code == 200, (kind, fmt)
            assert response["Content-Disposition"].startswith("attachment")


# --- the report PDF -----------------------------------------------------------------------------


def test_a_hostile_report_prints_as_text_never_as_markup(tmp_path):
    from consult.pdf.cache import render_pdf
    from consult.pdf.html import revision_html
    from consult.services.reports import current_revision

    body = "\n\n".join(
        [
            "## 一、" + PAYLOADS["script"],
            PAYLOADS["attribute_double"],
            '<img src="x" onerror="alert(1)"><iframe src="javascript:alert(1)"></iframe>',
            "[点击](javascript:alert(1)) " + PAYLOADS["sql"],
            PAYLOADS["uyghur"] + " " + PAYLOADS["traditional"] + " " + PAYLOADS["emoji"],
            PAYLOADS["control"] + PAYLOADS["zero_width"] + PAYLOADS["bidi"],
        ]
    )
    report = ReportFactory(
        title="关于" + PAYLOADS["script"] + PAYLOADS["attribute_single"] + "的建议", body=body
    )
    revision = current_revision(report)

    document = revision_html(revision)
    finder = HandlerFinder()
    finder.feed(document)
    assert finder.found == []
    assert "<script" not in document.lower()
    assert "<iframe" not in document.lower()
    # The javascript: link stays text (markdown-it refuses the address), never an href.
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", document, re.IGNORECASE)
    assert "onerror" not in re.sub(r"&lt;.*?&gt;", "", document)

    pdf, pages = render_pdf(revision)
    assert pages >= 1
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    # The title is plain text: printed as written. Raw HTML in the Markdown body is dropped
    # by the sanitiser, the text around it stays.
    assert "关于<script>alert(1)</script>'onmouseover='x的建议" in flat
    assert "DROPTABLEproblems_problem" in flat
    assert "關鍵核心技術問題徵集" in flat
