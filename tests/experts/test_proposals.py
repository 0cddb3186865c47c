"""Bulk assignment proposals: computing (ready problems in scope, k per problem, capacity,
existing invitations), staff edits, publishing all or nothing (flags confirmed, capacity never
exceeded, also when two staff publish at once), and the pages."""

import pytest
from django.db import connection

from accounts.models import Notification
from experts.models import Assignment, AssignmentEvent, Proposal, ProposalItem
from experts.services.proposals import (
    proposal_create,
    proposal_discard,
    proposal_flags_confirm,
    proposal_item_add,
    proposal_item_remove,
    proposal_publish,
    proposal_recompute,
)
from problems.models import Problem
from problems.services import DomainError
from tests.concurrency import in_threads
from tests.experts.conftest import in_days, invite
from tests.experts.matching_data import FLAG, battery_expert, battery_problem, computed, items_of
from tests.factories import AssignmentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compute(django_capture_on_commit_callbacks, staff_tc):
    def make(problems, *, by=staff_tc, **kwargs) -> Proposal:
        return computed(django_capture_on_commit_callbacks, problems, by=by, **kwargs)

    return make


@pytest.fixture
def problems(ent_a, ent_a_user) -> list[Problem]:
    return [battery_problem(ent_a) for _ in range(3)]


@pytest.fixture
def experts() -> list:
    return [battery_expert(f"E-{i}", max_assignments=2) for i in range(4)]


def per_expert(proposal: Proposal) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _problem, ref in items_of(proposal):
        counts[ref] = counts.get(ref, 0) + 1
    return counts


# --- computing ------------------------------------------------------------------------------


def test_proposal_gives_every_problem_k_experts_within_their_capacity(
    compute, problems, experts, staff_tc
):
    proposal = compute(problems, k=2)

    assert (proposal.status, proposal.created_by, proposal.experts_per_problem) == (
        "draft",
        staff_tc,
        2,
    )
    assert sorted(p for p, _ in items_of(proposal)) == sorted([p.pk for p in problems] * 2)
    assert sum(per_expert(proposal).values()) == 6
    assert max(per_expert(proposal).values()) <= 2
    item = proposal.items.first()
    assert item.score > 0 and any(r.startswith("Matched terms:") for r in item.reasons)
    stats = proposal.stats
    assert {k: stats[k] for k in ("problems", "filled", "short", "assignments", "candidates")} == {
        "problems": 3,
        "filled": 3,
        "short": 0,
        "assignments": 6,
        "candidates": 12,
    }
    assert stats["total_score"] == round(sum(proposal.items.values_list("score", flat=True)), 3)
    assert stats["seconds"] >= 0


def test_capacity_leaves_problems_short_rather_than_overloading_anyone(compute, problems):
    battery_expert("E-ONE", max_assignments=1)
    battery_expert("E-BUSY", max_assignments=1)
    busy = battery_expert("E-FULL", max_assignments=1)
    AssignmentFactory(expert=busy)
    battery_expert("E-AWAY", accepting=False)

    proposal = compute(problems, k=3)

    assert per_expert(proposal) == {"E-ONE": 1, "E-BUSY": 1}
    assert (proposal.stats["filled"], proposal.stats["short"]) == (0, 3)


def test_existing_invitations_count_towards_k_and_are_not_proposed_again(
    compute, problems, experts, staff_tc
):
    invite(problems[0], experts[0], staff_tc)

    proposal = compute(problems[:1], k=2)

    [(_problem, ref)] = items_of(proposal)
    assert ref != "E-0"


def test_only_ready_problems_in_the_users_scope_are_taken(compute, problems, experts, ent_b):
    elsewhere = battery_problem(ent_b)  # 喀什, outside staff_tc's scope
    screening = ProblemFactory(enterprise=problems[0].enterprise, status="screening")

    proposal = compute([*problems, elsewhere, screening])

    assert set(proposal.problems.all()) == set(problems)
    with pytest.raises(DomainError, match="None of the chosen problems is ready for matching"):
        compute([elsewhere, screening])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label": " "}, "Please give the proposal a label."),
        ({"k": 11}, "Ask for between 1 and 10 experts per problem."),
        ({"due_date": in_days(0)}, "The due date must be in the future."),
    ],
)
def test_create_checks_its_input(problems, staff_tc, kwargs, message):
    arguments = {"label": "x", "problems": problems, "due_date": in_days(9), "by": staff_tc}
    with pytest.raises(DomainError, match=message):
        proposal_create(**{**arguments, **kwargs})
    assert not Proposal.objects.exists()


