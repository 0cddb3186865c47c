"""seed_demo: the demo data set loads through the real services and a second run changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Region, User
from experts.models import Expert, Society
from experts.search import expert_search_text
from experts.text import normalize
from problems.models import Campaign, Category, Enterprise, Problem, ProblemEvent
from problems.validators import validate_credit_code

PASSWORD = "zhiku-demo-2026"
DEMO_ROLES = {
    "admin": User.Role.ADMIN,
    "staff_xj": User.Role.STAFF,
    "staff_tc": User.Role.STAFF,
    "staff_ks": User.Role.STAFF,
    "ent_a": User.Role.ENTERPRISE,
    "ent_b": User.Role.ENTERPRISE,
    "expert_a": User.Role.EXPERT,
    "expert_b": User.Role.EXPERT,
    "society_a": User.Role.SOCIETY_ADMIN,
    "official_a": User.Role.OFFICIAL,
}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    """Seed twice; return the row counts after the first run and the second run's output."""
    # PBKDF2 costs ~0.2 s per check; what is tested here does not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed()
    first = row_counts()
    output = seed()
    return first, output


@pytest.mark.django_db
def test_second_run_changes_no_row_count(demo):
    first, output = demo
    assert row_counts() == first
    assert "nothing created" in output
    assert first["problems.Problem"] == 60
    assert first["problems.ProblemEvent"] > 200


@pytest.mark.django_db
def test_demo_accounts_have_their_roles_and_the_demo_password(demo):
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_ROLES)}
    assert {name: user.role for name, user in users.items()} == DEMO_ROLES
    assert users["admin"].is_superuser
    assert users["admin"].is_staff
    assert users["staff_xj"].region_id == "650000"
    assert users["staff_tc"].region_id == "654200"
    assert users["staff_ks"].region_id == "653100"
    assert users["official_a"].government_body.region_id == "650000"
    assert all(user.display_name for user in users.values())
    for user in User.objects.all():
        assert authenticate(username=user.username, password=PASSWORD) == user, user.username


@pytest.mark.django_db
def test_demo_enterprises_have_valid_credit_codes_and_statuses(demo):
    enterprises = list(Enterprise.objects.select_related("region"))
    assert len(enterprises) >= 30
    for enterprise in enterprises:
        validate_credit_code(enterprise.credit_code)
        assert enterprise.credit_code[2:8] == enterprise.region_id
    statuses = {enterprise.status for enterprise in enterprises}
    assert statuses == set(Enterprise.Status.values)
    rejected = Enterprise.objects.get(status=Enterprise.Status.REJECTED)
    assert rejected.events.get(to_status=Enterprise.Status.REJECTED).reason


@pytest.mark.django_db
def test_ent_a_and_ent_b_belong_to_verified_enterprises_in_different_prefectures(demo):
    ent_a = User.objects.select_related("enterprise__region").get(username="ent_a")
    ent_b = User.objects.select_related("enterprise__region").get(username="ent_b")
    assert ent_a.enterprise != ent_b.enterprise
    assert ent_a.enterprise.region.parent_id == "654200"
    assert ent_b.enterprise.region.parent_id == "653100"
    assert ent_a.enterprise.is_verified
    assert ent_b.enterprise.is_verified
    for user in (ent_a, ent_b):
        statuses = set(user.enterprise.problems.values_list("status", flat=True))
        assert {Problem.Status.RETURNED, Problem.Status.ACCEPTED} <= statuses
        returned = user.enterprise.problems.get(status=Problem.Status.RETURNED)
        assert returned.events.get(to_status=Problem.Status.RETURNED).reason


@pytest.mark.django_db
def test_three_campaigns_respect_their_caps(demo):
    campaigns = Campaign.objects.all()
    assert campaigns.count() == 3
    assert sorted(campaign.status for campaign in campaigns) == ["closed", "published", "published"]
    for campaign in campaigns:
        submitted = campaign.problems.exclude(status=Problem.Status.DRAFT)
        per_enterprise = Counter(submitted.values_list("enterprise_id", flat=True))
        assert campaign.cap_per_unit == 3
        assert max(per_enterprise.values()) <= campaign.cap_per_unit


@pytest.mark.django_db
def test_demo_problems_cover_every_status_and_category_with_a_history(demo):
    problems = Problem.objects.filter(ref__startswith="DEMO-")
    assert problems.count() == 60
    assert set(problems.values_list("status", flat=True)) == set(Problem.Status.values)
    assert set(problems.values_list("category", flat=True)) == set(Category.values)
    for problem in problems.exclude(status=Problem.Status.DRAFT):
        events = list(problem.events.all())
        assert problem.number, problem.ref
        assert len(events) >= 2, problem.ref
        assert problem.submitted_at.year == int(problem.number.split("-")[1]), problem.ref
        assert events[-1].created_at <= problem.updated_at
        moves = [event for event in events if event.from_status != event.to_status]
        assert moves[-1].to_status == problem.status, problem.ref
    notes = ProblemEvent.objects.filter(problem__in=problems).exclude(internal_note="")
    assert notes.count() >= 3


