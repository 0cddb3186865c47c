"""The talent search and the society list: every filter, sorting, and an N+1 guard."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ExpertFactory, SocietyFactory, discipline, region


def names(response) -> list[str]:
    return [row.name for row in response.context["page"]]


@pytest.fixture
def staff(client_for, staff_tc):
    return client_for(staff_tc)


# --- free text ------------------------------------------------------------------------------


@pytest.fixture
def battery_experts(db):
    ExpertFactory(name="甲", research_directions="锂电池正极材料")
    ExpertFactory(name="乙", research_directions="鋰電池 正極")  # Traditional, spaced
    ExpertFactory(name="丙", research_directions="锂电池负极材料")
    ExpertFactory(name="丁", research_directions="钠离子电池")


def test_traditional_query_finds_simplified_text(staff, battery_experts):
    assert names(staff.get("/experts/", {"q": "鋰電池"})) == ["丙", "乙", "甲"]


def test_query_is_insensitive_to_segmentation_and_spaces(staff, battery_experts):
    assert names(staff.get("/experts/", {"q": "锂电池正极"})) == ["乙", "甲"]
    assert names(staff.get("/experts/", {"q": "锂电池  正极"})) == ["乙", "甲"]


def test_query_matches_name_employer_title_and_reference(staff):
    ExpertFactory(name="王建国", employer="石河子大学", title="教授", ref="ZJ-2026-00077")
    ExpertFactory(name="赵敏", employer="新疆大学", title="高级工程师")
    for query in ("王建国", "石河子", "ZJ-2026-00077", "zj-2026-00077"):
        assert names(staff.get("/experts/", {"q": query})) == ["王建国"], query
    assert names(staff.get("/experts/", {"q": "高級工程師"})) == ["赵敏"]


# --- field filters --------------------------------------------------------------------------


def test_first_level_discipline_matches_its_children_once(staff):
    ExpertFactory(name="甲", disciplines=[discipline("230"), discipline("23010")])
    ExpertFactory(name="乙", disciplines=[discipline("23010")])
    ExpertFactory(name="丙", disciplines=[discipline("530")])

    assert names(staff.get("/experts/", {"discipline": "230"})) == ["乙", "甲"]
    assert names(staff.get("/experts/", {"discipline": "23010"})) == ["乙", "甲"]
    assert names(staff.get("/experts/", {"discipline": "530"})) == ["丙"]
    assert names(staff.get("/experts/", {"discipline": "590"})) == []


def test_region_filter_includes_the_regions_inside(staff):
    ExpertFactory(name="塔城市专家", region=region("654201"))
    ExpertFactory(name="塔城地区专家", region=region("654200"))
    ExpertFactory(name="喀什专家", region=region("653101"))
    assert names(staff.get("/experts/", {"region": "654200"})) == ["塔城地区专家", "塔城市专家"]
    assert names(staff.get("/experts/", {"region": "653101"})) == ["喀什专家"]


def test_name_employer_title_availability_and_verification_filters(staff):
    ExpertFactory(name="王一", employer="新疆大学", title="教授", accepting=True)
    ExpertFactory(name="王二", employer="石河子大学", title="副教授", accepting=False)
    ExpertFactory(name="李三", employer="新疆农业大学", title="研究员", verified=False)

    assert names(staff.get("/experts/", {"name": "王"})) == ["王一", "王二"]
    assert names(staff.get("/experts/", {"employer": "新疆"})) == ["李三", "王一"]
    assert names(staff.get("/experts/", {"title": "副教授"})) == ["王二"]
    assert names(staff.get("/experts/", {"accepting": "false"})) == ["王二"]
    assert names(staff.get("/experts/", {"verified": "false"})) == ["李三"]
    assert names(staff.get("/experts/", {"name": "王", "accepting": "true"})) == ["王一"]


def test_sorting(staff):
    now = timezone.now()
    ExpertFactory(name="乙", employer="c", region=region("654201"), created_at=now)
    ExpertFactory(
        name="甲", employer="a", region=region("653101"), created_at=now - datetime.timedelta(1)
    )
    ExpertFactory(
        name="丙", employer="b", region=region("650100"), created_at=now - datetime.timedelta(2)
    )
    assert names(staff.get("/experts/", {"o": "name"})) == ["丙", "乙", "甲"]
    assert names(staff.get("/experts/", {"o": "employer"})) == ["甲", "丙", "乙"]
    assert names(staff.get("/experts/", {"o": "-region"})) == ["乙", "甲", "丙"]
    assert names(staff.get("/experts/", {"o": "-registered"})) == ["乙", "甲", "丙"]


def test_rows_link_to_the_profile_and_show_disciplines(staff):
    expert = ExpertFactory(name="王一", disciplines=[discipline("110"), discipline("11011")])
    html = staff.get("/experts/").content.decode()
    assert f'<a href="/experts/{expert.pk}/">王一</a>' in html
    assert "数学、数学史" in html


def test_a_bad_filter_lists_nothing_and_says_why(staff):
    ExpertFactory()
    response = staff.get("/experts/", {"discipline": "999"})
    assert list(response.context["page"]) == []
    assert list(response.context["filter"].errors) == ["discipline"]


@pytest.mark.parametrize("n", [1, 3])
def test_expert_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for _ in range(n):
        ExpertFactory(region=region("654201"), disciplines=[discipline("230"), discipline("530")])
    client = client_for(staff_tc)
    # session, user, the chosen discipline, is-it-a-reference, count, rows, their disciplines,
    # and the region and discipline choices of the filter form
    with django_assert_num_queries(10):
        response = client.get("/experts/", {"discipline": "230", "q": "精细化工"})
    assert len(response.context["page"]) == n


# --- societies ------------------------------------------------------------------------------


def test_society_filters(staff):
    SocietyFactory(name="新疆畜牧兽医学会", disciplines=[discipline("230"), discipline("23010")])
    SocietyFactory(
        name="塔城地区化工学会",
        level="prefecture",
        region=region("654200"),
        disciplines=[discipline("530")],
    )
    SocietyFactory(name="新疆大学科协", level="university", region=region("650100"))

    def listed(**params) -> list[str]:
        return names(staff.get("/experts/societies/", params))

    assert listed() == ["塔城地区化工学会", "新疆大学科协", "新疆畜牧兽医学会"]
    assert listed(name="新疆") == ["新疆大学科协", "新疆畜牧兽医学会"]
    assert listed(level="prefecture") == ["塔城地区化工学会"]
    assert listed(discipline="230") == ["新疆畜牧兽医学会"]
    assert listed(discipline="530") == ["塔城地区化工学会"]
    assert listed(region="654200") == ["塔城地区化工学会"]
    assert listed(region="650000") == ["塔城地区化工学会", "新疆大学科协", "新疆畜牧兽医学会"]


def test_society_rows_show_disciplines_and_member_counts(staff):
    society = SocietyFactory(
        name="新疆数学会",
        disciplines=[discipline("110")],
        members=[ExpertFactory(), ExpertFactory()],
    )
    response = staff.get("/experts/societies/")
    (row,) = response.context["page"]
    assert (row.n_members, [d.code for d in row.disciplines.all()]) == (2, ["110"])
    assert f'<a href="/experts/societies/{society.pk}/">新疆数学会</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("n", [1, 3])
def test_society_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for _ in range(n):
        SocietyFactory(
            disciplines=[discipline("230"), discipline("590")],
            members=[ExpertFactory(), ExpertFactory()],
        )
    client = client_for(staff_tc)
    with django_assert_num_queries(9):
        response = client.get("/experts/societies/", {"discipline": "230"})
    assert len(response.context["page"]) == n


def test_an_admin_site_edit_reindexes_the_expert(client_for, admin_user, staff_tc):
    expert = ExpertFactory(name="旧名字", region=region("650100"))
    form = {
        "ref": expert.ref,
        "name": "新名字",
        "employer": "新疆大学",
        "region": "650100",
        "accepting": "on",
        "max_assignments": "3",
        "created_at_0": "2026-01-01",
        "created_at_1": "00:00:00",
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
    }
    response = client_for(admin_user).post(f"/admin/experts/expert/{expert.pk}/change/", form)
    assert response.status_code == 302
    assert names(client_for(staff_tc).get("/experts/", {"q": "新名字"})) == ["新名字"]
