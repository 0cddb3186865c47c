"""Invitation and delegation pages: what each role of the cast may see and do (exact status
codes), what the expert reads of a problem, and the side effects of every POST."""

import pytest
from django.contrib.messages import get_messages

from experts.matching import rank_among
from experts.models import Assignment, Delegation, ProblemBrief
from experts.services.assignments import assignment_decline, problem_brief_save
from experts.services.delegations import delegation_create
from problems.models import Enterprise, Problem
from tests.experts.conftest import in_days, invite
from tests.factories import (
    AssignmentFactory,
    DelegationFactory,
    ExpertFactory,
    ReadyProblemFactory,
)

A = Assignment.Status


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail(assignment) -> str:
    return f"/experts/assignments/{assignment.pk}/"


@pytest.fixture
def brief(problem, staff_tc, attachment) -> ProblemBrief:
    return problem_brief_save(
        problem,
        by=staff_tc,
        title="重述：高纯石英砂除杂",
        summary="重述：如何将铁、铝杂质降到 10ppm 以下。",
        released_attachment_ids=[],
    )


# --- the expert's list ----------------------------------------------------------------------


def test_the_expert_lists_own_assignments_filtered_by_status(
    client_for, invitation, expert, staff_tc
):
    declined = invite(ReadyProblemFactory(title="已谢绝的题"), expert, staff_tc)
    assignment_decline(declined, by=expert.user, reason=Assignment.DeclineReason.TIME)
    AssignmentFactory(problem=ReadyProblemFactory(title="别人的题"))
    client = client_for(expert.user)
    listed = client.get("/experts/assignments/")
    assert [a.pk for a in listed.context["page"]] == [declined.pk, invitation.pk]
    html = listed.content.decode()
    assert "别人的题" not in html
    assert f'href="{detail(invitation)}"' in html
    assert f'href="{detail(declined)}"' not in html  # no page once declined
    filtered = client.get("/experts/assignments/", {"status": [A.INVITED]})
    assert [a.pk for a in filtered.context["page"]] == [invitation.pk]


@pytest.mark.parametrize("n", [1, 3])
def test_assignment_list_query_count(n, client_for, expert, django_assert_num_queries):
    for _ in range(n):
        AssignmentFactory(expert=expert)
    client = client_for(expert.user)
    # session, user, permissions (2), count, page, unread count
    with django_assert_num_queries(7):
        response = client.get("/experts/assignments/")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("who", ["staff_tc", "ent_a_user", "official_user", "society_admin_user"])
def test_the_list_is_for_experts(who, client_for, request):
    assert client_for(request.getfixturevalue(who)).get("/experts/assignments/").status_code == 403


# --- what the expert reads ------------------------------------------------------------------


def test_the_expert_reads_the_brief_not_the_enterprises_text(client_for, invitation, brief):
    html = client_for(invitation.expert.user).get(detail(invitation)).content.decode()
    assert "重述：高纯石英砂除杂" in html
    assert "重述：如何将铁、铝杂质降到 10ppm 以下。" in html
    assert "企业原文" not in html
    assert "塔城甲化工有限公司" not in html  # internal problem
    assert "Not disclosed (internal problem)" in html


def test_public_problems_name_the_enterprise(client_for, invitation, brief):
    Problem.objects.filter(pk=invitation.problem_id).update(confidentiality="public")
    html = client_for(invitation.expert.user).get(detail(invitation)).content.decode()
    assert "塔城甲化工有限公司" in html


def test_before_the_brief_the_expert_sees_only_title_industry_and_region(client_for, invitation):
    html = client_for(invitation.expert.user).get(detail(invitation)).content.decode()
    assert "企业原题：高纯石英砂提纯" in html
    assert "企业原文" not in html
    assert "have not yet restated this problem" in html


