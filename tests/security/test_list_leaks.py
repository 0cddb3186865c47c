"""Lists, searches, exports, the dashboard's JSON and walks over ids leak no rows.

The world (tests/security/conftest.py) has enterprise A's problem and draft (塔城, 654200) and
enterprise B's problem (喀什, 653100); three experts, two societies, one campaign, topic and
report of 塔城. Each role gets exactly the rows its scope allows, whatever the query string."""

import csv
import io
import json

import pytest
from django.db.models import Max, Min
from django.urls import reverse

from accounts.models import ImportJob, Notification
from consult.models import Download, Instruction, Report, ReportImage, Topic, TopicDocument
from experts.models import Assignment, Delegation, Expert, Proposal, ReviewAttachment, Society
from problems.models import Attachment, Campaign, Enterprise, Problem

from .policy import ROLES, kwargs_for, read_table

STAFF = ("staff_region", "staff_other", "staff_root", "admin")


def rows_listed(response) -> int:
    assert response.status_code == 200, response.status_code
    return response.context["page"].paginator.count


# Expected row counts per list page and role; a role absent from a row answers 403.
LISTS = {
    "problems:problem_list": {
        "ent_own": 2,  # the problem and the draft
        "ent_other": 1,
        "staff_region": 1,
        "staff_other": 1,
        "staff_root": 2,
        "admin": 2,
    },
    "problems:enterprise_list": {"staff_region": 1, "staff_other": 1, "staff_root": 2, "admin": 2},
    "problems:campaign_list": {
        "ent_own": 1,
        "ent_other": 0,
        "staff_region": 1,
        "staff_other": 0,
        "staff_root": 1,
        "admin": 1,
    },
    # The talent pool is shared among staff.
    "experts:expert_list": dict.fromkeys(STAFF, 3),
    "experts:society_list": dict.fromkeys(STAFF, 2),
    "experts:assignment_list": {"exp_assigned": 1, "exp_other": 0},
    "experts:delegation_list": {"soc_deleg": 1, "soc_other": 0},
    "experts:proposal_list": {"staff_region": 1, "staff_other": 0, "staff_root": 1, "admin": 1},
    "consult:topic_list": {
        "exp_assigned": 1,
        "exp_other": 0,
        "soc_deleg": 0,
        "soc_other": 0,
        "staff_region": 1,
        "staff_other": 0,
        "staff_root": 1,
        "admin": 1,
    },
    # The issued report of 塔城 (to body X), its draft, the issued report of 喀什 (to body Y).
    "consult:report_list": {
        "exp_assigned": 1,
        "staff_region": 2,
        "staff_other": 1,
        "staff_root": 3,
        "off_body": 1,
        "off_other": 1,
        "admin": 3,
    },
    "experts:deletion_request_list": {"staff_root": 1, "admin": 1},
}


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name in LISTS for role in ROLES if role != "anon"]
)
def test_list_counts(world, client_as, name, role):
    response = client_as(role).get(reverse(name))
    expected = LISTS[name].get(role)
    if expected is None:
        assert response.status_code == 403
    else:
        assert rows_listed(response) == expected


# Searches and filters that name another scope's rows find nothing; in one's own scope they
# find the row (so the query itself works).
SEARCHES = [
    # (url name, query, role, rows)
    ("problems:problem_list", {"q": "高纯石英砂"}, "staff_region", 1),
    ("problems:problem_list", {"q": "高纯石英砂"}, "staff_other", 0),
    ("problems:problem_list", {"q": "高纯石英砂"}, "ent_other", 0),
    ("problems:problem_list", {"q": "甲公司的草稿"}, "staff_root", 0),  # drafts stay private
    ("problems:problem_list", {"region": "654201"}, "staff_other", 0),
    ("problems:problem_list", {"status": "draft"}, "staff_root", 0),
    ("problems:enterprise_list", {"q": "塔城甲化工"}, "staff_other", 0),
    ("problems:enterprise_list", {"q": "塔城甲化工"}, "staff_region", 1),
    ("consult:topic_list", {"q": "石英砂"}, "staff_other", 0),
    ("consult:topic_list", {"q": "石英砂"}, "staff_region", 1),
    ("consult:topic_list", {"q": "石英砂"}, "exp_other", 0),
    ("consult:report_list", {"q": "塔城石英砂产业链"}, "off_other", 0),
    ("consult:report_list", {"q": "塔城石英砂产业链"}, "off_body", 1),
    ("consult:report_list", {"q": "塔城石英砂产业链"}, "staff_other", 0),
    ("experts:assignment_list", {"q": "石英砂"}, "exp_other", 0),
    ("experts:delegation_list", {"q": "石英砂"}, "soc_other", 0),
]


