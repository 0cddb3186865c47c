"""The staff's matching page of one problem: who may open it, the ranking with reasons, flags
and load, the filters, invitations (flags confirmed, conflicts refused, capacity kept) and
delegation to a society; read-only unless the problem is ready for matching."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.matching import suggest_experts
from experts.models import Assignment, AssignmentEvent, Delegation
from problems.models import Problem
from tests.experts.conftest import in_days, invite
from tests.experts.matching_data import FLAG, battery_expert, battery_problem
from tests.factories import AssignmentFactory, SocietyFactory, discipline, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(ent_a, ent_a_user) -> Problem:
    return battery_problem(ent_a)


@pytest.fixture
def pool(problem) -> dict:
    """Two plain matches, one with a likely conflict (a sister organisation of enterprise A,
    塔城甲化工有限公司) and one with a hard conflict (works in enterprise A)."""
    return {
        "plain": battery_expert("E-1", region=region("654200")),
        "other": battery_expert("E-2", research_directions="锂离子电池正极材料"),
        "flagged": battery_expert("E-FLAG", employer="塔城甲化工研究院"),
        "hard": battery_expert("E-HARD", employer="塔城甲化工有限公司技术中心"),
    }


def url(problem: Problem, query: str = "") -> str:
    return reverse("experts:problem_matching", args=[problem.pk]) + query


def ranked(response) -> list[str]:
    return [row["expert"].ref for row in response.context["rows"]]


def post_invite(client, problem, experts, *, confirm=(), query=""):
    return client.post(
        url(problem, query),
        {
            "action": "invite",
            "experts": [e.pk for e in experts],
            "confirm": [e.pk for e in confirm],
            "due_date": in_days(14).isoformat(),
        },
    )


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_tc", 200),
        ("staff_xj", 200),
        ("admin_user", 200),
        ("staff_ks", 404),  # another prefecture's problem
        ("ent_a_user", 403),  # the enterprise of the problem itself
        ("ent_b_user", 403),
        ("expert_user", 403),
        ("official_user", 403),
        ("society_admin_user", 403),
    ],
)
def test_only_staff_of_the_problems_region_open_the_page(request, client_for, problem, who, status):
    response = client_for(request.getfixturevalue(who)).get(url(problem))
    assert response.status_code == status


def test_problem_page_offers_matching_to_staff_only(client_for, problem, staff_tc, ent_a_user):
    link = url(problem)
    assert link in client_for(staff_tc).get(problem.get_absolute_url()).content.decode()
    assert link not in client_for(ent_a_user).get(problem.get_absolute_url()).content.decode()


# --- the ranking ----------------------------------------------------------------------------


def test_ranking_shows_scores_reasons_flags_and_load_but_never_hard_conflicts(
    client_for, staff_tc, problem, pool
):
    AssignmentFactory(expert=pool["plain"])  # one of their 3 slots taken elsewhere

    response = client_for(staff_tc).get(url(problem))

    rows = {row["expert"].ref: row for row in response.context["rows"]}
    assert set(rows) == {"E-1", "E-2", "E-FLAG"}
    assert all(row["s"].score > 0 for row in rows.values())
    assert any(reason.startswith("Matched terms:") for reason in rows["E-1"]["s"].reasons)
    assert rows["E-FLAG"]["s"].flags == [FLAG]
    assert (rows["E-1"]["s"].flags, rows["E-1"]["s"].load) == ([], 1)
    html = response.content.decode()
    assert "1 / 3" in html
    assert f'name="confirm" value="{pool["flagged"].pk}"' in html
    assert "E-HARD" not in html


def test_already_invited_experts_are_marked_and_cannot_be_chosen_again(
    client_for, staff_tc, problem, pool
):
    invite(problem, pool["plain"], staff_tc)

    response = client_for(staff_tc).get(url(problem))

    rows = {row["expert"].ref: row["invited"] for row in response.context["rows"]}
    assert rows == {"E-1": "Invited", "E-2": "", "E-FLAG": ""}
    html = response.content.decode()
    assert f'name="experts" value="{pool["plain"].pk}"' not in html
    assert f'name="experts" value="{pool["other"].pk}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?region=654200", {"E-1"}),  # 塔城地区 and its counties
        ("?region=650000", {"E-1", "E-2", "E-FLAG", "E-SUB"}),  # the whole region
        ("?discipline=430", {"E-1", "E-2", "E-FLAG", "E-SUB"}),  # 430 and its children
        ("?discipline=43025", {"E-SUB"}),
        ("?available=true", {"E-2", "E-FLAG", "E-SUB"}),
        ("?available=false", {"E-1"}),
        ("?title=研究员", {"E-SUB"}),
    ],
)
def test_filters_narrow_the_experts_ranked(client_for, staff_tc, problem, pool, query, expected):
    battery_expert("E-SUB", title="副研究员", disciplines=[discipline("43025")])
    pool["plain"].max_assignments = 1
    pool["plain"].save()
    AssignmentFactory(expert=pool["plain"])

    response = client_for(staff_tc).get(url(problem, query))

    assert set(ranked(response)) == expected


def test_page_is_read_only_unless_the_problem_is_ready(client_for, staff_tc, problem, pool):
    Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.CONFIDENTIALITY)
    client = client_for(staff_tc)

    response = client.get(url(problem))

    assert set(ranked(response)) == {"E-1", "E-2", "E-FLAG"}
    html = response.content.decode()
    assert 'id="not-assignable"' in html
    assert 'name="experts"' not in html
    assert 'name="action" value="delegate"' not in html
    response = post_invite(client, problem, [pool["plain"]])
    assert response.status_code == 302
    response = client.get(response.url)
    assert texts(response) == [
        "Only problems that passed the confidentiality review can be assigned."
    ]
    assert not Assignment.objects.exists()


# --- inviting -------------------------------------------------------------------------------


def test_inviting_the_selected_experts_records_score_and_events(
    client_for, staff_tc, problem, pool
):
    client = client_for(staff_tc)

    response = post_invite(client, problem, [pool["plain"], pool["other"]], query="?region=")

    assert response.status_code == 302
    assert response.url == url(problem, "?region=")
    invited = Assignment.objects.filter(problem=problem).order_by("expert__ref")
    assert [(a.expert.ref, a.status, a.invited_by, a.due_date) for a in invited] == [
        ("E-1", "invited", staff_tc, in_days(14)),
        ("E-2", "invited", staff_tc, in_days(14)),
    ]
    scores = {s.expert_id: s.score for s in suggest_experts(problem)}
    assert [a.score for a in invited] == [scores[pool["plain"].pk], scores[pool["other"].pk]]
    assert AssignmentEvent.objects.filter(assignment__problem=problem).count() == 2
    assert texts(client.get(response.url)) == ["Invited: 专家E-1、专家E-2."]


def test_a_flagged_expert_is_invited_only_once_staff_confirm(client_for, staff_tc, problem, pool):
    client = client_for(staff_tc)
    flagged = pool["flagged"]

    response = post_invite(client, problem, [flagged, pool["plain"]])

    assert list(Assignment.objects.values_list("expert__ref", flat=True)) == ["E-1"]
    assert texts(client.get(response.url)) == [
        "专家E-FLAG not invited. Possible conflict of interest, confirm to assign: employer "
        "塔城甲化工研究院 shares the name 甲化 with the enterprise (tick “confirm” beside the "
        "flags)",
        "Invited: 专家E-1.",
    ]

    post_invite(client, problem, [flagged], confirm=[flagged])

    assignment = Assignment.objects.get(expert=flagged)
    assert (assignment.flags, assignment.flags_confirmed_by) == ([FLAG], staff_tc)
    assert assignment.events.get().reason == f"Conflict flags confirmed: {FLAG}"


def test_a_hard_conflict_is_never_assignable(client_for, staff_tc, problem, pool):
    client = client_for(staff_tc)

    response = post_invite(client, problem, [pool["hard"]], confirm=[pool["hard"]])

    assert not Assignment.objects.exists()
    assert texts(client.get(response.url)) == [
        "专家E-HARD can't review this problem: works for the submitting enterprise "
        "(塔城甲化工有限公司技术中心)"
    ]


def test_an_expert_at_capacity_is_refused_and_the_others_are_invited(
    client_for, staff_tc, problem, pool
):
    full = pool["plain"]
    full.max_assignments = 1
    full.save()
    AssignmentFactory(expert=full)
    client = client_for(staff_tc)

    response = post_invite(client, problem, [full, pool["other"]])

    assert list(
        Assignment.objects.filter(problem=problem).values_list("expert__ref", flat=True)
    ) == ["E-2"]
    assert texts(client.get(response.url)) == [
        "专家E-1 already has 1 of 1 concurrent assignments.",
        "Invited: 专家E-2.",
    ]


def test_inviting_without_choosing_anyone_says_so(client_for, staff_tc, problem, pool):
    client = client_for(staff_tc)
    response = post_invite(client, problem, [])
    assert texts(client.get(response.url)) == [
        "Experts to invite: Please choose at least one expert."
    ]


# --- societies ------------------------------------------------------------------------------


def test_matching_societies_are_ranked_and_a_problem_delegated_to_one(
    client_for, staff_tc, problem, pool, society_admin_user
):
    society = SocietyFactory(
        name="新疆电池材料学会",
        disciplines=[discipline("430")],
        members=[pool["plain"], pool["other"]],
        admins=[society_admin_user],
    )
    client = client_for(staff_tc)

    response = client.get(url(problem))

    assert [row["society"] for row in response.context["society_rows"]][:1] == [society]
    response = client.post(
        url(problem),
        {
            "action": "delegate",
            "society": society.pk,
            "experts_wanted": 2,
            "due_date": in_days(21).isoformat(),
            "note": "请推荐两位会员。",
        },
    )
    delegation = Delegation.objects.get()
    assert (
        delegation.problem,
        delegation.society,
        delegation.experts_wanted,
        delegation.due_date,
        delegation.note,
        delegation.created_by,
    ) == (problem, society, 2, in_days(21), "请推荐两位会员。", staff_tc)
    response = client.get(response.url)
    assert texts(response) == ["Delegated to 新疆电池材料学会; its admins have been told."]
    assert response.context["society_rows"][0]["delegated"] is True


# --- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_page_queries_do_not_grow_with_the_suggestions(client_for, staff_tc, ent_a, n):
    problem = battery_problem(ent_a)
    experts = [battery_expert(f"E-Q{i}") for i in range(n)]
    for expert in experts:
        AssignmentFactory(expert=expert)
    invite(problem, experts[0], staff_tc)
    SocietyFactory(disciplines=[discipline("430")], members=experts)
    client = client_for(staff_tc)
    suggest_experts(problem)  # the matcher's index is built once per process and pool

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(problem))

    assert len(response.context["rows"]) == n
    assert len(queries) == 26  # member names come from the index, not a query
