"""experts.matching.conflicts: the pure conflict-of-interest rules."""

import pytest
from django.utils import translation

from experts.matching.conflicts import (
    ExpertFacts,
    Organisation,
    ProblemFacts,
    email_domain,
    hard_conflicts,
    is_webmail,
    likely_conflicts,
    org_key,
    org_stem,
)

ENTERPRISE = ProblemFacts(
    id=7,
    enterprise="新疆天业（集团）有限公司",
    credit_code="91650000228601591E",
    emails=("contact@tianye.com",),
)


@pytest.fixture(autouse=True)
def english():
    """The reasons are gettext strings; the assertions read them in English."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "name",
    [
        "新疆天业(集团)有限公司",
        "新疆天業（集團）有限公司",
        "新疆天业 集团 有限公司",
        "新疆天业集团有限公司",
    ],
)
def test_org_key_ignores_brackets_script_and_spaces(name):
    assert org_key(name) == org_key("新疆天业（集团）有限公司") == "新疆天业集团有限公司"


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("a@tianye.com", "tianye.com"),
        ("a@mail.tianye.com", "tianye.com"),
        ("a@xju.edu.cn", "xju.edu.cn"),
        ("a@mail.xju.edu.cn", "xju.edu.cn"),
        ("a@ms.xjb.ac.cn", "xjb.ac.cn"),
        ("a@TBEA.COM.CN", "tbea.com.cn"),
        ("broken", ""),
    ],
)
def test_email_domain_is_the_organisations_part(email, domain):
    assert email_domain(email) == domain


def test_webmail_includes_subdomains():
    assert is_webmail("vip.qq.com")
    assert is_webmail("163.com")
    assert not is_webmail("tianye.com")


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("新疆天业（集团）有限公司", "天业"),
        ("天业节水灌溉股份有限公司", "天业"),
        ("石河子天业化工有限责任公司", "天业"),
        ("中国石油天然气股份有限公司塔里木油田分公司", "中国石油"),
        ("中国石油集团西部钻探工程有限公司", "中国石油"),
        ("新疆大学", ""),
        ("新疆农业大学", ""),
        ("第八师石河子市天富能源股份有限公司", "天富"),
        ("TBEA", ""),
    ],
)
def test_org_stem(name, stem):
    assert org_stem(name) == stem


def test_employer_equal_to_enterprise_is_hard():
    expert = ExpertFacts(employer="新疆天業(集團)有限公司")
    assert hard_conflicts(expert, ENTERPRISE) == [
        "works for the submitting enterprise (新疆天業(集團)有限公司)"
    ]


def test_declared_organisation_by_credit_code_is_hard():
    expert = ExpertFacts(
        employer="石河子大学",
        declared=(Organisation("天业", credit_code="91650000228601591e"),),
    )
    assert hard_conflicts(expert, ENTERPRISE) == ["declared a conflict with 天业"]


def test_conflict_on_the_problem_is_hard():
    expert = ExpertFacts(employer="石河子大学", conflict_problems=frozenset({7}))
    assert hard_conflicts(expert, ENTERPRISE) == ["declared a conflict on this problem"]
    assert hard_conflicts(expert, ProblemFacts(id=8, enterprise="别的公司")) == []


def test_unrelated_expert_has_no_conflict():
    expert = ExpertFacts(employer="石河子大学", email="a@shzu.edu.cn")
    assert hard_conflicts(expert, ENTERPRISE) == []
    assert likely_conflicts(expert, ENTERPRISE) == []


def test_same_domain_and_same_group_are_both_flagged():
    expert = ExpertFacts(employer="天业节水灌溉股份有限公司", email="li@mail.tianye.com")
    assert hard_conflicts(expert, ENTERPRISE) == []
    assert likely_conflicts(expert, ENTERPRISE) == [
        "same e-mail domain as the enterprise (tianye.com)",
        "employer 天业节水灌溉股份有限公司 shares the name 天业 with the enterprise",
    ]


def test_taiwan_words_compare_equal_but_place_names_stay():
    assert org_key("新疆晶矽材料有限公司") == org_key("新疆晶硅材料有限公司")
    assert org_key("伊犁哈薩克自治州牧業公司") == "伊犁哈萨克自治州牧业公司"
    assert hard_conflicts(
        ExpertFacts(employer="新疆晶矽材料(有限)公司"),
        ProblemFacts(id=1, enterprise="新疆晶硅材料有限公司"),
    ) == ["works for the submitting enterprise (新疆晶矽材料(有限)公司)"]