def test_only_staff_make_proposals(problems, expert_user):
    with pytest.raises(DomainError, match="Only CAST staff may make bulk assignments"):
        proposal_create(label="x", problems=problems, due_date=in_days(9), by=expert_user)


# --- staff edit the draft -------------------------------------------------------------------


def test_staff_add_an_expert_with_the_matchers_score_and_flags(compute, problems, staff_tc):
    proposal = compute(problems[:1], k=1)  # nobody in the pool yet: nothing proposed
    flagged = battery_expert("E-FLAG", employer="塔城甲化工研究院")

    item = proposal_item_add(proposal, problem=problems[0], expert=flagged, by=staff_tc)

    assert (item.flags, item.flags_confirmed, item.added_by_staff) == ([FLAG], False, True)
    assert item.score > 0 and item.reasons


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("hard", "can't review this problem: works for the submitting enterprise"),
        ("invited", "专家E-0 is already invited to this problem."),
        ("full", "专家E-0 would have more than 1 concurrent assignments."),
        ("away", "专家E-0 is not accepting assignments at the moment."),
        ("twice", "专家E-0 is already proposed for this problem."),
    ],
)
def test_adding_an_expert_is_refused_when_they_cannot_take_the_problem(
    compute, problems, staff_tc, setup, message
):
    proposal = compute(problems, k=1)
    expert = battery_expert("E-0", max_assignments=1 if setup == "full" else 3)
    if setup == "hard":
        expert.employer = "塔城甲化工有限公司"
    if setup == "away":
        expert.accepting = False
    expert.save()
    if setup == "invited":
        invite(problems[0], expert, staff_tc)
    if setup in {"full", "twice"}:
        other = problems[1] if setup == "full" else problems[0]
        proposal_item_add(proposal, problem=other, expert=expert, by=staff_tc)

    with pytest.raises(DomainError, match=message):
        proposal_item_add(proposal, problem=problems[0], expert=expert, by=staff_tc)


def test_staff_remove_an_item_and_discard_the_proposal(compute, problems, experts, staff_tc):
    proposal = compute(problems, k=2)
    item = proposal.items.first()
    proposal_item_remove(item, by=staff_tc)
    assert proposal.items.count() == 5

    proposal = proposal_discard(proposal, by=staff_tc)

    assert proposal.status == "discarded"
    with pytest.raises(DomainError, match="can't be changed any more"):
        proposal_item_remove(proposal.items.first(), by=staff_tc)
    with pytest.raises(DomainError, match="can't be changed any more"):
        proposal_publish(proposal, by=staff_tc)


def test_recompute_replaces_the_items(
    compute, problems, experts, staff_tc, django_capture_on_commit_callbacks
):
    proposal = compute(problems, k=2)
    before = items_of(proposal)
    proposal.items.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_recompute(proposal, by=staff_tc)

    proposal.refresh_from_db()
    assert (proposal.status, items_of(proposal)) == ("draft", before)


# --- publishing -----------------------------------------------------------------------------


def test_publishing_invites_every_proposed_expert(compute, problems, experts, staff_tc):
    proposal = compute(problems, k=2)
    items = {(i.problem_id, i.expert_id): i.score for i in proposal.items.all()}

    assignments = proposal_publish(proposal, by=staff_tc)

    assert len(assignments) == 6
    rows = Assignment.objects.filter(proposal=proposal)
    assert {(a.problem_id, a.expert_id): a.score for a in rows} == items
    assert {(a.status, a.invited_by, a.due_date) for a in rows} == {
        ("invited", staff_tc, in_days(21))
    }
    assert AssignmentEvent.objects.filter(assignment__proposal=proposal).count() == 6
    proposal.refresh_from_db()
    assert (proposal.status, proposal.published_by) == ("published", staff_tc)
    assert proposal.published_at is not None


