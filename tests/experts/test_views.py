"""Expert and society pages: what each role of the cast may see and do (exact status codes),
and the side effects of every POST."""

import pytest
from django.contrib.messages import get_messages

from experts.models import DeclaredConflict, Expert, ProfileChange, SocietyEvent
from tests.factories import (
    ExpertFactory,
    SocietyFactory,
    UserFactory,
    credit_code,
    discipline,
    region,
)

P = ProfileChange.Status


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def tc_expert(db) -> Expert:
    """An expert of 塔城市 with an account of their own."""
    user = UserFactory(username="li", display_name="李研究员", role="expert")
    return ExpertFactory(
        user=user,
        name="李研究员",
        employer="塔城农科所",
        title="研究员",
        research_directions="牧草育种",
        region=region("654201"),
        email="li@example.cn",
        mobile="13900000001",
        disciplines=[discipline("230")],
    )


@pytest.fixture
def own_expert(expert_user) -> Expert:
    return Expert.objects.get(user=expert_user)


def profile_form(**overrides) -> dict:
    return {
        "name": "李研究员",
        "employer": "塔城农科所",
        "gender": "M",
        "title": "二级研究员",
        "disciplines": ["230", "23010"],
        "research_directions": "牧草育种\n草原生态",
        "region": "654201",
        "email": " Li@Example.CN ",
        "mobile": "139 0000 0002",
        "accepting": "",
        "max_assignments": "2",
    } | overrides


# --- profile page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_tc", "staff_ks", "staff_xj", "admin_user"])
def test_any_staff_reads_any_profile_with_conflicts_and_changes(
    who, tc_expert, client_for, request
):
    DeclaredConflict.objects.create(expert=tc_expert, organisation="塔城甲化工", kind="employer")
    ProfileChange.objects.create(expert=tc_expert, field="employer", new_value="新疆农业大学")

    response = client_for(request.getfixturevalue(who)).get(f"/experts/{tc_expert.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    shown = [
        "李研究员",
        "塔城农科所",
        "230 畜牧、兽医科学",
        "牧草育种",
        "塔城甲化工",
        "新疆农业大学",
    ]
    # Contact details in full for the staff of the expert's region (and above), masked for
    # the staff of another prefecture.
    of_region = who != "staff_ks"
    shown += ["13900000001", "li@example.cn"] if of_region else ["139****0001", "l***@example.cn"]
    assert [text for text in shown if text not in html] == []
    if not of_region:
        assert ("13900000001" in html, "li@example.cn" in html) == (False, False)
    context = response.context
    assert (context["can_edit"], context["can_decide"]) == (of_region, of_region)


def test_expert_reads_own_profile_with_edit_links(client_for, tc_expert):
    response = client_for(tc_expert.user).get(f"/experts/{tc_expert.pk}/")
    assert (response.context["is_self"], response.context["can_edit"]) == (True, False)
    html = response.content.decode()
    assert ("13900000001" in html, "li@example.cn" in html) == (True, True)
    assert 'href="/experts/me/edit/"' in html
    assert 'href="/experts/me/conflicts/"' in html


@pytest.mark.parametrize(
    "who", ["expert_user", "ent_a_user", "official_user", "society_admin_user"]
)
def test_others_get_404_for_a_profile(who, tc_expert, client_for, request):
    response = client_for(request.getfixturevalue(who)).get(f"/experts/{tc_expert.pk}/")
    assert response.status_code == 404


def test_society_admin_reads_a_members_profile_but_not_its_private_parts(
    client_for, society_admin_user, tc_expert
):
    society_admin_user.administered_societies.get().members.add(tc_expert)
    DeclaredConflict.objects.create(expert=tc_expert, organisation="塔城甲化工", kind="employer")

    response = client_for(society_admin_user).get(f"/experts/{tc_expert.pk}/")

    assert response.status_code == 200
    assert (response.context["show_private"], response.context["can_edit"]) == (False, False)
    html = response.content.decode()
    assert "塔城甲化工" not in html
    assert ("139****0001" in html, "l***@example.cn" in html) == (True, True)
    assert ("13900000001" in html, "li@example.cn" in html) == (False, False)
    assert client_for(society_admin_user).get(f"/experts/{tc_expert.pk}/edit/").status_code == 403


