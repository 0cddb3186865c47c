"""The bulk assignment pages: who may use them, starting a proposal from the form, editing,
confirming and publishing it through the pages, and the query-count guards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import Assignment, Proposal
from tests.experts.conftest import in_days
from tests.experts.matching_data import FLAG, battery_expert, battery_problem, computed, items_of
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compute(django_capture_on_commit_callbacks, staff_tc):
    def make(problems, *, by=staff_tc, **kwargs) -> Proposal:
        return computed(django_capture_on_commit_callbacks, problems, by=by, **kwargs)

    return make


@pytest.fixture
def proposal(compute, ent_a, ent_a_user) -> Proposal:
    battery_expert("E-1")
    battery_expert("E-FLAG", employer="塔城甲化工研究院")
    return compute([battery_problem(ent_a)], k=2)


def detail(proposal: Proposal) -> str:
    return reverse("experts:proposal_detail", args=[proposal.pk])


def action(proposal: Proposal, name: str) -> str:
    return reverse(f"experts:proposal_{name}", args=[proposal.pk])


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_tc", 200),
        ("staff_xj", 200),
        ("admin_user", 200),
        ("ent_a_user", 403),
        ("expert_user", 403),
        ("official_user", 403),
        ("society_admin_user", 403),
    ],
)
def test_bulk_assignment_is_for_staff_only(request, client_for, proposal, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("experts:proposal_list")).status_code == status
    assert client.get(reverse("experts:proposal_create")).status_code == status
    assert client.get(detail(proposal)).status_code == status


def test_the_staff_home_page_links_to_bulk_assignment(client_for, staff_tc):
    assert reverse("experts:proposal_list") in client_for(staff_tc).get("/").content.decode()


def test_a_proposal_outside_the_staffs_scope_is_not_found(client_for, proposal, staff_ks):
    client = client_for(staff_ks)
    assert list(client.get(reverse("experts:proposal_list")).context["page"].object_list) == []
    assert client.get(detail(proposal)).status_code == 404
    assert client.post(action(proposal, "publish")).status_code == 404
    assert not Assignment.objects.exists()


def test_the_form_starts_a_proposal_for_the_ready_problems_of_a_campaign_and_region(
    client_for, staff_tc, ent_a, ent_a_user, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    chosen = battery_problem(ent_a, campaign=campaign)
    battery_problem(ent_a)  # not in the campaign
    battery_expert("E-1")
    client = client_for(staff_tc)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("experts:proposal_create"),
            {
                "label": "2026年第一批",
                "campaign": campaign.pk,
                "region": "654200",
                "k": 3,
                "due_date": in_days(21).isoformat(),
            },
        )

    proposal = Proposal.objects.get()
    assert response.url == detail(proposal)
    assert (proposal.label, proposal.campaign, proposal.experts_per_problem, proposal.status) == (
        "2026年第一批",
        campaign,
        3,
        "draft",
    )
    assert list(proposal.problems.all()) == [chosen]
    page = client.get(response.url)
    assert [row["problem"] for row in page.context["rows"]] == [chosen]
    assert [i.expert.ref for i in page.context["rows"][0]["items"]] == ["E-1"]


def test_the_form_says_when_no_problem_is_ready(client_for, staff_tc):
    response = client_for(staff_tc).post(
        reverse("experts:proposal_create"),
        {"label": "空", "k": 3, "due_date": in_days(21).isoformat()},
    )
    assert response.context["form"].non_field_errors() == [
        "None of the chosen problems is ready for matching."
    ]
    assert not Proposal.objects.exists()


def test_staff_confirm_the_flags_then_publish_through_the_pages(client_for, staff_tc, proposal):
    client = client_for(staff_tc)
    flagged = proposal.items.get(expert__ref="E-FLAG")

    response = client.post(action(proposal, "publish"))
    assert texts(client.get(response.url))[0].startswith(
        "Please confirm the possible conflicts of interest first: 专家E-FLAG → "
    )
    assert f'name="confirm" value="{flagged.pk}" form="confirm-form"' in (
        client.get(detail(proposal)).content.decode()
    )

    response = client.post(
        action(proposal, "confirm"), {"shown": [flagged.pk], "confirm": [flagged.pk]}
    )
    assert texts(client.get(response.url)) == ["Saved: 1 flagged assignment confirmed."]
    response = client.post(action(proposal, "publish"))

    assert texts(client.get(response.url)) == ["Published: 2 invitations sent to the experts."]
    assignment = Assignment.objects.get(expert__ref="E-FLAG")
    assert (assignment.proposal, assignment.flags, assignment.flags_confirmed_by) == (
        proposal,
        [FLAG],
        staff_tc,
    )


def test_staff_remove_and_add_experts_through_the_page(client_for, staff_tc, proposal):
    client = client_for(staff_tc)
    item = proposal.items.get(expert__ref="E-FLAG")
    problem = item.problem
    battery_expert("E-NEW")

    response = client.post(reverse("experts:proposal_item_remove", args=[proposal.pk, item.pk]))
    assert texts(client.get(response.url)) == ["专家E-FLAG removed from the proposal."]
    response = client.post(
        action(proposal, "item_add"), {"problem": problem.pk, "expert": "E-NEW", "page": "1"}
    )

    assert response.url == detail(proposal) + "?page=1"
    assert texts(client.get(response.url)) == ["专家E-NEW added."]
    assert items_of(proposal) == [(problem.pk, "E-1"), (problem.pk, "E-NEW")]
    response = client.post(action(proposal, "item_add"), {"problem": problem.pk, "expert": "E-?"})
    assert texts(client.get(response.url)) == ["No expert has this reference."]


@pytest.mark.parametrize("n", [1, 3])
def test_list_queries_do_not_grow_with_the_proposals(client_for, staff_tc, compute, ent_a, n):
    battery_expert("E-1")
    for _ in range(n):
        compute([battery_problem(ent_a), battery_problem(ent_a)], k=1, campaign=CampaignFactory())
    client = client_for(staff_tc)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("experts:proposal_list"))

    assert [p.n_problems for p in response.context["page"].object_list] == [2] * n
    assert len(queries) == 7


@pytest.mark.parametrize("n", [1, 3])
def test_detail_queries_do_not_grow_with_the_problems(client_for, staff_tc, compute, ent_a, n):
    battery_expert("E-1")
    battery_expert("E-2", employer="塔城甲化工研究院")
    proposal = compute([battery_problem(ent_a) for _ in range(n)], k=2)
    client = client_for(staff_tc)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(proposal))

    assert sum(len(row["items"]) for row in response.context["rows"]) == 2 * n
    assert len(queries) == 11  # … and the history (one query)
