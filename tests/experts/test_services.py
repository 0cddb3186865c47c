"""experts.services: profile edits and the name/employer confirmation, declared conflicts,
society edits and member lists, each with its record of who and when."""

import pytest
from django.utils import translation

from experts.models import DeclaredConflict, Expert, ProfileChange, SocietyEvent
from experts.search import experts_matching
from experts.services import (
    conflict_add,
    conflict_remove,
    expert_update_profile,
    profile_change_decide,
    society_member_add,
    society_member_remove,
    society_update,
)
from problems.services import DomainError
from tests.factories import (
    ExpertFactory,
    SocietyFactory,
    UserFactory,
    credit_code,
    discipline,
    region,
)

P = ProfileChange.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def tc_expert(db):
    """An expert of 塔城市 with an account of their own."""
    user = UserFactory(username="li", display_name="李研究员", role="expert")
    return ExpertFactory(
        user=user,
        name="李研究员",
        employer="塔城农科所",
        title="研究员",
        research_directions="牧草育种",
        region=region("654201"),
    )


def changes_of(expert: Expert) -> list[tuple]:
    return list(
        expert.changes.order_by("pk").values_list(
            "field", "old_value", "new_value", "status", "requested_by", "decided_by"
        )
    )


def profile(**overrides) -> dict:
    return {
        "gender": "F",
        "title": "二级研究员",
        "research_directions": "牧草育种\n草原生态",
        "region": region("654201"),
        "email": "  Li@Example.CN ",
        "mobile": "+86 139-0000-0001",
        "accepting": False,
        "max_assignments": 2,
        "disciplines": [discipline("230"), discipline("23010")],
    } | overrides


# --- the expert edits their own profile -----------------------------------------------------


def test_own_edit_applies_plain_fields_at_once(tc_expert):
    changes = expert_update_profile(tc_expert, by=tc_expert.user, data=profile())

    tc_expert.refresh_from_db()
    assert changes == []
    assert (
        tc_expert.gender,
        tc_expert.title,
        tc_expert.email,
        tc_expert.mobile,
        tc_expert.accepting,
        tc_expert.max_assignments,
    ) == ("F", "二级研究员", "li@example.cn", "13900000001", False, 2)
    assert sorted(tc_expert.disciplines.values_list("code", flat=True)) == ["230", "23010"]
    # Title and directions are indexed for the talent search.
    assert list(experts_matching(Expert.objects.all(), "二级研究员 草原生态")) == [tc_expert]


def test_own_name_and_employer_change_waits_for_staff(tc_expert):
    changes = expert_update_profile(
        tc_expert,
        by=tc_expert.user,
        data=profile(name="李 新名", employer="新疆农业大学"),
    )

    tc_expert.refresh_from_db()
    assert (tc_expert.name, tc_expert.employer) == ("李研究员", "塔城农科所")
    assert [(c.field, c.new_value, c.status) for c in changes] == [
        ("name", "李 新名", P.PENDING),
        ("employer", "新疆农业大学", P.PENDING),
    ]
    assert changes_of(tc_expert) == [
        ("name", "李研究员", "李 新名", P.PENDING, tc_expert.user.pk, None),
        ("employer", "塔城农科所", "新疆农业大学", P.PENDING, tc_expert.user.pk, None),
    ]
    assert list(experts_matching(Expert.objects.all(), "新疆农业大学")) == []


def test_unchanged_name_requests_nothing_and_a_repeat_is_not_duplicated(tc_expert):
    data = profile(name="李研究员", employer="新疆农业大学")
    expert_update_profile(tc_expert, by=tc_expert.user, data=data)
    expert_update_profile(tc_expert, by=tc_expert.user, data=data)

    assert [c[:4] for c in changes_of(tc_expert)] == [
        ("employer", "塔城农科所", "新疆农业大学", P.PENDING)
    ]


def test_a_newer_request_supersedes_the_pending_one(tc_expert):
    expert_update_profile(tc_expert, by=tc_expert.user, data={"employer": "新疆农业大学"})
    expert_update_profile(tc_expert, by=tc_expert.user, data={"employer": "石河子大学"})

    assert [c[2:4] for c in changes_of(tc_expert)] == [
        ("新疆农业大学", P.REJECTED),
        ("石河子大学", P.PENDING),
    ]
    assert tc_expert.changes.get(new_value="新疆农业大学").reason == (
        "Superseded by a newer request."
    )


def test_another_expert_may_not_edit_the_profile(tc_expert, expert_user):
    with pytest.raises(DomainError, match="You may not edit this expert's profile"):
        expert_update_profile(tc_expert, by=expert_user, data=profile(name="冒名"))
    tc_expert.refresh_from_db()
    assert (tc_expert.title, tc_expert.changes.count()) == ("研究员", 0)