@pytest.mark.parametrize(("name", "query", "role", "expected"), SEARCHES)
def test_search_finds_only_own_rows(world, client_as, name, query, role, expected):
    response = client_as(role).get(reverse(name), query)
    count = response.context["page"].paginator.count if response.status_code == 200 else 0
    assert count == expected


def test_notifications_are_the_users_own(world, client_as):
    for role in ROLES[1:]:
        user = world.users[role]
        response = client_as(role).get(reverse("notifications"))
        listed = {n.pk for n in response.context["page"].object_list}
        assert listed == set(Notification.objects.filter(user=user).values_list("pk", flat=True))


# --- exports and the dashboard's data -----------------------------------------------------

EXPORTS = {
    "problems": {"staff_region": 1, "staff_other": 1, "staff_root": 2, "admin": 2},
    "enterprises": {"staff_region": 1, "staff_other": 1, "staff_root": 2, "admin": 2},
    "experts": dict.fromkeys(STAFF, 3),
    "societies": dict.fromkeys(STAFF, 2),
}


def exported_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.mark.parametrize(
    ("kind", "role"), [(kind, role) for kind in EXPORTS for role in ROLES if role != "anon"]
)
def test_export_rows(world, client_as, kind, role):
    response = client_as(role).get(reverse("data:export", args=[kind]), {"format": "csv"})
    expected = EXPORTS[kind].get(role)
    if expected is None:
        assert response.status_code == 403
    else:
        assert len(exported_rows(response)) == expected


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("problems", {"region": "654201"}),
        ("problems", {"q": "高纯石英砂"}),
        ("problems", {"status": "draft"}),
        ("enterprises", {"q": "塔城甲化工"}),
    ],
)
def test_export_filters_stay_in_scope(world, client_as, kind, query):
    """staff_other asking for A's rows by name, region or state gets none."""
    response = client_as("staff_other").get(
        reverse("data:export", args=[kind]), {"format": "csv", **query}
    )
    assert exported_rows(response) == []


def _dashboard(client, chart: str) -> dict:
    response = client.get(reverse("consult:dashboard_data", args=[chart]))
    assert response.status_code == 200
    return json.loads(response.content)


# chart -> (how a row's count is read, {role: total})
DASHBOARD = {
    "problems-by-category": (lambda row: row[1], {"staff_region": 1, "staff_other": 1}),
    "problems-by-region": (lambda row: row[-1], {"staff_region": 1, "staff_other": 1}),
    "topics-by-state": (lambda row: row[1], {"staff_region": 1, "staff_other": 0}),
    "reports-by-month": (lambda row: row[-1], {"staff_region": 1, "staff_other": 1}),
    "feedback-by-month": (lambda row: sum(row[1:]), {"staff_region": 1, "staff_other": 0}),
    "matching-turnaround": (lambda row: row[1], {"staff_region": 1, "staff_other": 0}),
}


# For the autonomous region and the platform admin; 1 where not given.
WHOLE = {"problems-by-category": 2, "problems-by-region": 2, "reports-by-month": 2}


@pytest.mark.parametrize(("chart", "role"), [(c, r) for c in DASHBOARD for r in STAFF])
def test_dashboard_data_in_scope(world, client_as, chart, role):
    """The dashboard counts only what lies in the user's scope (never a draft): B's problem
    for 喀什's staff, A's problem, topic, report and instruction for 塔城's, both for the
    autonomous region and the platform admin."""
    count, totals = DASHBOARD[chart]
    whole = WHOLE.get(chart, 1)
    expected = totals.get(role, whole)
    data = _dashboard(client_as(role), chart)
    assert sum(count(row) for row in data["rows"]) == expected


def test_import_job_json_is_the_uploaders_own(world, client_as):
    url = reverse("data:import_job", args=[world.import_job.pk])
    assert client_as("staff_region").get(url, {"format": "json"}).status_code == 200
    for role in ("staff_other", "staff_root", "ent_own", "exp_assigned", "off_body"):
        assert client_as(role).get(url, {"format": "json"}).status_code == 404


