"""Health check, login, the home page of every role, and self-registration."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from accounts.models import User
from experts.models import Expert
from problems.models import Enterprise, EnterpriseEvent, Problem
from tests.conftest import english_client
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    EnterpriseFactory,
    ExpertFactory,
    ProblemFactory,
    UserFactory,
    region,
)

S = Problem.Status
YEAR = timezone.localdate().year


@pytest.fixture(name="english_client")
def english_client_fixture() -> Client:
    # The catalogue for zh-hans translates the messages; English keeps assertions stable.
    return english_client()


@pytest.mark.django_db
def test_pages_stay_chinese_whatever_the_browser_language(client):
    response = client.get("/accounts/login/", headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "登录" in html


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- health and login -----------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    # A real unreachable database: a separate process whose DATABASE_URL points at a SQLite
    # file in a directory that does not exist, so connecting fails.
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, json.dumps(r.json()))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == '503 {"status": "error", "database": "unreachable"}'


@pytest.mark.django_db
def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_login_page_is_in_simplified_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html


def test_login_with_the_password_lands_on_home(client, ent_a_user):
    response = client.post("/accounts/login/", {"username": "ent_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(ent_a_user.pk)


def test_login_with_a_wrong_password_stays_anonymous(client, ent_a_user):
    response = client.post("/accounts/login/", {"username": "ent_a", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/problems/", "/problems/campaigns/", "/experts/"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


# --- home pages -----------------------------------------------------------------------------


def test_enterprise_home_lists_its_own_problems_and_open_campaigns(client_for, ent_a_user, ent_b):
    ent_a = ent_a_user.enterprise
    ProblemFactory(enterprise=ent_a, title="甲-草稿问题")
    ProblemFactory(enterprise=ent_a, title="甲-退回问题", status=S.RETURNED, number="KBZ-2026-0007")
    ProblemFactory(enterprise=ent_a, title="甲-已提交问题", status=S.SUBMITTED)
    ProblemFactory(enterprise=ent_b, title="乙-别人的问题", status=S.SUBMITTED)
    CampaignFactory(title="全区第一批征集", region=region("650000"))
    CampaignFactory(title="喀什地区专项征集", region=region("653100"))

    response = client_for(ent_a_user).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "accounts/home_enterprise.html"
    assert response.context["counts"] == {"drafts": 1, "returned": 1, "total": 3}
    html = response.content.decode()
    for title in ("甲-草稿问题", "甲-退回问题", "甲-已提交问题", "KBZ-2026-0007", "全区第一批征集"):
        assert title in html
    assert "乙-别人的问题" not in html
    assert "喀什地区专项征集" not in html


def test_pending_enterprise_home_says_so_and_offers_no_campaigns(client_for):
    user = UserFactory(enterprise=EnterpriseFactory(pending=True))
    CampaignFactory(title="全区第一批征集")
    response = client_for(user).get("/")
    html = response.content.decode()
    assert "Your registration is waiting for the CAST of your region to verify it." in html
    assert response.context["campaigns"] == []
    assert "全区第一批征集" not in html


@pytest.fixture
def screening_world(ent_a_user, ent_b_user):
    """塔城: a draft, two submitted, one under screening; 喀什: one submitted; 广东: one
    resubmitted. Plus enterprises and experts awaiting verification in both prefectures."""
    ent_a, ent_b = ent_a_user.enterprise, ent_b_user.enterprise
    ProblemFactory(enterprise=ent_a, title="塔城-草稿")
    ProblemFactory(enterprise=ent_a, title="塔城-待审1", status=S.SUBMITTED, number="KBZ-T-1")
    ProblemFactory(enterprise=ent_a, title="塔城-待审2", status=S.SUBMITTED, number="KBZ-T-2")
    ProblemFactory(enterprise=ent_a, title="塔城-筛选中", status=S.SCREENING)
    ProblemFactory(enterprise=ent_b, title="喀什-待审", status=S.SUBMITTED, number="KBZ-K-1")
    gd = EnterpriseFactory(name="广东丁电子有限公司", region=region("440000"))
    ProblemFactory(enterprise=gd, title="广东-重新提交", status=S.RESUBMITTED, number="KBZ-G-1")
    EnterpriseFactory(pending=True, region=region("654201"))
    EnterpriseFactory(pending=True, region=region("653101"))
    ExpertFactory(verified=False, region=region("654201"))
    ExpertFactory(verified=False, region=region("653101"))
    ExpertFactory(verified=True, region=region("654201"))


def staff_counts(response) -> dict[str, int]:
    return {value: n for value, _label, n in response.context["states"] if n}


def test_prefecture_staff_home_counts_its_own_queue(client_for, staff_tc, screening_world):
    response = client_for(staff_tc).get("/")

    assert response.templates[0].name == "accounts/home_staff.html"
    assert staff_counts(response) == {S.SUBMITTED: 2, S.SCREENING: 1}
    assert response.context["total"] == 3
    assert [p.title for p in response.context["waiting"]] == ["塔城-待审1", "塔城-待审2"]
    assert (response.context["pending_enterprises"], response.context["pending_experts"]) == (1, 1)
    html = response.content.decode()
    assert "KBZ-T-1 塔城-待审1" in html
    assert "喀什-待审" not in html
    assert "1 enterprise awaiting verification" in html
    assert "1 expert profile awaiting verification" in html


def test_root_staff_home_counts_everything_not_drafts(client_for, staff_xj, screening_world):
    response = client_for(staff_xj).get("/")

    assert staff_counts(response) == {S.SUBMITTED: 3, S.SCREENING: 1, S.RESUBMITTED: 1}
    assert response.context["total"] == 5
    assert {p.title for p in response.context["waiting"]} == {
        "塔城-待审1",
        "塔城-待审2",
        "喀什-待审",
        "广东-重新提交",
    }
    assert (response.context["pending_enterprises"], response.context["pending_experts"]) == (2, 2)
    html = response.content.decode()
    assert "2 enterprises awaiting verification" in html
    assert "塔城-草稿" not in html


def test_platform_admin_gets_the_staff_home(client_for, admin_user, screening_world):
    response = client_for(admin_user).get("/")
    assert response.templates[0].name == "accounts/home_staff.html"
    assert response.context["total"] == 5


def test_expert_home_shows_the_profile_and_societies(client_for, expert_user):
    expert = Expert.objects.get(user=expert_user)
    from tests.factories import SocietyFactory

    SocietyFactory(name="新疆材料学会", members=[expert])
    response = client_for(expert_user).get("/")
    assert response.templates[0].name == "accounts/home_expert.html"
    html = response.content.decode()
    for text in ("张教授", "ZJ-T-CAST", "新疆大学", "新疆材料学会"):
        assert text in html


def test_official_home_names_the_government_body(client_for, official_user):
    response = client_for(official_user).get("/")
    assert response.templates[0].name == "accounts/home_official.html"
    assert "No advisory report has been issued to 自治区人民政府办公厅 yet." in (
        response.content.decode()
    )


def test_society_admin_home_lists_the_society_and_its_members(client_for, society_admin_user):
    society = society_admin_user.administered_societies.get()
    society.members.set([ExpertFactory(name="王研究员"), ExpertFactory(name="赵高工")])
    response = client_for(society_admin_user).get("/")
    assert response.templates[0].name == "accounts/home_society.html"
    html = response.content.decode()
    for text in ("新疆化学化工学会", "2 members", "王研究员", "赵高工"):
        assert text in html


def test_a_user_without_a_role_gets_the_holding_page(client_for):
    response = client_for(UserFactory(role="")).get("/")
    assert response.templates[0].name == "accounts/home_none.html"


# --- enterprise registration ----------------------------------------------------------------


def enterprise_form(**overrides) -> dict:
    return {
        "name": "塔城丙机械有限公司",
        "credit_code": "  91350100m000100y43 ",
        "region": "654201",
        "industry": "C26",
        "address": "塔城市光明路 1 号",
        "contact_name": "赵经理",
        "contact_phone": "13999999999",
        "contact_email": "zhao@example.cn",
        "username": "bing",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


@pytest.mark.django_db
def test_enterprise_registration_creates_pending_enterprise_and_logs_in(english_client):
    response = english_client.post("/accounts/register/enterprise/", enterprise_form())

    assert response.status_code == 302
    assert response["Location"] == "/"
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.credit_code, enterprise.region_id, enterprise.status) == (
        "塔城丙机械有限公司",
        "91350100M000100Y43",
        "654201",
        Enterprise.Status.PENDING,
    )
    user = User.objects.get()
    assert (user.username, user.role, user.enterprise) == ("bing", User.Role.ENTERPRISE, enterprise)
    assert list(EnterpriseEvent.objects.values_list("enterprise", "actor", "to_status")) == [
        (enterprise.pk, user.pk, Enterprise.Status.PENDING)
    ]
    assert english_client.session["_auth_user_id"] == str(user.pk)
    assert messages_of(response) == [
        "Registration received. The CAST of your region will verify your enterprise; you can "
        "prepare problem drafts meanwhile."
    ]
    home = english_client.get("/")
    assert "塔城丙机械有限公司" in home.content.decode()


@pytest.mark.django_db
def test_enterprise_registration_with_a_bad_credit_code_rerenders_the_form(english_client):
    response = english_client.post(
        "/accounts/register/enterprise/", enterprise_form(credit_code="91350100M000100Y44")
    )

    assert response.status_code == 200
    message = (
        "The check character (18th) of the unified social credit code should be “3” but is "
        "“4”; please check the code."
    )
    assert response.context["form"].errors == {"credit_code": [message]}
    assert message in response.content.decode()
    assert (Enterprise.objects.count(), User.objects.count(), EnterpriseEvent.objects.count()) == (
        0,
        0,
        0,
    )
    assert "_auth_user_id" not in english_client.session


def test_enterprise_registration_refuses_a_registered_credit_code(english_client, ent_a):
    response = english_client.post(
        "/accounts/register/enterprise/",
        enterprise_form(credit_code=ent_a.credit_code.lower()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "credit_code": [
            "An enterprise with this credit code is already registered. Ask a colleague who has "
            "an account, or the CAST of your region, to add you."
        ]
    }
    assert Enterprise.objects.count() == 1
    assert User.objects.count() == 0


def test_enterprise_registration_refuses_a_taken_username(english_client, ent_a_user):
    response = english_client.post(
        "/accounts/register/enterprise/", enterprise_form(username="ENT_A")
    )
    assert response.context["form"].errors == {
        "username": ["This username is taken; please choose another."]
    }
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_enterprise_registration_checks_the_passwords(english_client):
    response = english_client.post(
        "/accounts/register/enterprise/", enterprise_form(password2="something-else-2026")
    )
    assert response.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert Enterprise.objects.count() == 0


# --- expert registration --------------------------------------------------------------------


def expert_form(**overrides) -> dict:
    return {
        "name": "刘研究员",
        "gender": "F",
        "employer": "中国科学院新疆理化技术研究所",
        "title": "研究员",
        "research_directions": "光电材料\n晶体生长",
        "region": "650100",
        "email": " Liu@Example.CN ",
        "mobile": "138-0000 0000",
        "username": "liu",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


@pytest.mark.django_db
def test_expert_registration_creates_an_unverified_profile_and_logs_in(english_client):
    response = english_client.post("/accounts/register/expert/", expert_form())

    assert response.status_code == 302
    assert response["Location"] == "/"
    expert = Expert.objects.select_related("user").get()
    assert (expert.name, expert.email, expert.mobile, expert.ref, expert.verified) == (
        "刘研究员",
        "liu@example.cn",
        "13800000000",
        f"ZJ-{YEAR}-00001",
        False,
    )
    assert (expert.user.username, expert.user.role) == ("liu", User.Role.EXPERT)
    assert english_client.session["_auth_user_id"] == str(expert.user.pk)
    home = english_client.get("/").content.decode()
    assert "Your profile is waiting for staff verification." in home
    assert f"ZJ-{YEAR}-00001" in home


@pytest.mark.django_db
def test_expert_registration_refuses_a_bad_mobile(english_client):
    response = english_client.post("/accounts/register/expert/", expert_form(mobile="12345"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "mobile": ["Enter a mainland mobile number: 11 digits starting with 13–19."]
    }
    assert (Expert.objects.count(), User.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_registration_chooser_links_both_forms(client):
    html = client.get("/accounts/register/").content.decode()
    assert 'href="/accounts/register/enterprise/"' in html
    assert 'href="/accounts/register/expert/"' in html


def test_an_enterprise_account_not_linked_to_an_enterprise_gets_the_holding_page(client_for):
    response = client_for(UserFactory(role=User.Role.ENTERPRISE, enterprise=None)).get("/")
    assert response.templates[0].name == "accounts/home_none.html"