def test_only_released_attachments_are_downloaded(
    client_for, invitation, brief, attachment, staff_tc
):
    client = client_for(invitation.expert.user)
    url = f"{detail(invitation)}files/{attachment.pk}/"
    assert client.get(url).status_code == 404
    assert "工艺.png" not in client.get(detail(invitation)).content.decode()
    problem_brief_save(
        invitation.problem,
        by=staff_tc,
        title=brief.title,
        summary=brief.summary,
        released_attachment_ids=[attachment.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == attachment.file.open("rb").read()
    attachment.file.close()
    # The enterprise's own attachment URL stays closed to the expert.
    assert client.get(f"/problems/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("state", [A.DECLINED, A.EXPIRED, A.WITHDRAWN])
def test_the_expert_loses_the_problem_once_the_invitation_ends(
    state, client_for, invitation, brief, attachment
):
    ProblemBrief.objects.get().released_attachments.add(attachment)
    Assignment.objects.filter(pk=invitation.pk).update(status=state)
    client = client_for(invitation.expert.user)
    assert client.get(detail(invitation)).status_code == 403
    assert client.get(f"{detail(invitation)}files/{attachment.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_expert_user", 404),
        ("staff_ks", 404),
        ("ent_a_user", 404),
        ("official_user", 404),
        ("society_admin_user", 404),
        ("staff_tc", 200),
        ("staff_xj", 200),
    ],
)
def test_who_sees_an_assignment(who, status, client_for, invitation, request):
    response = client_for(request.getfixturevalue(who)).get(detail(invitation))
    assert response.status_code == status


# --- answering ------------------------------------------------------------------------------


def test_accepting_needs_the_declaration(client_for, invitation):
    client = client_for(invitation.expert.user)
    response = client.post(f"{detail(invitation)}accept/", {})
    assert response.status_code == 200
    assert "Please declare that you have no conflict of interest" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED
    response = client.post(f"{detail(invitation)}accept/", {"no_conflict": "on"})
    assert response["Location"] == detail(invitation)
    invitation.refresh_from_db()
    assert invitation.status == A.ACCEPTED


def test_declining_with_a_suggestion(client_for, invitation, other_expert):
    client = client_for(invitation.expert.user)
    response = client.post(f"{detail(invitation)}decline/", {"reason": "other"})
    assert "Please explain why you decline." in response.content.decode()
    response = client.post(
        f"{detail(invitation)}decline/",
        {"reason": "unfamiliar", "suggested_expert": " ZJ-T-OTHER "},
    )
    assert response["Location"] == "/experts/assignments/"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.suggested_expert) == (A.DECLINED, other_expert)


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_others_cannot_answer(action, client_for, invitation, other_expert_user, staff_tc):
    data = {"no_conflict": "on", "reason": "time"}
    assert (
        client_for(other_expert_user).post(f"{detail(invitation)}{action}/", data).status_code
        == 404
    )
    assert client_for(staff_tc).post(f"{detail(invitation)}{action}/", data).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED


# --- staff: the panel on the problem page, withdraw, the one-click alternate ------------------


def test_staff_see_the_assignments_panel_with_the_suggested_alternate(
    client_for, invitation, other_expert, staff_tc, ent_a_user
):
    assignment_decline(
        invitation,
        by=invitation.expert.user,
        reason=Assignment.DeclineReason.OTHER,
        note="近期出国",
        suggested_expert=other_expert,
    )
    url = f"/problems/{invitation.problem_id}/"
    html = client_for(staff_tc).get(url).content.decode()
    assert "Experts and opinions" in html
    assert "Other：近期出国" in html
    assert "Invite 王研究员" in html
    assert "Experts and opinions" not in client_for(ent_a_user).get(url).content.decode()


def test_inviting_the_alternate_in_one_click(client_for, invitation, other_expert, staff_tc):
    assignment_decline(
        invitation, by=invitation.expert.user, reason="time", suggested_expert=other_expert
    )
    response = client_for(staff_tc).post(f"{detail(invitation)}invite-alternate/")
    assert response["Location"] == f"/problems/{invitation.problem_id}/"
    assert messages_of(response) == ["王研究员 invited."]
    new = Assignment.objects.get(expert=other_expert)
    assert (new.problem, new.due_date, new.status, new.invited_by) == (
        invitation.problem,
        invitation.due_date,
        A.INVITED,
        staff_tc,
    )
    assert new.events.get().reason == "Suggested by 张教授 when declining."
    again = client_for(staff_tc).post(f"{detail(invitation)}invite-alternate/")
    assert messages_of(again) == ["王研究员 is already invited to this problem."]