# --- staff edit directly --------------------------------------------------------------------


def test_staff_of_the_region_change_name_and_employer_at_once(tc_expert, staff_tc):
    changes = expert_update_profile(
        tc_expert, by=staff_tc, data=profile(name="李新名", employer="新疆农业大学")
    )

    tc_expert.refresh_from_db()
    assert (tc_expert.name, tc_expert.employer) == ("李新名", "新疆农业大学")
    # A direct change still leaves its record: who changed the identity, and when.
    assert [c.status for c in changes] == [P.APPROVED, P.APPROVED]
    assert changes_of(tc_expert) == [
        ("name", "李研究员", "李新名", P.APPROVED, staff_tc.pk, staff_tc.pk),
        ("employer", "塔城农科所", "新疆农业大学", P.APPROVED, staff_tc.pk, staff_tc.pk),
    ]
    assert list(experts_matching(Expert.objects.all(), "李新名 新疆农业大学")) == [tc_expert]
    tc_expert.user.refresh_from_db()
    assert tc_expert.user.display_name == "李新名"


def test_staff_may_move_an_expert_out_of_their_region(tc_expert, staff_tc):
    expert_update_profile(tc_expert, by=staff_tc, data={"region": region("653101")})
    tc_expert.refresh_from_db()
    assert tc_expert.region_id == "653101"


def test_staff_of_another_region_may_not_edit(tc_expert, staff_ks):
    with pytest.raises(DomainError):
        expert_update_profile(tc_expert, by=staff_ks, data=profile(name="李新名"))
    tc_expert.refresh_from_db()
    assert (tc_expert.name, tc_expert.title, tc_expert.changes.count()) == ("李研究员", "研究员", 0)


# --- deciding on a change -------------------------------------------------------------------


@pytest.fixture
def pending_name(tc_expert) -> ProfileChange:
    (change,) = expert_update_profile(tc_expert, by=tc_expert.user, data={"name": "李明"})
    return change


def test_approval_applies_the_value_reindexes_and_records_the_decision(pending_name, staff_tc):
    change = profile_change_decide(pending_name, by=staff_tc, approve=True)

    expert = change.expert
    expert.refresh_from_db()
    assert expert.name == "李明"
    assert (change.status, change.decided_by, change.decided_at is not None) == (
        P.APPROVED,
        staff_tc,
        True,
    )
    assert list(experts_matching(Expert.objects.all(), "李明")) == [expert]
    expert.user.refresh_from_db()
    assert expert.user.display_name == "李明"


def test_rejection_needs_a_reason_and_keeps_the_value(pending_name, staff_tc):
    with pytest.raises(DomainError, match="Please give a reason"):
        profile_change_decide(pending_name, by=staff_tc, approve=False, reason="  ")
    pending_name.refresh_from_db()
    assert pending_name.status == P.PENDING

    change = profile_change_decide(pending_name, by=staff_tc, approve=False, reason="与身份证不符")
    change.expert.refresh_from_db()
    assert (change.status, change.reason, change.expert.name) == (
        P.REJECTED,
        "与身份证不符",
        "李研究员",
    )


def test_a_change_is_decided_once(pending_name, staff_tc, admin_user):
    profile_change_decide(pending_name, by=staff_tc, approve=True)
    with pytest.raises(DomainError, match="already been decided"):
        profile_change_decide(pending_name, by=admin_user, approve=False, reason="x")


@pytest.mark.parametrize("who", ["staff_ks", "expert_user"])
def test_only_staff_of_the_region_decide(who, pending_name, request):
    with pytest.raises(DomainError, match="You may not decide on this change"):
        profile_change_decide(pending_name, by=request.getfixturevalue(who), approve=True)
    pending_name.refresh_from_db()
    pending_name.expert.refresh_from_db()
    assert (pending_name.status, pending_name.expert.name) == (P.PENDING, "李研究员")


def test_root_staff_and_platform_admin_decide_anywhere(tc_expert, staff_xj, admin_user):
    first, second = expert_update_profile(
        tc_expert, by=tc_expert.user, data={"name": "李明", "employer": "新疆大学"}
    )
    assert profile_change_decide(first, by=staff_xj, approve=True).status == P.APPROVED
    assert profile_change_decide(second, by=admin_user, approve=True).status == P.APPROVED


# --- declared conflicts ---------------------------------------------------------------------