def test_my_profile_redirects_the_expert_and_refuses_others(client_for, tc_expert, staff_tc):
    response = client_for(tc_expert.user).get("/experts/me/")
    assert response["Location"] == f"/experts/{tc_expert.pk}/"
    assert client_for(staff_tc).get("/experts/me/").status_code == 403
    expert_without_profile = UserFactory(role="expert")
    assert client_for(expert_without_profile).get("/experts/me/").status_code == 404


# --- the expert edits their profile ---------------------------------------------------------


def test_expert_edits_own_profile_and_name_waits_for_staff(client_for, tc_expert):
    client = client_for(tc_expert.user)
    assert client.get("/experts/me/edit/").status_code == 200

    response = client.post("/experts/me/edit/", profile_form(name="李明", employer="新疆大学"))

    assert response["Location"] == f"/experts/{tc_expert.pk}/"
    assert messages_of(response) == [
        "Saved. Your change of name or employer takes effect once CAST staff confirm it."
    ]
    tc_expert.refresh_from_db()
    assert (
        tc_expert.name,
        tc_expert.employer,
        tc_expert.title,
        tc_expert.email,
        tc_expert.mobile,
        tc_expert.accepting,
        tc_expert.max_assignments,
    ) == ("李研究员", "塔城农科所", "二级研究员", "li@example.cn", "13900000002", False, 2)
    assert sorted(tc_expert.disciplines.values_list("code", flat=True)) == ["230", "23010"]
    assert list(tc_expert.changes.order_by("pk").values_list("field", "new_value", "status")) == [
        ("name", "李明", P.PENDING),
        ("employer", "新疆大学", P.PENDING),
    ]
    # The form then says what is waiting.
    assert "李明" in client.get("/experts/me/edit/").content.decode()


def test_profile_form_shows_field_errors_and_changes_nothing(client_for, tc_expert):
    response = client_for(tc_expert.user).post(
        "/experts/me/edit/",
        profile_form(mobile="12345", email="not-an-email", max_assignments="99", name=""),
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["email", "max_assignments", "mobile", "name"]
    tc_expert.refresh_from_db()
    assert (tc_expert.title, tc_expert.mobile, tc_expert.changes.count()) == (
        "研究员",
        "13900000001",
        0,
    )


@pytest.mark.parametrize("who", ["staff_tc", "ent_a_user", "official_user", "society_admin_user"])
def test_profile_edit_is_for_experts_only(who, client_for, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/experts/me/edit/").status_code == 403
    assert client.post("/experts/me/edit/", profile_form()).status_code == 403


# --- staff edit a profile -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_tc", "staff_xj", "admin_user"])
def test_staff_of_the_region_edit_directly(who, client_for, tc_expert, request):
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        f"/experts/{tc_expert.pk}/edit/", profile_form(name="李明", employer="新疆大学")
    )

    assert response["Location"] == f"/experts/{tc_expert.pk}/"
    assert messages_of(response) == ["Saved."]
    tc_expert.refresh_from_db()
    assert (tc_expert.name, tc_expert.employer, tc_expert.title) == (
        "李明",
        "新疆大学",
        "二级研究员",
    )
    assert list(tc_expert.changes.values_list("status", "decided_by")) == [
        (P.APPROVED, user.pk),
        (P.APPROVED, user.pk),
    ]


@pytest.mark.parametrize("who", ["staff_ks", "expert_user"])
def test_staff_edit_refused_to_other_regions_and_to_the_expert(who, client_for, request):
    expert = ExpertFactory(region=region("654201"))
    if who == "expert_user":
        expert = Expert.objects.get(user=request.getfixturevalue(who))
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/experts/{expert.pk}/edit/").status_code == 403
    assert client.post(f"/experts/{expert.pk}/edit/", profile_form(name="冒名")).status_code == 403
    expert.refresh_from_db()
    assert (expert.name == "冒名", expert.changes.count()) == (False, 0)


@pytest.mark.parametrize("who", ["ent_a_user", "official_user"])
def test_staff_edit_is_404_to_roles_without_experts(who, client_for, tc_expert, request):
    response = client_for(request.getfixturevalue(who)).post(
        f"/experts/{tc_expert.pk}/edit/", profile_form(name="冒名")
    )
    assert response.status_code == 404


# --- deciding on changes --------------------------------------------------------------------


@pytest.fixture
def pending(tc_expert) -> ProfileChange:
    return ProfileChange.objects.create(
        expert=tc_expert,
        field="name",
        old_value="李研究员",
        new_value="李明",
        requested_by=tc_expert.user,
    )


def test_staff_approve_a_change(client_for, staff_tc, pending):
    response = client_for(staff_tc).post(
        f"/experts/changes/{pending.pk}/decide/", {"decision": "approve"}
    )
    assert response["Location"] == f"/experts/{pending.expert_id}/"
    assert messages_of(response) == ["Change approved."]
    pending.refresh_from_db()
    pending.expert.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.expert.name) == (
        P.APPROVED,
        staff_tc,
        "李明",
    )