def test_a_flagged_alternate_is_confirmed_first(client_for, invitation, staff_tc):
    flagged = ExpertFactory(name="钱工", email="qian@tacheng-chem.cn")
    Enterprise.objects.filter(pk=invitation.problem.enterprise_id).update(
        contact_email="boss@tacheng-chem.cn"
    )
    assignment_decline(
        invitation, by=invitation.expert.user, reason="time", suggested_expert=flagged
    )
    client = client_for(staff_tc)
    response = client.post(f"{detail(invitation)}invite-alternate/")
    assert response.status_code == 200
    assert "tacheng-chem.cn" in response.content.decode()
    assert not Assignment.objects.filter(expert=flagged).exists()
    client.post(f"{detail(invitation)}invite-alternate/", {"confirm_flags": "on"})
    assert Assignment.objects.get(expert=flagged).flags_confirmed_by == staff_tc


@pytest.mark.parametrize(("who", "status"), [("staff_ks", 404), ("expert_user", 403)])
def test_only_staff_of_the_region_withdraw(who, status, client_for, invitation, request):
    response = client_for(request.getfixturevalue(who)).post(
        f"{detail(invitation)}withdraw/", {"reason": "越权"}
    )
    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED


def test_staff_withdraw_with_a_reason(client_for, invitation, staff_tc):
    client = client_for(staff_tc)
    refused = client.post(f"{detail(invitation)}withdraw/", {"reason": ""})
    assert messages_of(refused) == ["Please give the reason; the expert will see it."]
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED
    response = client.post(f"{detail(invitation)}withdraw/", {"reason": "企业已撤题"})
    # (the refusal's message is still pending: the test client followed no redirect)
    assert messages_of(response)[-1] == "Assignment withdrawn."
    invitation.refresh_from_db()
    assert (invitation.status, invitation.events.last().reason) == (A.WITHDRAWN, "企业已撤题")


def test_staff_write_the_brief(client_for, problem, staff_tc, attachment):
    url = f"/experts/problems/{problem.pk}/brief/"
    client = client_for(staff_tc)
    form = client.get(url)
    assert form.context["form"].initial == {"title": problem.title}
    response = client.post(
        url,
        {"title": "重述题目", "summary": "重述内容", "released_attachments": [attachment.pk]},
    )
    assert response["Location"] == f"/problems/{problem.pk}/"
    brief = ProblemBrief.objects.get(problem=problem)
    assert (brief.title, list(brief.released_attachments.all())) == ("重述题目", [attachment])


@pytest.mark.parametrize(("who", "status"), [("staff_ks", 404), ("expert_user", 404)])
def test_the_brief_is_staff_of_the_regions(who, status, client_for, problem, request):
    url = f"/experts/problems/{problem.pk}/brief/"
    client = client_for(request.getfixturevalue(who))
    assert client.post(url, {"title": "t", "summary": "s"}).status_code == status
    assert ProblemBrief.objects.count() == 0


# --- delegations ----------------------------------------------------------------------------


@pytest.fixture
def society(society_admin_user):
    return society_admin_user.administered_societies.get()


def test_staff_delegate_from_the_problem_page(client_for, problem, society, staff_tc):
    response = client_for(staff_tc).post(
        f"/experts/problems/{problem.pk}/delegate/",
        {"society": society.pk, "experts_wanted": 2, "due_date": in_days(20).isoformat()},
    )
    assert response["Location"] == f"/problems/{problem.pk}/"
    delegation = Delegation.objects.get()
    assert (delegation.society, delegation.created_by, delegation.status) == (
        society,
        staff_tc,
        Delegation.Status.OPEN,
    )


@pytest.mark.parametrize("n", [1, 3])
def test_delegation_list_query_count(
    n, client_for, society, society_admin_user, django_assert_num_queries
):
    for _ in range(n):
        AssignmentFactory(delegation=DelegationFactory(society=society))
    client = client_for(society_admin_user)
    with django_assert_num_queries(7):
        response = client.get("/experts/delegations/")
    assert [d.n_invited for d in response.context["page"]] == [1] * n


def test_society_admins_never_see_other_societies_delegations(
    client_for, society_admin_user, society
):
    theirs = DelegationFactory()
    ours = DelegationFactory(society=society)
    client = client_for(society_admin_user)
    assert [d.pk for d in client.get("/experts/delegations/").context["page"]] == [ours.pk]
    assert client.get(f"/experts/delegations/{theirs.pk}/").status_code == 404
    assert client.get(f"/experts/delegations/{ours.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [("staff_ks", 404), ("expert_user", 404), ("ent_a_user", 404)]
)
def test_who_may_not_see_a_delegation(who, status, client_for, society, request):
    delegation = DelegationFactory(society=society)
    response = client_for(request.getfixturevalue(who)).get(
        f"/experts/delegations/{delegation.pk}/"
    )
    assert response.status_code == status