def test_flags_must_be_confirmed_before_publishing_and_the_confirmation_is_recorded(
    compute, problems, staff_tc
):
    flagged = battery_expert("E-FLAG", employer="塔城甲化工研究院")
    proposal = compute(problems[:1], k=1)
    item = proposal.items.get()
    assert (item.expert, item.flags) == (flagged, [FLAG])

    with pytest.raises(DomainError) as refused:
        proposal_publish(proposal, by=staff_tc)
    assert str(refused.value) == (
        "Please confirm the possible conflicts of interest first: "
        f"专家E-FLAG → {problems[0].number}"
    )
    assert not Assignment.objects.exists()

    assert proposal_flags_confirm(proposal, shown=[item.pk], confirmed=[item.pk], by=staff_tc) == 1
    proposal_publish(proposal, by=staff_tc)

    assignment = Assignment.objects.get()
    assert (assignment.flags, assignment.flags_confirmed_by) == ([FLAG], staff_tc)
    assert assignment.events.get().reason == f"Conflict flags confirmed: {FLAG}"


def test_publishing_is_all_or_nothing_when_an_expert_is_over_capacity(
    compute, problems, experts, staff_tc
):
    proposal = compute(problems, k=2)
    item = proposal.items.order_by("pk").last()
    expert = item.expert
    # Since the proposal was computed, the expert took invitations up to their limit.
    for _ in range(expert.max_assignments):
        AssignmentFactory(expert=expert)
    notifications = Notification.objects.count()

    with pytest.raises(DomainError) as refused:
        proposal_publish(proposal, by=staff_tc)

    assert f"{expert.name} already has 2 of 2 concurrent assignments." in str(refused.value)
    assert str(refused.value).startswith("Nothing was published. ")
    assert not Assignment.objects.filter(proposal=proposal).exists()
    assert Notification.objects.count() == notifications
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_publishing_refuses_a_problem_no_longer_ready(compute, problems, experts, staff_tc):
    proposal = compute(problems, k=1)
    Problem.objects.filter(pk=problems[1].pk).update(status=Problem.Status.CLOSED)

    with pytest.raises(DomainError, match="Only problems that passed the confidentiality review"):
        proposal_publish(proposal, by=staff_tc)
    assert not Assignment.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_publishing_the_same_expert_at_once_never_exceed_capacity(
    ent_a, staff_tc, staff_xj
):
    expert = battery_expert("E-ONLY", max_assignments=1)
    proposals = []
    for by in (staff_tc, staff_xj):
        proposal = Proposal.objects.create(label=by.username, due_date=in_days(21), status="draft")
        problem = battery_problem(ent_a)
        proposal.problems.add(problem)
        ProposalItem.objects.create(proposal=proposal, problem=problem, expert=expert, score=1)
        proposals.append((proposal, by))

    outcomes = in_threads([lambda p=p, by=by: proposal_publish(p, by=by) for p, by in proposals])

    published = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(published), len(refused)) == (1, 1), outcomes
    assert "专家E-ONLY already has 1 of 1 concurrent assignments." in str(refused[0])
    assert Assignment.objects.filter(expert=expert).count() == 1
    assert sorted(Proposal.objects.values_list("status", flat=True)) == ["draft", "published"]


def test_every_proposal_change_is_recorded(staff_tc, ent_a, django_capture_on_commit_callbacks):
    from experts.models import ProposalEvent

    battery_expert("E-1")
    extra = battery_expert("E-2")
    problem = battery_problem(ent_a)
    proposal = computed(django_capture_on_commit_callbacks, [problem], by=staff_tc, k=1)
    item = proposal.items.get()
    proposal_item_remove(item, by=staff_tc)
    proposal_item_add(proposal, problem=problem, expert=extra, by=staff_tc)
    proposal_discard(proposal, by=staff_tc)
    rows = list(
        ProposalEvent.objects.filter(proposal=proposal).values_list(
            "actor__username", "from_status", "to_status"
        )
    )
    assert rows == [
        ("staff_tc", "", "computing"),
        (None, "computing", "draft"),
        ("staff_tc", "draft", "draft"),
        ("staff_tc", "draft", "draft"),
        ("staff_tc", "draft", "discarded"),
    ]
    reasons = list(ProposalEvent.objects.filter(proposal=proposal).values_list("reason", flat=True))
    assert reasons[2].startswith("Removed: ")
    assert reasons[3] == f"Added: {extra.name} → {problem.number}"