@pytest.mark.django_db
def test_demo_talent_pool_spreads_over_disciplines_and_prefectures(demo):
    experts = list(Expert.objects.select_related("region").prefetch_related("disciplines"))
    assert len(experts) >= 300
    disciplines = {d.code for expert in experts for d in expert.disciplines.all()}
    assert len(disciplines) >= 20
    prefectures = {
        expert.region.code if expert.region.level == Region.Level.PREFECTURE
        else expert.region.parent_id
        for expert in experts
        if expert.region.code.startswith("65") and expert.region.level > Region.Level.PROVINCE
    }  # fmt: skip
    assert len(prefectures) >= 8
    # Partner-province experts (柔性引才) are there too, but few.
    outside = [expert for expert in experts if not expert.region.code.startswith("65")]
    assert 0 < len(outside) < len(experts) * 0.15
    assert sum(expert.verified for expert in experts) >= len(experts) * 0.8
    assert any(not expert.accepting for expert in experts)
    assert len({expert.max_assignments for expert in experts}) >= 4


@pytest.mark.django_db
def test_every_demo_expert_is_valid_searchable_and_has_coherent_lists(demo):
    refs, emails = set(), set()
    for expert in Expert.objects.prefetch_related("disciplines"):
        expert.full_clean()  # mobile pattern, e-mail syntax, field lengths
        assert expert.email == expert.email.lower()
        assert expert.search_text == expert_search_text(expert), expert.ref
        assert 1 <= expert.disciplines.count() <= 3, expert.ref
        assert 2 <= len(expert.direction_list()) <= 4, expert.ref
        assert expert.name == normalize(expert.name) or "·" in expert.name  # stored Simplified
        refs.add(expert.ref)
        emails.add(expert.email)
    assert len(emails) == len(refs)


@pytest.mark.django_db
def test_false_friends_sit_in_different_fields(demo):
    """膜下滴灌 and 反渗透膜 share 膜, 锂电池 and 光伏电池 share 电池: the matching tests rely on
    both sides being present and on no expert holding both."""

    def holders(direction: str) -> set[int]:
        return set(
            Expert.objects.filter(research_directions__contains=direction).values_list(
                "pk", flat=True
            )
        )

    for one, other in (("膜下滴灌", "反渗透膜"), ("锂电池正极材料", "光伏电池")):
        assert holders(one), one
        assert holders(other), other
        assert not holders(one) & holders(other), (one, other)


@pytest.mark.django_db
def test_demo_experts_and_societies(demo):
    assert Expert.objects.get(user__username="expert_a").verified
    assert Expert.objects.get(user__username="expert_b").verified
    hand_written_unverified = Expert.objects.filter(
        ref__in=["ZJ-DEMO-020", "ZJ-DEMO-021", "ZJ-DEMO-022"], verified=False
    )
    assert hand_written_unverified.count() == 3
    assert not Expert.objects.filter(verified=True, verified_at__isnull=True).exists()
    society = Society.objects.get(admins__username="society_a")
    assert society.name == "新疆农业工程学会"
    assert society.ref == "XH-0001"
    assert society.members.filter(ref="ZJ-DEMO-001").exists()


@pytest.mark.django_db
def test_demo_societies_at_every_level_with_overlapping_members(demo):
    societies = list(Society.objects.prefetch_related("disciplines", "members__disciplines"))
    assert len(societies) >= 10
    assert sorted(society.ref for society in societies) == [
        f"XH-{number:04d}" for number in range(1, len(societies) + 1)
    ]
    assert {society.level for society in societies} == set(Society.Level.values)
    for society in societies:
        assert society.contact_name and society.contact_phone and society.contact_email
        assert society.description
        fields = {d.code[:3] for d in society.disciplines.all()}
        assert fields, society.name
        members = list(society.members.all())
        assert 5 <= len(members) <= 40, (society.name, len(members))
        for member in members:
            assert fields & {d.code[:3] for d in member.disciplines.all()}, (society, member)


@pytest.mark.django_db
def test_demo_workflow_shows_every_assignment_state(demo):
    from accounts.models import Notification
    from experts.models import Assignment, Delegation, ProblemConflict, Reminder, Review

    demo_assignments = Assignment.objects.filter(problem__ref__startswith="DEMO-")
    assert set(demo_assignments.values_list("status", flat=True)) == {
        "invited",
        "accepted",
        "declined",
        "completed",
    }
    assert set(demo_assignments.values_list("decline_reason", flat=True)) == {
        "",
        "time",
        "conflict",
    }
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        "unanswered",
        "due_soon",
        "overdue",
    }
    released = Review.objects.filter(released_at__isnull=False)
    assert sorted(released.values_list("released_named", flat=True)) == [False, True]
    assert Review.objects.filter(status=Review.Status.DRAFT).count() == 1
    assert ProblemConflict.objects.count() == 1
    assert Delegation.objects.get().society.admins.filter(username="society_a").exists()
    # Each role that takes part has something waiting for them.
    for username in ("expert_a", "staff_xj", "society_a", "ent_a"):
        assert Notification.objects.filter(user__username=username).exists(), username
    expert_a = User.objects.get(username="expert_a").expert
    assert set(expert_a.assignments.values_list("status", flat=True)) == {"invited", "accepted"}