def test_staff_reject_a_change_with_a_reason(client_for, staff_tc, pending):
    client = client_for(staff_tc)
    response = client.post(f"/experts/changes/{pending.pk}/decide/", {"decision": "reject"})
    assert messages_of(response) == ["Please give a reason; the expert will see it."]
    pending.refresh_from_db()
    assert pending.status == P.PENDING

    client.post(
        f"/experts/changes/{pending.pk}/decide/", {"decision": "reject", "reason": "证件不符"}
    )
    pending.refresh_from_db()
    pending.expert.refresh_from_db()
    assert (pending.status, pending.reason, pending.expert.name) == (
        P.REJECTED,
        "证件不符",
        "李研究员",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_ks", 403), ("ent_a_user", 404), ("official_user", 404), ("expert_user", 404)],
)
def test_others_may_not_decide(who, status, client_for, pending, request):
    response = client_for(request.getfixturevalue(who)).post(
        f"/experts/changes/{pending.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == status
    pending.refresh_from_db()
    assert pending.status == P.PENDING


def test_the_expert_may_not_approve_their_own_change(client_for, pending):
    response = client_for(pending.expert.user).post(
        f"/experts/changes/{pending.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == P.PENDING


# --- declared conflicts ---------------------------------------------------------------------


def test_expert_declares_and_removes_conflicts(client_for, tc_expert):
    client = client_for(tc_expert.user)
    code = credit_code(3)
    response = client.post(
        "/experts/me/conflicts/",
        {"organisation": "塔城甲化工有限公司", "kind": "financial", "credit_code": code.lower()},
    )
    assert response["Location"] == "/experts/me/conflicts/"
    conflict = tc_expert.conflicts.get()
    assert (conflict.organisation, conflict.kind, conflict.credit_code) == (
        "塔城甲化工有限公司",
        "financial",
        code,
    )
    assert "塔城甲化工有限公司" in client.get("/experts/me/conflicts/").content.decode()

    duplicate = client.post(
        "/experts/me/conflicts/", {"organisation": "塔城甲化工有限公司", "kind": "other"}
    )
    assert duplicate.status_code == 200
    assert duplicate.context["form"].non_field_errors() == [
        "This organisation is already declared."
    ]

    client.post(f"/experts/me/conflicts/{conflict.pk}/remove/")
    assert tc_expert.conflicts.count() == 0


def test_conflict_form_rejects_a_bad_credit_code(client_for, tc_expert):
    response = client_for(tc_expert.user).post(
        "/experts/me/conflicts/",
        {"organisation": "某公司", "kind": "other", "credit_code": "123"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["credit_code"]
    assert tc_expert.conflicts.count() == 0


def test_another_experts_conflict_cannot_be_removed(client_for, tc_expert, expert_user):
    conflict = DeclaredConflict.objects.create(
        expert=tc_expert, organisation="某公司", kind="other"
    )
    response = client_for(expert_user).post(f"/experts/me/conflicts/{conflict.pk}/remove/")
    assert response.status_code == 404
    assert tc_expert.conflicts.count() == 1


@pytest.mark.parametrize("who", ["staff_tc", "ent_a_user", "official_user", "society_admin_user"])
def test_conflicts_page_is_for_experts_only(who, client_for, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/experts/me/conflicts/").status_code == 403
    client.post("/experts/me/conflicts/", {"organisation": "某公司", "kind": "other"})
    assert DeclaredConflict.objects.count() == 0


# --- verification ---------------------------------------------------------------------------


def test_staff_verify_an_expert_of_their_region(client_for, staff_tc):
    expert = ExpertFactory(verified=False, region=region("654201"))
    client = client_for(staff_tc)
    assert client.get(f"/experts/{expert.pk}/").context["can_verify"] is True
    response = client.post(f"/experts/{expert.pk}/verify/")
    assert messages_of(response) == ["Expert verified."]
    expert.refresh_from_db()
    assert (expert.verified, expert.verified_by) == (True, staff_tc)


@pytest.mark.parametrize(("who", "status"), [("staff_ks", 403), ("ent_a_user", 404)])
def test_others_may_not_verify(who, status, client_for, request):
    expert = ExpertFactory(verified=False, region=region("654201"))
    response = client_for(request.getfixturevalue(who)).post(f"/experts/{expert.pk}/verify/")
    assert response.status_code == status
    expert.refresh_from_db()
    assert expert.verified is False


@pytest.mark.parametrize(
    "who", ["ent_a_user", "expert_user", "official_user", "society_admin_user"]
)
def test_talent_search_is_staff_only(who, client_for, request):
    assert client_for(request.getfixturevalue(who)).get("/experts/").status_code == 403


# --- societies ------------------------------------------------------------------------------


@pytest.fixture
def society(society_admin_user):
    """新疆化学化工学会, a root-region society administered by society_admin_user."""
    return society_admin_user.administered_societies.get()


@pytest.mark.parametrize(
    "who", ["ent_a_user", "expert_user", "official_user", "society_admin_user"]
)
def test_society_list_is_staff_only(who, client_for, request):
    assert client_for(request.getfixturevalue(who)).get("/experts/societies/").status_code == 403


@pytest.mark.parametrize("who", ["staff_ks", "society_admin_user"])
def test_society_page_shows_members_and_history(who, client_for, society, request, tc_expert):
    society.members.add(tc_expert)
    SocietyEvent.objects.create(
        society=society, actor=society.admins.get(), action="member_added", expert=tc_expert
    )
    response = client_for(request.getfixturevalue(who)).get(f"/experts/societies/{society.pk}/")
    assert response.status_code == 200
    assert [m.name for m in response.context["members"]] == ["李研究员"]
    assert [e.action for e in response.context["events"]] == ["member_added"]
    assert "Member added" in response.content.decode()


@pytest.mark.parametrize("who", ["expert_user", "ent_a_user", "official_user"])
def test_society_page_is_404_to_roles_without_societies(who, client_for, society, request):
    response = client_for(request.getfixturevalue(who)).get(f"/experts/societies/{society.pk}/")
    assert response.status_code == 404


@pytest.fixture
def other_admin(db):
    """The admin of another society."""
    user = UserFactory(username="other_admin", role="society_admin")
    SocietyFactory(name="新疆畜牧兽医学会", admins=[user])
    return user


def test_another_societys_admin_gets_404_everywhere(client_for, other_admin, society, tc_expert):
    society.members.add(tc_expert)
    client = client_for(other_admin)
    base = f"/experts/societies/{society.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/edit/", {"contact_name": "某人"}).status_code == 404
    assert client.post(f"{base}/members/", {"expert": "ZJ-T-CAST"}).status_code == 404
    assert client.post(f"{base}/members/{tc_expert.pk}/remove/").status_code == 404
    assert client.get(f"/experts/{tc_expert.pk}/").status_code == 404
    assert (society.members.count(), society.events.count()) == (1, 0)


def society_form(**overrides) -> dict:
    return {
        "name": "新疆化学化工学会",
        "level": "region",
        "region": "650000",
        "disciplines": ["530"],
        "contact_name": "马秘书长",
        "contact_phone": "0991-1234567",
        "contact_email": "XH@example.cn",
        "description": "精细化工、煤化工",
    } | overrides


def test_society_admin_edits_everything_but_name_and_region(
    client_for, society, society_admin_user
):
    client = client_for(society_admin_user)
    form = client.get(f"/experts/societies/{society.pk}/edit/").context["form"]
    assert "name" not in form.fields
    assert "region" not in form.fields

    response = client.post(
        f"/experts/societies/{society.pk}/edit/",
        society_form(name="改名学会", region="654200"),
    )

    assert response["Location"] == f"/experts/societies/{society.pk}/"
    society.refresh_from_db()
    assert (society.name, society.region_id, society.contact_name, society.contact_email) == (
        "新疆化学化工学会",
        "650000",
        "马秘书长",
        "xh@example.cn",
    )
    assert list(society.disciplines.values_list("code", flat=True)) == ["530"]
    event = society.events.get()
    assert (event.action, event.actor) == ("edited", society_admin_user)


def test_staff_of_the_region_rename_a_society(client_for, society, staff_xj):
    response = client_for(staff_xj).post(
        f"/experts/societies/{society.pk}/edit/", society_form(name="新疆化工学会")
    )
    assert response.status_code == 302
    society.refresh_from_db()
    assert society.name == "新疆化工学会"
    assert society.events.get().actor == staff_xj


def test_society_form_shows_errors(client_for, society, society_admin_user):
    response = client_for(society_admin_user).post(
        f"/experts/societies/{society.pk}/edit/", society_form(contact_email="x@", level="zzz")
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["contact_email", "level"]
    assert society.events.count() == 0


@pytest.mark.parametrize("who", ["staff_tc", "staff_ks"])
def test_staff_of_another_region_may_not_edit_a_society(who, client_for, society, request):
    client = client_for(request.getfixturevalue(who))
    assert client.post(f"/experts/societies/{society.pk}/edit/", society_form()).status_code == 403
    assert client.post(f"/experts/societies/{society.pk}/members/", {}).status_code == 403
    assert society.events.count() == 0


def test_prefecture_staff_manage_their_prefectures_society(client_for, staff_tc, tc_expert):
    society = SocietyFactory(name="塔城地区农学会", level="prefecture", region=region("654200"))
    client = client_for(staff_tc)
    client.post(f"/experts/societies/{society.pk}/members/", {"expert": tc_expert.ref})
    assert list(society.members.all()) == [tc_expert]
    assert society.events.get().actor == staff_tc


def test_society_admin_adds_and_removes_members(client_for, society, society_admin_user, tc_expert):
    client = client_for(society_admin_user)
    url = f"/experts/societies/{society.pk}/members/"

    response = client.post(url, {"expert": f"  {tc_expert.ref} "})
    assert response["Location"] == url
    assert messages_of(response) == ["李研究员 added."]
    assert list(society.members.all()) == [tc_expert]

    again = client.post(url, {"expert": tc_expert.ref})
    assert again.status_code == 200
    assert again.context["form"].errors["expert"] == [
        "李研究员 is already a member of this society."
    ]

    unknown = client.post(url, {"expert": "ZJ-NONE"})
    assert unknown.context["form"].errors["expert"] == ["No expert has this reference."]

    client.post(f"{url}{tc_expert.pk}/remove/")
    assert list(society.members.all()) == []
    assert list(society.events.order_by("pk").values_list("action", "actor", "expert")) == [
        ("member_added", society_admin_user.pk, tc_expert.pk),
        ("member_removed", society_admin_user.pk, tc_expert.pk),
    ]


def test_member_search_offers_non_members_in_either_script(
    client_for, society, society_admin_user, tc_expert
):
    member = ExpertFactory(name="张牧草", research_directions="牧草育种")
    society.members.add(member)
    response = client_for(society_admin_user).get(
        f"/experts/societies/{society.pk}/members/", {"q": "牧草育種"}
    )
    assert [x.name for x in response.context["candidates"]] == ["李研究员"]


@pytest.mark.parametrize("who", ["expert_user", "ent_a_user", "official_user"])
def test_member_pages_are_404_to_roles_without_societies(who, client_for, society, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/experts/societies/{society.pk}/members/").status_code == 404
    assert client.get(f"/experts/societies/{society.pk}/edit/").status_code == 404


def test_my_society_redirects_its_admin(client_for, society, society_admin_user, staff_tc):
    response = client_for(society_admin_user).get("/experts/societies/mine/")
    assert response["Location"] == f"/experts/societies/{society.pk}/"
    assert client_for(staff_tc).get("/experts/societies/mine/").status_code == 403


# --- navigation and home pages --------------------------------------------------------------


def test_navigation_and_home_link_each_role_to_its_pages(
    client_for, tc_expert, society, society_admin_user, staff_tc
):
    expert_home = client_for(tc_expert.user).get("/").content.decode()
    for href in ("/experts/me/", "/experts/me/edit/", "/experts/me/conflicts/"):
        assert f'href="{href}"' in expert_home, href

    society_home = client_for(society_admin_user).get("/").content.decode()
    for href in (
        "/experts/societies/mine/",
        f"/experts/societies/{society.pk}/edit/",
        f"/experts/societies/{society.pk}/members/",
    ):
        assert f'href="{href}"' in society_home, href

    assert 'href="/experts/societies/"' in client_for(staff_tc).get("/").content.decode()
