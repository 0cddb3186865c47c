"""Every page works under the strict Content-Security-Policy (no inline script or style): staff,
an enterprise, an expert and an official log in in headless Chromium and go through their main
pages (home, lists, a detail page, the dashboard's charts with a tooltip shown, the report
editor's live preview, forms with tom-select widgets). Not one `securitypolicyviolation`
event, not one console error (Chromium logs a refused inline style or script as one)."""

import pytest
from playwright.sync_api import expect

from accounts.models import TOTPDevice, User
from accounts.twofactor import new_secret, time_step, totp_code
from tests.browser.conftest import log_in, needs_browser, tom_select
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    ExpertFactory,
    GovernmentBodyFactory,
    ProblemFactory,
    ReadyProblemFactory,
    TopicFactory,
    UserFactory,
    issued_report,
    region,
)

pytestmark = [
    pytest.mark.browser,
    needs_browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Installed before any page script runs, on every page the tab opens.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    [event.violatedDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber,
     event.sample].join(" | "));
});
"""


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def visit(page, url: str, *, ready: str = "main") -> None:
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    assert page.evaluate("() => document.readyState") == "complete"
    assert violations(page) == [], url


@pytest.fixture
def csp_page(browser_page):
    def make():
        page = browser_page()
        page.context.add_init_script(WATCH_VIOLATIONS)
        # Chromium's console names no URL for a failed load: keep them for the message.
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and page.console_errors.append(f"{response.status} {response.url}")
            ),
        )
        return page

    return make


def test_staff_pages_raise_no_policy_violation(live_server, csp_page, staff_xj):
    base = live_server.url
    ProblemFactory(title="高温合金叶片精密铸造缺陷控制")
    problem = ReadyProblemFactory(title="棉花机采清杂装备可靠性")
    issued_report(
        by=staff_xj, addressees=[GovernmentBodyFactory()], title="关于加快膜下滴灌装备国产化的建议"
    )
    page = csp_page()
    log_in(page, base, staff_xj.username)

    visit(page, f"{base}/")
    visit(page, f"{base}/problems/", ready="table")
    visit(page, f"{base}/problems/{problem.pk}/", ready="h1")
    visit(page, f"{base}/experts/", ready="h1")
    visit(page, f"{base}/consult/topics/", ready="h1")
    visit(page, f"{base}/consult/topics/new/", ready="form .ts-wrapper")

    # The dashboard: every chart drawn (SVG), a tooltip shown on the first one.
    visit(page, f"{base}/consult/dashboard/", ready="[data-chart] svg")
    chart = page.locator("[data-chart]").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(300)
    assert violations(page) == []

    # The report editor: tom-select for the addressees, the live preview of the body.
    visit(page, f"{base}/consult/reports/new/", ready="form .ts-wrapper")
    body = "## 一、总体情况\n\n| 甲 | 乙 |\n|:-:|--:|\n| 1 | 2 |\n"
    page.fill("textarea[data-preview-url]", body)
    expect(page.locator("#report-preview h2")).to_have_text("一、总体情况")
    expect(page.locator("#report-preview td.align-center")).to_have_text("1")
    assert violations(page) == []
    assert page.console_errors == []


def test_enterprise_expert_and_official_pages_raise_no_policy_violation(
    live_server, csp_page, ent_a_user, expert_user, official_user, staff_xj
):
    base = live_server.url
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, title="煤化工废水零排放")
    assignment = AssignmentFactory(expert=expert_user.expert, problem=ReadyProblemFactory())
    TopicFactory(lead_expert=expert_user.expert)
    report = issued_report(
        by=staff_xj,
        addressees=[official_user.government_body],
        title="关于风电机组主控系统改造的建议",
    )

    enterprise = csp_page()
    log_in(enterprise, base, ent_a_user.username)
    visit(enterprise, f"{base}/")
    visit(enterprise, f"{base}/problems/", ready="h1")
    visit(enterprise, f"{base}/problems/{problem.pk}/", ready="h1")
    visit(enterprise, f"{base}/problems/new/", ready="form .ts-wrapper")
    tom_select(enterprise, "industry", "C26")
    assert violations(enterprise) == []
    assert enterprise.console_errors == []

    expert = csp_page()
    log_in(expert, base, expert_user.username)
    visit(expert, f"{base}/")
    visit(expert, f"{base}/experts/assignments/", ready="h1")
    visit(expert, f"{base}/experts/assignments/{assignment.pk}/", ready="h1")
    visit(expert, f"{base}/experts/me/", ready="h1")
    visit(expert, f"{base}/consult/topics/", ready="h1")
    assert expert.console_errors == []

    official = csp_page()
    log_in(official, base, official_user.username)
    visit(official, f"{base}/")
    visit(official, f"{base}/consult/reports/", ready="table")
    visit(official, f"{base}/consult/reports/{report.pk}/", ready="h1.paper-title")
    # Two-factor set-up: the QR code is a data: image the policy allows.
    visit(official, f"{base}/accounts/two-factor/", ready="main form button.btn")
    official.locator("main form button.btn").click()
    qr = official.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert violations(official) == []
    assert official.console_errors == []


def test_the_admin_raises_no_policy_violation(live_server, csp_page):
    admin = UserFactory(
        username="csp_admin", role=User.Role.ADMIN, is_superuser=True, is_staff=True
    )
    ExpertFactory(region=region("650000"))
    page = csp_page()
    log_in(page, live_server.url, admin.username)

    visit(page, f"{live_server.url}/admin/", ready="#content")
    visit(page, f"{live_server.url}/admin/accounts/user/", ready="#changelist")
    visit(page, f"{live_server.url}/admin/accounts/user/{admin.pk}/change/", ready="form")
    visit(page, f"{live_server.url}/admin/experts/expert/export/", ready="form")
    assert page.console_errors == []


def test_the_two_factor_login_raises_no_policy_violation(live_server, csp_page, official_user):
    device = TOTPDevice.objects.create(
        user=official_user, secret=new_secret(), confirmed_at="2026-12-01T08:00Z"
    )
    page = csp_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", official_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("input[name=code]")).to_be_focused()
    page.fill("input[name=code]", totp_code(device.secret, time_step()))
    page.locator("main form button.btn").click()

    expect(page.locator("form[action$='/logout/']")).to_have_count(1)
    assert violations(page) == []
    assert page.console_errors == []
