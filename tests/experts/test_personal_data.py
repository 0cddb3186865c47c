"""Personal data (个人信息保护法): the expert's copy of their data, deletion requests and the
anonymisation an approval brings."""

import json

import pytest

from accounts.models import AuditEvent, Notification, User
from experts.matching.pool import expert_records
from experts.models import (
    Assignment,
    DeclaredConflict,
    DeletionRequest,
    DeletionRequestEvent,
    Expert,
    Review,
)
from experts.services import personal
from problems.services import DomainError
from tests.factories import (
    AssignmentFactory,
    ExpertFactory,
    NotificationFactory,
    ReviewFactory,
    SocietyFactory,
    UserFactory,
    discipline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(expert_user) -> Expert:
    expert = expert_user.expert
    expert.email, expert.mobile = "zhang@xju.edu.cn", "13812341122"
    expert.save()
    expert.disciplines.set([discipline("530")])
    DeclaredConflict.objects.create(expert=expert, organisation="克拉玛依石化", kind="employer")
    return expert


@pytest.fixture
def reviewed(expert) -> Review:
    return ReviewFactory(
        assignment=AssignmentFactory(expert=expert, status=Assignment.Status.COMPLETED),
        opinion="建议联合攻关，先做中试。",
    )


# --- the copy of one's own data ---------------------------------------------------------------


def test_expert_downloads_everything_held_about_them(client_for, expert_user, expert, reviewed):
    NotificationFactory(user=expert_user, title="新的评审邀请")

    response = client_for(expert_user).get("/experts/me/data/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["username"] == "expert"
    assert data["profile"]["name"] == "张教授"
    assert data["profile"]["mobile"] == "13812341122"
    assert data["disciplines"] == [{"code": "530", "name": discipline("530").name}]
    assert data["declared_conflicts"][0]["organisation"] == "克拉玛依石化"
    assert data["assignments"][0]["problem"] == reviewed.assignment.problem.number
    assert data["assignments"][0]["opinion"]["opinion"] == "建议联合攻关，先做中试。"
    assert [n["title"] for n in data["notifications"]] == ["新的评审邀请"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_EXPORT)
    assert (event.user, event.target_id) == (expert_user, str(expert.pk))


def test_profile_links_to_the_personal_data_page(client_for, expert_user, expert):
    page = client_for(expert_user).get(expert.get_absolute_url()).content.decode()
    assert 'href="/experts/me/data/"' in page
    page = client_for(expert_user).get("/experts/me/data/").content.decode()
    assert 'href="/experts/me/data/download/"' in page


@pytest.mark.parametrize(
    "who", ["other_expert", "ent_a_user", "official_user", "staff_tc", "staff_xj", "admin_user"]
)
def test_only_the_expert_gets_their_data_page(request, client_for, expert, who):
    user = (
        ExpertFactory(user=UserFactory(role=User.Role.EXPERT)).user
        if who == "other_expert"
        else request.getfixturevalue(who)
    )
    client = client_for(user)
    if who == "other_expert":
        # Another expert gets their own data, never this expert's.
        data = json.loads(client.get("/experts/me/data/download/").content)
        assert data["profile"]["name"] != "张教授"
    else:
        assert client.get("/experts/me/data/download/").status_code == 403
        assert client.get("/experts/me/data/").status_code == 403
        assert client.post("/experts/me/data/delete/", {"confirm": "on"}).status_code == 403
    assert not DeletionRequest.objects.filter(expert=expert).exists()


# --- deletion requests ------------------------------------------------------------------------


def test_expert_asks_for_deletion_once_and_the_deciders_are_told(
    client_for, expert_user, expert, staff_xj, staff_tc, admin_user
):
    client = client_for(expert_user)
    response = client.post("/experts/me/data/delete/", {"reason": "不再参与评审", "confirm": "on"})

    assert response.status_code == 302
    request = DeletionRequest.objects.get(expert=expert)
    assert (request.status, request.reason) == ("open", "不再参与评审")
    assert list(request.events.values_list("actor", "from_status", "to_status")) == [
        (expert_user.pk, "", "open")
    ]
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "staff_xj",
        "admin",
    }
    assert AuditEvent.objects.filter(action="deletion_request", user=expert_user).count() == 1

    client.post("/experts/me/data/delete/", {"confirm": "on"})
    assert DeletionRequest.objects.filter(expert=expert).count() == 1
    page = client.get("/experts/me/data/").content.decode()
    assert "CAST staff have not decided yet" in page


def test_a_deletion_request_needs_the_confirmation(client_for, expert_user, expert):
    client_for(expert_user).post("/experts/me/data/delete/", {"reason": "x"})
    assert not DeletionRequest.objects.exists()


def test_expert_withdraws_their_request(client_for, expert_user, expert):
    request = personal.deletion_request_create(expert, by=expert_user)
    client_for(expert_user).post(f"/experts/me/data/delete/{request.pk}/withdraw/")
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert request.events.last().to_status == "withdrawn"


@pytest.mark.parametrize(
    "who", ["staff_tc", "staff_ks", "expert_user", "ent_a_user", "official_user"]
)
def test_only_region_staff_and_admins_see_and_decide_requests(request, client_for, expert, who):
    deletion = personal.deletion_request_create(expert, by=expert.user)
    client = client_for(request.getfixturevalue(who))

    assert client.get("/experts/deletion-requests/").status_code == 403
    assert client.get(f"/experts/deletion-requests/{deletion.pk}/").status_code == 403
    response = client.post(
        f"/experts/deletion-requests/{deletion.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    deletion.refresh_from_db()
    assert deletion.status == "open"


@pytest.mark.parametrize("n", [1, 3])
def test_deletion_request_list_query_count(client_for, staff_xj, django_assert_max_num_queries, n):
    for _ in range(n):
        expert = ExpertFactory(user=UserFactory(role=User.Role.EXPERT))
        personal.deletion_request_create(expert, by=expert.user)
    client = client_for(staff_xj)
    with django_assert_max_num_queries(8):
        response = client.get("/experts/deletion-requests/?status=open")
    assert len(response.context["page"].object_list) == n


def test_staff_reject_with_a_reason_the_expert_reads(client_for, staff_xj, expert_user, expert):
    deletion = personal.deletion_request_create(expert, by=expert_user)
    client = client_for(staff_xj)

    client.post(f"/experts/deletion-requests/{deletion.pk}/decide/", {"decision": "reject"})
    deletion.refresh_from_db()
    assert deletion.status == "open"  # a rejection needs its reason

    client.post(
        f"/experts/deletion-requests/{deletion.pk}/decide/",
        {"decision": "reject", "reason": "课题结题前需保留联系方式"},
    )
    deletion.refresh_from_db()
    assert (deletion.status, deletion.decided_by, deletion.decision_reason) == (
        "rejected",
        staff_xj,
        "课题结题前需保留联系方式",
    )
    event = deletion.events.last()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        staff_xj,
        "open",
        "rejected",
        "课题结题前需保留联系方式",
    )
    assert Notification.objects.filter(user=expert_user, body="课题结题前需保留联系方式").exists()
    expert.refresh_from_db()
    assert expert.anonymised_at is None and expert.name == "张教授"


def test_approval_anonymises_the_expert_and_keeps_the_review_history(
    client_for, staff_xj, expert_user, expert, reviewed
):
    society = SocietyFactory(members=[expert])
    NotificationFactory(user=expert_user)
    deletion = personal.deletion_request_create(expert, by=expert_user, reason="本人申请")

    response = client_for(staff_xj).post(
        f"/experts/deletion-requests/{deletion.pk}/decide/", {"decision": "approve"}
    )

    assert response.status_code == 302
    expert.refresh_from_db()
    label = f"已注销专家 #{expert.pk}"
    assert expert.name == label
    assert expert.ref == f"deleted-{expert.pk}"
    assert (expert.email, expert.mobile, expert.employer, expert.research_directions) == (
        "",
        "",
        "",
        "",
    )
    assert expert.anonymised_at is not None and not expert.accepting
    assert not expert.disciplines.exists() and not expert.conflicts.exists()
    assert not society.members.filter(pk=expert.pk).exists()
    user = User.objects.get(pk=expert_user.pk)
    assert (user.username, user.display_name, user.email, user.phone) == (
        f"deleted-expert-{expert.pk}",
        label,
        "",
        "",
    )
    assert not user.is_active and not user.has_usable_password()
    assert not Notification.objects.filter(user=user).exists()
    # The review history stays, under the anonymous name; the audit log keeps the login name
    # the events were recorded under.
    reviewed.refresh_from_db()
    assert reviewed.assignment.expert == expert
    assert reviewed.opinion == "建议联合攻关，先做中试。"
    deletion.refresh_from_db()
    assert deletion.status == "approved" and deletion.reason == ""
    assert list(deletion.events.values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "approved"),
    ]
    assert set(
        AuditEvent.objects.filter(action__in=["deletion_request", "anonymise"]).values_list(
            "action", "username"
        )
    ) == {
        ("deletion_request", "expert"),
        ("deletion_request", "staff_xj"),
        ("anonymise", "staff_xj"),
    }
    # Out of matching and the talent search; cannot log in.
    assert expert.pk not in {record.id for record in expert_records()}
    listing = client_for(staff_xj).get("/experts/").content.decode()
    assert label not in listing
    assert not client_for(staff_xj).login(username="expert", password="x")


def test_an_anonymised_expert_cannot_ask_or_be_anonymised_again(staff_xj, expert_user, expert):
    deletion = personal.deletion_request_create(expert, by=expert_user)
    personal.deletion_request_decide(deletion, by=staff_xj, approve=True)
    with pytest.raises(DomainError):
        personal.deletion_request_create(Expert.objects.get(pk=expert.pk), by=expert_user)
    with pytest.raises(DomainError):
        personal.deletion_request_decide(deletion, by=staff_xj, approve=False, reason="x")
    assert DeletionRequestEvent.objects.filter(request=deletion).count() == 2


def test_admin_may_decide(client_for, admin_user, expert_user, expert):
    deletion = personal.deletion_request_create(expert, by=expert_user)
    page = client_for(admin_user).get(f"/experts/deletion-requests/{deletion.pk}/")
    assert page.status_code == 200
    assert "Approve and anonymise" in page.content.decode()
