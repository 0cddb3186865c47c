"""Who sees which problems, enterprises and campaigns: the scoped querysets that list and
detail pages share, checked per role of the fixed cast with exact sets."""

import pytest
from django.contrib.auth.models import AnonymousUser

from problems.models import Campaign, Problem
from problems.rules import campaigns_visible_to, enterprises_visible_to, problems_visible_to
from tests.factories import CampaignFactory, EnterpriseFactory, ProblemFactory, region

S = Problem.Status
EVERYONE = [
    "staff_xj",
    "staff_tc",
    "staff_ks",
    "admin_user",
    "ent_a_user",
    "ent_b_user",
    "expert_user",
    "official_user",
    "society_admin_user",
    "anonymous",
]


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def ent_gd(db):
    """A 广东 enterprise taking part in the autonomous region's open campaign."""
    return EnterpriseFactory(name="广东丁电子有限公司", region=region("440000"))


@pytest.fixture
def world(ent_a_user, ent_b_user, ent_gd):
    """Two problems per enterprise, a draft and one further along, keyed by a short name."""
    ent_a, ent_b = ent_a_user.enterprise, ent_b_user.enterprise
    problems = {
        "a_draft": ProblemFactory(enterprise=ent_a),
        "a_submitted": ProblemFactory(enterprise=ent_a, status=S.SUBMITTED),
        "a_closed": ProblemFactory(enterprise=ent_a, status=S.CLOSED),
        "b_draft": ProblemFactory(enterprise=ent_b),
        "b_screening": ProblemFactory(enterprise=ent_b, status=S.SCREENING),
        "gd_draft": ProblemFactory(enterprise=ent_gd),
        "gd_accepted": ProblemFactory(enterprise=ent_gd, status=S.ACCEPTED),
    }
    return {name: problem.pk for name, problem in problems.items()}


def visible_problems(user, world) -> set[str]:
    names = {pk: name for name, pk in world.items()}
    return {names[pk] for pk in problems_visible_to(user).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_xj", {"a_submitted", "a_closed", "b_screening", "gd_accepted"}),
        ("admin_user", {"a_submitted", "a_closed", "b_screening", "gd_accepted"}),
        ("staff_tc", {"a_submitted", "a_closed"}),
        ("staff_ks", {"b_screening"}),
        ("ent_a_user", {"a_draft", "a_submitted", "a_closed"}),
        ("ent_b_user", {"b_draft", "b_screening"}),
        ("expert_user", set()),
        ("official_user", set()),
        ("society_admin_user", set()),
        ("anonymous", set()),
    ],
)
def test_problems_visible_to(who, expected, world, request):
    assert visible_problems(request.getfixturevalue(who), world) == expected


def test_a_problem_counts_in_the_region_it_names_not_its_enterprises(world, staff_tc, staff_ks):
    """An enterprise in 塔城 may file a problem located in 喀什 (a branch plant): the problem's
    own region decides which staff screen it."""
    moved = Problem.objects.get(pk=world["a_submitted"])
    moved.region = region("653101")
    moved.save()
    assert visible_problems(staff_tc, world) == {"a_closed"}
    assert visible_problems(staff_ks, world) == {"a_submitted", "b_screening"}


def test_deactivated_staff_see_nothing(world, staff_xj):
    staff_xj.is_active = False
    staff_xj.save()
    assert visible_problems(staff_xj, world) == set()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_xj", {"塔城甲化工有限公司", "喀什乙材料有限公司", "广东丁电子有限公司"}),
        ("admin_user", {"塔城甲化工有限公司", "喀什乙材料有限公司", "广东丁电子有限公司"}),
        ("staff_tc", {"塔城甲化工有限公司"}),
        ("staff_ks", {"喀什乙材料有限公司"}),
        ("ent_a_user", {"塔城甲化工有限公司"}),
        ("ent_b_user", {"喀什乙材料有限公司"}),
        ("expert_user", set()),
        ("official_user", set()),
        ("society_admin_user", set()),
        ("anonymous", set()),
    ],
)
def test_enterprises_visible_to(who, expected, world, request):
    user = request.getfixturevalue(who)
    assert set(enterprises_visible_to(user).values_list("name", flat=True)) == expected


@pytest.fixture
def campaigns(db):
    def make(title, code, status=Campaign.Status.PUBLISHED):
        return CampaignFactory(title=title, region=region(code), status=status)

    make("全区征集", "650000")
    make("全区征集(已结束)", "650000", Campaign.Status.CLOSED)
    make("全区征集(草稿)", "650000", Campaign.Status.DRAFT)
    make("塔城地区征集", "654200")
    make("塔城地区征集(草稿)", "654200", Campaign.Status.DRAFT)
    make("塔城市征集", "654201")
    make("喀什地区征集", "653100")
    make("乌鲁木齐市征集", "650100")
    make("广东省征集", "440000")


ALL_CAMPAIGNS = {
    "全区征集",
    "全区征集(已结束)",
    "全区征集(草稿)",
    "塔城地区征集",
    "塔城地区征集(草稿)",
    "塔城市征集",
    "喀什地区征集",
    "乌鲁木齐市征集",
    "广东省征集",
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_xj", ALL_CAMPAIGNS),
        ("admin_user", ALL_CAMPAIGNS),
        (
            "staff_tc",
            {
                "全区征集",
                "全区征集(已结束)",
                "全区征集(草稿)",
                "塔城地区征集",
                "塔城地区征集(草稿)",
                "塔城市征集",
            },
        ),
        ("staff_ks", {"全区征集", "全区征集(已结束)", "全区征集(草稿)", "喀什地区征集"}),
        ("ent_a_user", {"全区征集", "全区征集(已结束)", "塔城地区征集", "塔城市征集"}),
        ("ent_b_user", {"全区征集", "全区征集(已结束)", "喀什地区征集"}),
        ("expert_user", set()),
        ("official_user", set()),
        ("society_admin_user", set()),
        ("anonymous", set()),
    ],
)
def test_campaigns_visible_to(who, expected, campaigns, request):
    user = request.getfixturevalue(who)
    assert set(campaigns_visible_to(user).values_list("title", flat=True)) == expected


def test_an_enterprise_outside_the_root_region_sees_root_and_own_province_campaigns(
    campaigns, ent_gd
):
    from tests.factories import UserFactory

    user = UserFactory(enterprise=ent_gd)
    assert set(campaigns_visible_to(user).values_list("title", flat=True)) == {
        "全区征集",
        "全区征集(已结束)",
        "广东省征集",
    }


def permitted_problems(user, world) -> set[str]:
    return {
        name
        for name, pk in world.items()
        if user.has_perm("problems.view_problem", Problem.objects.get(pk=pk))
    }


# admin_user is a superuser, for whom Django answers every has_perm with True.
@pytest.mark.parametrize("who", [who for who in EVERYONE if who != "admin_user"])
def test_view_permission_agrees_with_the_visible_queryset(who, world, request):
    user = request.getfixturevalue(who)
    assert permitted_problems(user, world) == visible_problems(user, world)


def test_view_permission_of_a_platform_admin_hides_drafts_as_the_queryset_does(world):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin")  # a platform admin without the superuser flag
    assert visible_problems(admin, world) == {
        "a_submitted",
        "a_closed",
        "b_screening",
        "gd_accepted",
    }
    assert permitted_problems(admin, world) == visible_problems(admin, world)
