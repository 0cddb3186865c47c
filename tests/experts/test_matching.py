"""experts.matching: ranking with reasons, Traditional/Simplified, false friends, exclusions,
flags, societies, and the suggest_experts command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from experts.matching import suggest_experts, suggest_societies
from experts.models import DeclaredConflict, ProblemConflict
from problems.models import Problem
from tests.factories import (
    EnterpriseFactory,
    ExpertFactory,
    ProblemFactory,
    SocietyFactory,
    discipline,
    industry,
    region,
)

pytestmark = pytest.mark.django_db

READY = Problem.Status.READY


@pytest.fixture(autouse=True)
def english():
    """The reasons are gettext strings; the assertions read them in English."""
    with translation.override("en"):
        yield


def problem_about(title, bottleneck, *, industry_code="C38", enterprise=None, **extra):
    enterprise = enterprise or EnterpriseFactory(industry=industry(industry_code))
    return ProblemFactory(
        enterprise=enterprise,
        title=title,
        bottleneck=bottleneck,
        expected_goal="",
        industry=industry(industry_code),
        status=READY,
        **extra,
    )


def ranked_refs(problem, top=10):
    return [s.expert_ref for s in suggest_experts(problem, top=top)]


@pytest.fixture
def battery_pool():
    """Experts on lithium batteries, photovoltaics and an unrelated field."""
    return {
        "lithium": ExpertFactory(
            ref="E-LI",
            research_directions="锂离子电池正极材料\n高镍三元材料",
            disciplines=[discipline("430"), discipline("530")],
        ),
        "pv": ExpertFactory(
            ref="E-PV",
            research_directions="光伏电池组件封装\n晶硅电池效率",
            disciplines=[discipline("470")],
        ),
        "sheep": ExpertFactory(
            ref="E-SHEEP",
            research_directions="细毛羊育种",
            disciplines=[discipline("230")],
        ),
    }


def test_traditional_problem_finds_simplified_expert(battery_pool):
    problem = problem_about("鋰電池正極材料國產化", "高鎳三元正極材料循環壽命不足。")
    assert ranked_refs(problem)[0] == "E-LI"


def test_simplified_problem_finds_traditional_expert():
    ExpertFactory(ref="E-TRAD", research_directions="鋰離子電池正極材料", employer="新疆大學")
    ExpertFactory(ref="E-OTHER", research_directions="棉花栽培", disciplines=[discipline("210")])
    problem = problem_about("锂离子电池正极材料", "正极材料依赖进口。")
    assert ranked_refs(problem) == ["E-TRAD"]


def test_full_width_text_matches_half_width():
    ExpertFactory(ref="E-PLC", research_directions="PLC 控制系统")
    problem = problem_about("ＰＬＣ控制系统国产化", "ＰＬＣ依赖进口。", industry_code="C40")
    assert ranked_refs(problem)[0] == "E-PLC"


def test_suggestion_explains_terms_disciplines_region_and_load(battery_pool):
    problem = problem_about("锂电池正极材料", "高镍三元材料寿命短。", region=region("650102"))
    best = suggest_experts(problem, top=1)[0]
    assert best.expert_ref == "E-LI"
    assert any("正极" in term for term in best.terms)
    assert best.reasons[0].startswith("Matched terms: ") or best.reasons[0].startswith("匹配词")
    assert best.load == 0
    assert best.capacity == 3
    assert len(best.reasons) == 4


def test_discipline_affinity_keeps_false_friend_down():
    """膜 in 膜下滴灌 (agronomy) vs 反渗透膜 (chemical engineering)."""
    ExpertFactory(
        ref="E-RO",
        research_directions="反渗透膜材料\n膜分离与水处理",
        disciplines=[discipline("530")],
    )
    ExpertFactory(
        ref="E-DRIP",
        research_directions="棉花节水灌溉\n水肥一体化",
        disciplines=[discipline("210"), discipline("570")],
    )
    problem = problem_about(
        "膜下滴灌水肥一体化技术",
        "棉田膜下滴灌水肥利用率低，盐碱地滴灌系统堵塞。",
        industry_code="A01",
    )
    assert ranked_refs(problem)[0] == "E-DRIP"


def test_battery_false_friend_ranks_by_field(battery_pool):
    problem = problem_about(
        "光伏电池片效率提升", "晶硅光伏电池转换效率低于国外。", industry_code="C38"
    )
    refs = ranked_refs(problem)
    assert refs.index("E-PV") < refs.index("E-LI")


def test_employer_of_submitting_enterprise_is_never_suggested():
    enterprise = EnterpriseFactory(name="新疆天业（集团）有限公司", industry=industry("C29"))
    ExpertFactory(ref="E-SAME", employer="新疆天業(集團)有限公司", research_directions="滴灌带")
    ExpertFactory(
        ref="E-DEPT", employer="新疆天业集团有限公司技术中心", research_directions="滴灌带"
    )
    ExpertFactory(ref="E-FREE", employer="石河子大学", research_directions="滴灌带")
    problem = problem_about("滴灌带", "滴灌带老化。", enterprise=enterprise)
    assert ranked_refs(problem) == ["E-FREE"]


def test_declared_organisation_and_problem_conflicts_exclude():
    enterprise = EnterpriseFactory(name="新疆众和股份有限公司", industry=industry("C32"))
    by_name = ExpertFactory(ref="E-DECL", research_directions="高纯铝提纯")
    DeclaredConflict.objects.create(
        expert=by_name, organisation="新疆众和股份有限公司 ", kind="financial"
    )
    by_code = ExpertFactory(ref="E-CODE", research_directions="高纯铝提纯")
    DeclaredConflict.objects.create(
        expert=by_code, organisation="众和公司", credit_code=enterprise.credit_code, kind="other"
    )
    on_problem = ExpertFactory(ref="E-PROB", research_directions="高纯铝提纯")
    ExpertFactory(ref="E-OK", research_directions="高纯铝提纯")
    problem = problem_about("高纯铝提纯", "偏析法提纯。", enterprise=enterprise)
    ProblemConflict.objects.create(expert=on_problem, problem=problem)
    assert ranked_refs(problem) == ["E-OK"]


def test_same_email_domain_is_flagged_not_hidden():
    enterprise = EnterpriseFactory(contact_email="wang@tbea.com", industry=industry("C38"))
    ExpertFactory(ref="E-DOM", email="li@tbea.com", research_directions="变压器绝缘")
    problem = problem_about("变压器绝缘材料", "绝缘纸依赖进口。", enterprise=enterprise)
    [suggestion] = suggest_experts(problem)
    assert suggestion.flags == ["same e-mail domain as the enterprise (tbea.com)"]


@pytest.mark.parametrize(
    "domain",
    [
        "qq.com",
        "163.com",
        "126.com",
        "139.com",
        "sina.com",
        "sohu.com",
        "yeah.net",
        "foxmail.com",
        "aliyun.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
    ],
)
def test_webmail_domains_are_not_flagged(domain):
    enterprise = EnterpriseFactory(contact_email=f"boss@{domain}", industry=industry("C38"))
    ExpertFactory(ref="E-WEB", email=f"me@{domain}", research_directions="变压器绝缘")
    problem = problem_about("变压器绝缘材料", "绝缘纸依赖进口。", enterprise=enterprise)
    assert suggest_experts(problem)[0].flags == []


def test_same_group_company_is_flagged():
    enterprise = EnterpriseFactory(name="新疆天业（集团）有限公司", industry=industry("C29"))
    ExpertFactory(ref="E-GROUP", employer="天业节水灌溉股份有限公司", research_directions="滴灌带")
    problem = problem_about("滴灌带", "滴灌带老化。", enterprise=enterprise)
    [suggestion] = suggest_experts(problem)
    assert suggestion.flags == [
        "employer 天业节水灌溉股份有限公司 shares the name 天业 with the enterprise"
    ]


def test_expert_ids_restrict_the_ranking(battery_pool):
    problem = problem_about("锂电池正极材料", "高镍三元材料寿命短。")
    only = [battery_pool["pv"].pk]
    assert [s.expert_ref for s in suggest_experts(problem, expert_ids=only)] == ["E-PV"]


def test_new_expert_is_found_without_restart(battery_pool):
    problem = problem_about("细毛羊育种", "细毛羊繁殖率低。", industry_code="A03")
    assert ranked_refs(problem)[0] == "E-SHEEP"
    ExpertFactory(ref="E-SHEEP2", research_directions="细毛羊育种\n细毛羊繁殖")
    assert "E-SHEEP2" in ranked_refs(problem)


def test_societies_rank_by_disciplines_and_members(battery_pool):
    chem = SocietyFactory(
        name="新疆化学会", disciplines=[discipline("530")], members=[battery_pool["lithium"]]
    )
    SocietyFactory(name="新疆畜牧兽医学会", disciplines=[discipline("230")])
    problem = problem_about("锂电池正极材料", "高镍三元材料寿命短。")
    suggestions = suggest_societies(problem)
    assert suggestions[0].society_id == chem.pk
    assert any(reason.endswith(battery_pool["lithium"].name) for reason in suggestions[0].reasons)


# --- the command ------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("suggest_experts", *args, stdout=out)
    return out.getvalue()


def test_command_json_maps_refs_to_ranked_experts(battery_pool):
    problem = problem_about("锂电池正极材料", "高镍三元材料寿命短。", ref="P-1")
    problem_about("光伏", "草稿。", ref="P-DRAFT").__class__.objects.filter(ref="P-DRAFT").update(
        status=Problem.Status.DRAFT
    )
    payload = json.loads(run("--all", "--top", "2", "--format", "json"))
    assert list(payload) == ["P-1"]
    assert [row["expert"] for row in payload["P-1"]] == ["E-LI", "E-PV"]
    assert set(payload["P-1"][0]) == {"expert", "score", "reasons", "flags"}
    assert isinstance(payload["P-1"][0]["score"], float)
    assert problem.pk


def test_command_all_skips_closed_and_unscreened(battery_pool):
    for ref, status in [
        ("P-ACC", Problem.Status.ACCEPTED),
        ("P-CONF", Problem.Status.CONFIDENTIALITY),
        ("P-READY", Problem.Status.READY),
        ("P-CLOSED", Problem.Status.CLOSED),
        ("P-SUB", Problem.Status.SUBMITTED),
    ]:
        p = problem_about("锂电池正极材料", "寿命短。", ref=ref)
        Problem.objects.filter(pk=p.pk).update(status=status)
    payload = json.loads(run("--all", "--format", "json"))
    assert sorted(payload) == ["P-ACC", "P-CONF", "P-READY"]


def test_command_table_for_one_problem(battery_pool):
    problem_about("锂电池正极材料", "高镍三元材料寿命短。", ref="P-1")
    out = run("--problem", "P-1", "--top", "1")
    assert "E-LI" in out
    assert "E-PV" not in out


def test_command_unknown_problem_is_an_error():
    with pytest.raises(CommandError, match="no problem"):
        run("--problem", "NOPE")