# --- walking ids ------------------------------------------------------------------------------
# A role asks for every id of every kind of object (and a few ids either side): it opens
# exactly its own (see _own) and gets 404 or 403 for everything else.


def _by_pk(pk: int) -> dict:
    return {"pk": pk}


def _walk_kinds(w):
    """url name -> (model, function from a pk to the URL's kwargs)."""
    return {
        "problems:problem_detail": (Problem, _by_pk),
        "problems:problem_edit": (Problem, _by_pk),
        "problems:attachment_download": (Attachment, _by_pk),
        "problems:enterprise_detail": (Enterprise, _by_pk),
        "problems:campaign_detail": (Campaign, _by_pk),
        "experts:expert_detail": (Expert, _by_pk),
        "experts:society_detail": (Society, _by_pk),
        "experts:assignment_detail": (Assignment, _by_pk),
        "experts:review_edit": (Assignment, _by_pk),
        "experts:brief_attachment": (
            Attachment,
            lambda pk: {"pk": w.assignment.pk, "attachment_pk": pk},
        ),
        "experts:review_attachment": (ReviewAttachment, _by_pk),
        "experts:problem_opinions": (Problem, lambda pk: {"problem_pk": pk}),
        "experts:delegation_detail": (Delegation, _by_pk),
        "experts:proposal_detail": (Proposal, _by_pk),
        "consult:topic_detail": (Topic, _by_pk),
        "consult:topic_document": (TopicDocument, _by_pk),
        "consult:report_detail": (Report, _by_pk),
        "consult:report_pdf": (Report, _by_pk),
        "consult:report_image": (
            ReportImage,
            lambda pk: {"pk": w.report.pk, "image_pk": pk},
        ),
        "consult:instruction_scan": (Instruction, _by_pk),
        "data:import_job": (ImportJob, _by_pk),
        "notification_read": (Notification, _by_pk),
    }


def _own(w, role: str) -> dict[str, set[int]]:
    """What each walking role may open: url name -> pks answering 200 (or 302)."""
    if role == "ent_other":
        return {
            "problems:problem_detail": {w.problem_b.pk},
            "problems:enterprise_detail": {w.ent_b.pk},
        }
    if role == "staff_other":
        # The talent pool is shared: every expert and society.
        return {
            "problems:problem_detail": {w.problem_b.pk},
            "experts:problem_opinions": {w.problem_b.pk},
            "problems:enterprise_detail": {w.ent_b.pk},
            "consult:report_detail": {w.report_y.pk},
            "consult:report_pdf": {w.report_y.pk},
            "experts:expert_detail": set(Expert.objects.values_list("pk", flat=True)),
            "experts:society_detail": set(Society.objects.values_list("pk", flat=True)),
        }
    if role == "exp_other":
        return {"experts:expert_detail": {w.other_expert.pk}}
    if role == "soc_other":
        # The society and its member.
        return {
            "experts:expert_detail": {w.other_expert.pk},
            "experts:society_detail": {w.other_society.pk},
        }
    if role == "ent_own":
        return {
            "problems:problem_detail": {w.problem.pk, w.draft.pk},
            "problems:problem_edit": {w.draft.pk},
            "problems:attachment_download": {w.attachment.pk, w.unreleased.pk},
            "problems:enterprise_detail": {w.ent_a.pk},
            "problems:campaign_detail": {w.campaign.pk},
            "experts:review_attachment": {w.released_attachment.pk},  # released opinions only
        }
    if role == "exp_assigned":
        return {
            "experts:expert_detail": {w.expert.pk},
            "experts:assignment_detail": {w.assignment.pk},
            "experts:review_edit": {w.assignment.pk},
            "experts:brief_attachment": {w.attachment.pk},  # not the unreleased one
            "experts:review_attachment": {w.review_attachment.pk},
            "consult:topic_detail": {w.topic.pk},
            "consult:topic_document": {w.document.pk},
            "consult:report_detail": {w.report.pk},  # issued; not the draft
            "consult:report_pdf": {w.report.pk},
            "consult:report_image": {w.image.pk},
            "consult:instruction_scan": {w.instruction.pk},
        }
    if role == "off_body":
        return {
            "consult:report_detail": {w.report.pk},
            "consult:report_pdf": {w.report.pk},
            "consult:report_image": {w.image.pk},
            "consult:instruction_scan": {w.instruction.pk},
        }
    if role == "off_other":
        return {"consult:report_detail": {w.report_y.pk}, "consult:report_pdf": {w.report_y.pk}}
    return {}