@pytest.mark.parametrize("n", [1, 3])
def test_delegation_page_lists_members_with_load_and_flags_in_fixed_queries(
    n, client_for, problem, society, society_admin_user, staff_tc, django_assert_num_queries
):
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=3, due_date=in_days(9), by=staff_tc
    )
    society.members.add(*ExpertFactory.create_batch(n))
    rank_among(problem, [])  # the matcher's index is built once per pool, not per page
    client = client_for(society_admin_user)
    # session, user, delegation, admin check (2), members, the index's freshness check (4),
    # loads, conflict facts (4), standing invitations, permissions (2), unread count,
    # invited members, events
    with django_assert_num_queries(21):
        response = client.get(f"/experts/delegations/{delegation.pk}/")
    assert [m.load for m in response.context["members"]] == [0] * n


def test_the_admin_picks_members_and_conflicts_are_explained(
    client_for, problem, society, society_admin_user, staff_tc, expert, other_expert
):
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=2, due_date=in_days(9), by=staff_tc
    )
    society.members.add(expert, other_expert)
    other_expert.problem_conflicts.create(problem=problem)
    url = f"/experts/delegations/{delegation.pk}/"
    client = client_for(society_admin_user)
    page = client.get(url).content.decode()
    assert f'value="{other_expert.pk}"' not in page  # excluded: no checkbox
    refused = client.post(url, {"experts": [other_expert.pk]})
    assert "王研究员 can&#x27;t review this problem" in refused.content.decode()
    response = client.post(url, {"experts": [expert.pk]})
    assert response["Location"] == url
    assert [a.expert for a in delegation.assignments.all()] == [expert]


def test_staff_may_read_but_not_pick_for_the_society(client_for, problem, society, staff_tc):
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=2, due_date=in_days(9), by=staff_tc
    )
    client = client_for(staff_tc)
    assert client.get(f"/experts/delegations/{delegation.pk}/").status_code == 200
    assert client.post(f"/experts/delegations/{delegation.pk}/", {}).status_code == 403


def test_delegation_page_puts_the_best_matching_members_first(
    client_for, problem, society, society_admin_user, staff_tc
):
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=1, due_date=in_days(9), by=staff_tc
    )
    unrelated = ExpertFactory(name="甲", research_directions="细毛羊育种")
    quartz = ExpertFactory(name="乙", research_directions="高纯石英砂提纯工艺")
    society.members.add(unrelated, quartz)
    response = client_for(society_admin_user).get(f"/experts/delegations/{delegation.pk}/")
    members = response.context["members"]
    assert [m.name for m in members] == ["乙", "甲"]
    assert members[0].reasons[0].startswith("Matched terms: ")
    assert "石英砂" in members[0].reasons[0]
    # The society's own name (化学化工学会) is all the sheep breeder shares with the problem.
    assert members[1].reasons == ["Matched terms: 化学"]
    assert members[0].score > 2 * members[1].score


@pytest.mark.parametrize("bad", ["abc", "-1", "9" * 30])
def test_ids_that_are_no_rows_are_form_errors_not_server_errors(
    bad, client_for, problem, society, society_admin_user, staff_tc
):
    """A tampered id (not a number, no such row, beyond the database's integer range) in any
    multiple choice of the workflow: the form says so and nothing is written."""
    delegation = delegation_create(
        problem=problem, society=society, experts_wanted=1, due_date=in_days(9), by=staff_tc
    )
    staff = client_for(staff_tc)
    matching = staff.post(
        f"/experts/problems/{problem.pk}/matching/", {"experts": [bad], "due_date": in_days(9)}
    )
    brief = staff.post(
        f"/experts/problems/{problem.pk}/brief/",
        {"title": "转述", "summary": "问题", "released_attachments": [bad]},
    )
    staffing = client_for(society_admin_user).post(
        f"/experts/delegations/{delegation.pk}/", {"experts": [bad]}
    )
    assert (matching.status_code, brief.status_code, staffing.status_code) == (302, 200, 200)
    assert list(brief.context["form"].errors) == ["released_attachments"]
    assert list(staffing.context["form"].errors) == ["experts"]
    assert Assignment.objects.count() == 0
    assert not ProblemBrief.objects.exists()