def test_conflicts_are_added_normalised_and_removed(tc_expert):
    code = credit_code(7)
    conflict = conflict_add(
        tc_expert,
        by=tc_expert.user,
        organisation=" 塔城甲化工有限公司 ",
        kind=DeclaredConflict.Kind.FORMER_EMPLOYER,
        credit_code=code.lower(),
        note="2023 年前任职",
    )
    assert (conflict.organisation, conflict.credit_code, conflict.kind) == (
        "塔城甲化工有限公司",
        code,
        "former_employer",
    )
    with pytest.raises(DomainError, match="already declared"):
        conflict_add(
            tc_expert, by=tc_expert.user, organisation="另一个名字", kind="other", credit_code=code
        )

    conflict_remove(conflict, by=tc_expert.user)
    assert tc_expert.conflicts.count() == 0


def test_only_the_expert_declares_their_conflicts(tc_expert, staff_tc):
    with pytest.raises(DomainError):
        conflict_add(tc_expert, by=staff_tc, organisation="某公司", kind="other")
    conflict = DeclaredConflict.objects.create(
        expert=tc_expert, organisation="某公司", kind="other"
    )
    with pytest.raises(DomainError):
        conflict_remove(conflict, by=staff_tc)
    assert tc_expert.conflicts.count() == 1


# --- societies ------------------------------------------------------------------------------


def events_of(society) -> list[tuple]:
    return list(
        society.events.order_by("pk").values_list("action", "actor_id", "expert_id", "detail")
    )


@pytest.fixture
def english():
    # Event details name the fields in the actor's language.
    with translation.override("en"):
        yield


def test_society_admin_edits_the_record_and_an_event_says_what_changed(society_admin_user, english):
    society = society_admin_user.administered_societies.get()
    society_update(
        society,
        by=society_admin_user,
        data={
            "level": "region",
            "contact_name": "马秘书长",
            "contact_email": "XH@Example.CN",
            "disciplines": [discipline("530")],
        },
    )

    society.refresh_from_db()
    assert (society.contact_name, society.contact_email) == ("马秘书长", "xh@example.cn")
    assert list(society.disciplines.values_list("code", flat=True)) == ["530"]
    assert events_of(society) == [
        (
            SocietyEvent.Action.EDITED,
            society_admin_user.pk,
            None,
            "contact person: — → 马秘书长\ncontact email: — → xh@example.cn\ndisciplines: — → 530",
        )
    ]


def test_saving_an_unchanged_society_records_nothing(society_admin_user):
    society = society_admin_user.administered_societies.get()
    society_update(society, by=society_admin_user, data={"level": society.level})
    assert events_of(society) == []


def test_only_staff_rename_a_society(society_admin_user, staff_xj, english):
    society = society_admin_user.administered_societies.get()
    with pytest.raises(DomainError, match="Only CAST staff"):
        society_update(society, by=society_admin_user, data={"name": "新名字学会"})
    society.refresh_from_db()
    assert (society.name, events_of(society)) == ("新疆化学化工学会", [])

    society_update(society, by=staff_xj, data={"name": "新疆化工学会"})
    society.refresh_from_db()
    assert society.name == "新疆化工学会"
    assert events_of(society) == [
        ("edited", staff_xj.pk, None, "name: 新疆化学化工学会 → 新疆化工学会")
    ]


@pytest.mark.parametrize("who", ["staff_tc", "expert_user"])
def test_others_may_not_edit_a_society(who, society_admin_user, request):
    society = society_admin_user.administered_societies.get()
    with pytest.raises(DomainError, match="You may not edit this society"):
        society_update(society, by=request.getfixturevalue(who), data={"contact_name": "某人"})
    assert events_of(society) == []


def test_an_admin_of_another_society_may_not_edit_it(society_admin_user):
    other = SocietyFactory(name="新疆畜牧兽医学会")
    with pytest.raises(DomainError):
        society_update(other, by=society_admin_user, data={"contact_name": "某人"})


def test_members_are_added_and_removed_with_events(society_admin_user, tc_expert):
    society = society_admin_user.administered_societies.get()
    society_member_add(society, tc_expert, by=society_admin_user)
    assert list(society.members.all()) == [tc_expert]
    with pytest.raises(DomainError, match="already a member"):
        society_member_add(society, tc_expert, by=society_admin_user)

    society_member_remove(society, tc_expert, by=society_admin_user)
    assert list(society.members.all()) == []
    with pytest.raises(DomainError, match="not a member"):
        society_member_remove(society, tc_expert, by=society_admin_user)

    detail = f"{tc_expert.ref} 李研究员"
    assert events_of(society) == [
        ("member_added", society_admin_user.pk, tc_expert.pk, detail),
        ("member_removed", society_admin_user.pk, tc_expert.pk, detail),
    ]


def test_an_admin_of_another_society_may_not_change_its_members(society_admin_user, tc_expert):
    other = SocietyFactory(name="新疆畜牧兽医学会")
    with pytest.raises(DomainError, match="You may not change this society's members"):
        society_member_add(other, tc_expert, by=society_admin_user)
    assert (other.members.count(), other.events.count()) == (0, 0)