POSTED = {"notification_read"}


WALKERS = [
    "ent_own",
    "ent_other",
    "exp_assigned",
    "exp_other",
    "soc_other",
    "staff_other",
    "off_body",
    "off_other",
]


@pytest.mark.parametrize("role", WALKERS)
def test_id_walk(world, client_as, role):
    client = client_as(role)
    own = _own(world, role)
    mine = Notification.objects.filter(user=world.users[role]).values_list("pk", flat=True)
    own["notification_read"] = set(mine)
    wrong = []
    for name, (model, kwargs) in _walk_kinds(world).items():
        # Every id from just below the first object to just past the last: on PostgreSQL the
        # sequences do not restart between tests, so the ids need not start at 1.
        bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        low, high = bounds["low"] or 1, bounds["high"] or 0
        for pk in range(max(1, low - 3), high + 4):
            url = reverse(name, kwargs=kwargs(pk))
            response = client.post(url) if name in POSTED else client.get(url)
            if response.streaming:
                response.getvalue()
            allowed = {200, 302} if pk in own.get(name, ()) else {403, 404}
            if response.status_code not in allowed:
                wrong.append((url, response.status_code))
    assert not wrong, f"{role} reached objects that are not theirs: {wrong}"


# --- what a page shows --------------------------------------------------------------------
# An expert, a society admin or an official reads a problem only through the staff's brief:
# enterprise A's name and its own wording of an internal problem never reach them.

HIDDEN = ("塔城甲化工有限公司", "电子级需要 99.9999%")
READERS = [
    ("experts:assignment_detail", "assignment", "exp_assigned"),
    ("experts:review_edit", "assignment", "exp_assigned"),
    ("experts:assignment_list", "-", "exp_assigned"),
    ("experts:delegation_detail", "delegation", "soc_deleg"),
    ("experts:delegation_list", "-", "soc_deleg"),
    ("consult:topic_detail", "topic", "exp_assigned"),
    ("consult:report_detail", "report", "exp_assigned"),
    ("consult:report_detail", "report", "off_body"),
    ("home", "-", "exp_assigned"),
    ("home", "-", "soc_deleg"),
    ("home", "-", "off_body"),
]


@pytest.mark.parametrize(("name", "obj", "role"), READERS)
def test_page_hides_the_enterprise(world, client_as, name, obj, role):
    response = client_as(role).get(reverse(name, kwargs=kwargs_for(world, obj)))
    assert response.status_code == 200
    text = response.content.decode()
    assert [hidden for hidden in HIDDEN if hidden in text] == []


def test_staff_see_the_enterprise(world, client_as):
    """The control of test_page_hides_the_enterprise: the strings are on the staff's page."""
    url = reverse("problems:problem_detail", args=[world.problem.pk])
    response = client_as("staff_region").get(url)
    text = response.content.decode()
    assert [hidden for hidden in HIDDEN if hidden in text] == list(HIDDEN)


def test_enterprise_reads_released_opinions_without_expert_names(world, client_as):
    """Enterprise A reads the opinion released to it anonymously ("建议联合攻关。"), and no
    expert's name: not the anonymous opinion's author, not the assigned expert whose opinion
    is a draft; enterprise B reads nothing of it."""
    url = reverse("problems:problem_detail", args=[world.problem.pk])
    text = client_as("ent_own").get(url).content.decode()
    assert "建议联合攻关。" in text
    assert "李工程师" not in text
    assert "张教授" not in text
    assert "草稿意见" not in text
    for role in ("ent_other", "exp_other", "off_body"):
        assert client_as(role).get(url).status_code == 404


# Every page without an object argument that a role outside 塔城 may open (its lists, forms,
# filters' choices, home page, dashboard) names nothing of 塔城's: not A's problem (title or
# brief title), enterprise, campaign, proposal, topic or report.
OUTSIDERS = ["ent_other", "exp_other", "soc_other", "staff_other", "off_other"]


def _a_names(w) -> list[str]:
    return [
        w.problem.title,
        w.problem.brief.title,
        w.ent_a.name,
        w.campaign.title,
        w.proposal.label,
        w.topic.title,
        w.report.title,
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_pages_name_nothing_outside_the_scope(world, client_as, role):
    client = client_as(role)
    names = _a_names(world)
    found = []
    for name, row in read_table().items():
        if row.object != "-" or row.method != "GET" or row.expected[role] != "200":
            continue
        response = client.get(reverse(name))
        if response.streaming:
            response.getvalue()
            continue
        text = response.content.decode("utf-8", "replace")
        found += [(name, hidden) for hidden in names if hidden in text]
    assert not found, f"{role} reads names outside their scope: {found}"


def test_download_trace_answers_only_in_scope(world, client_as):
    """A stamped copy's code names its downloader to the staff of the report's region only:
    to another region's staff it answers as an unknown code does."""
    response = client_as("off_body").get(reverse("consult:report_pdf", args=[world.report.pk]))
    response.getvalue()
    code = Download.objects.filter(report=world.report).latest("pk").code
    url = reverse("consult:download_trace")
    assert client_as("staff_region").get(url, {"code": code}).context["download"] is not None
    assert client_as("staff_root").get(url, {"code": code}).context["download"] is not None
    assert client_as("staff_other").get(url, {"code": code}).context["download"] is None
    for role in ("off_body", "exp_assigned", "ent_own"):
        assert client_as(role).get(url, {"code": code}).status_code == 403


def test_personal_data_download_is_the_experts_own(world, client_as):
    url = reverse("experts:my_data_download")
    mine = json.loads(client_as("exp_assigned").get(url).content)
    theirs = json.loads(client_as("exp_other").get(url).content)
    assert mine["profile"]["name"] == "张教授"
    assert [a["problem"] for a in mine["assignments"]] == [world.problem.number]
    assert theirs["profile"]["name"] == "王研究员"
    text = json.dumps(theirs, ensure_ascii=False)
    for hidden in ("张教授", "草稿意见", world.problem.number, "某某公司"):
        assert hidden not in text


def test_staff_notes_stay_with_staff(world, client_as):
    """A staff note on the problem's timeline is read by staff in scope, not the enterprise."""
    note = "内部备注：企业资质存疑"
    client_as("staff_region").post(
        reverse("problems:problem_note", args=[world.problem.pk]), {"note": note}
    )
    url = reverse("problems:problem_detail", args=[world.problem.pk])
    assert note in client_as("staff_root").get(url).content.decode()
    assert note not in client_as("ent_own").get(url).content.decode()


@pytest.mark.parametrize(
    ("role", "mobile", "email"),
    [
        ("staff_region", "13899912345", "zhangjs@xju.edu.cn"),
        ("staff_root", "13899912345", "zhangjs@xju.edu.cn"),
        ("admin", "13899912345", "zhangjs@xju.edu.cn"),
        ("staff_other", "138****2345", "z***@xju.edu.cn"),
    ],
)
def test_expert_export_masks_contacts_outside_the_region(world, client_as, role, mobile, email):
    """As on the expert's page (and README): mobile and e-mail in full for the staff of the
    expert's region, masked for other staff, in the spreadsheet as on the screen."""
    for page in (
        reverse("data:export", args=["experts"]) + "?format=csv",
        reverse("experts:expert_detail", args=[world.expert.pk]),
    ):
        text = client_as(role).get(page).content.decode("utf-8-sig")
        assert mobile in text and email in text, page
        if mobile != "13899912345":
            assert "13899912345" not in text and "zhangjs@" not in text, page


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("consult:topic_create", "problems", "problem"),
        ("consult:report_create", "topic", "topic"),
        ("problems:problem_create", "campaign", "campaign"),
    ],
)
def test_preselection_by_id_stays_in_scope(world, client_as, name, param, value):
    """A form preselects what its query string names only within the user's scope: another
    region's staff (or enterprise) naming A's problem, topic or campaign by id read nothing."""
    obj = getattr(world, value)
    role = "ent_other" if name == "problems:problem_create" else "staff_other"
    response = client_as(role).get(reverse(name), {param: obj.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert [hidden for hidden in _a_names(world) if hidden in text] == []
