"""Each role's main pages in a real browser, in the default Chinese UI: they render without
console errors, pass axe-core's WCAG 2.1 A/AA rules (no serious or critical violation), do
not overflow sideways at 1366×768 nor at 390 px wide, keep the main navigation reachable,
and can be used from the keyboard (Tab reaches the navigation and the form fields, and the
focused element shows a visible outline). A form sent empty shows its field errors in
Chinese.

Every page of a role is checked before the test fails, so one run lists every finding.
Skipped when Chromium or Playwright is missing (`make install` installs both)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    expect,
    horizontal_overflow,
    log_in,
    needs_browser,
    overflowing_elements,
)
from tests.factories import (
    AssignmentFactory,
    ExpertFactory,
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

REQUIRED = "这个字段是必填项。"

# Where the focused element is and whether it shows: an outline or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A tom-select widget shows the focus of its search input on the box around it.
  const style = getComputedStyle(el.closest(".ts-control") || el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    href: el.getAttribute("href") || "",
    text: (el.innerText || el.value || "").trim().slice(0, 40),
    // Focus on a native control's own inner part (the date input's calendar button) is drawn
    // by the browser itself; the element does not match :focus then.
    visible: outline || style.boxShadow !== "none" || !el.matches(":focus"),
    inNav: !!el.closest("nav.mainnav"),
  };
}"""


def check_page(page, base_url: str, path: str) -> list[str]:
    """Open `path` and check it at both sizes; the findings as readable lines."""
    findings = []
    for size in (DESKTOP, PHONE):
        # Loaded at each size, as a phone or a desktop would load it.
        page.set_viewport_size(size)
        page.goto(base_url + path)
        if size is DESKTOP:
            findings += [f"{path} axe {v}" for v in axe_violations(page, base_url)]
        overflow = horizontal_overflow(page)
        if overflow:
            findings.append(
                f"{path} overflows by {overflow}px at {size['width']}px wide: "
                f"{overflowing_elements(page)}"
            )
        nav = page.locator("nav.mainnav a").first
        if nav.count():
            box = nav.bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > size["width"]:
                findings.append(f"{path} main navigation out of reach at {size['width']}px")
    if page.console_errors:
        findings.append(f"{path} console errors {page.console_errors}")
        page.console_errors.clear()
    return findings


def tab_through(page, presses: int = 40) -> list[dict]:
    """Press Tab from the top of the page; what got the focus each time."""
    page.locator("body").focus()
    focused = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state:
            focused.append(state)
    return focused


def check_keyboard(page, base_url: str, path: str, fields: tuple[str, ...] = ()) -> list[str]:
    """Tab reaches every main navigation link (and the named form fields), each showing its
    focus."""
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + path)
    nav = page.locator("nav.mainnav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    focused = tab_through(page, presses=len(nav) + len(fields) + 25)
    findings = [f"{path} focus not visible on {f}" for f in focused if not f["visible"]]
    reached = {f["href"] for f in focused if f["inNav"]}
    findings += [
        f"{path} Tab never reaches the navigation link {href}"
        for href in nav
        if href not in reached
    ]
    names = {f["name"] for f in focused}
    findings += [
        f"{path} Tab never reaches the field {name}" for name in fields if name not in names
    ]
    return findings


def check_empty_form(
    page, base_url: str, path: str, button: str, field: str, message: str = REQUIRED
) -> list[str]:
    """Send the form empty: the field shows `message` (Chinese) as its error."""
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + path)
    page.get_by_role("button", name=button, exact=True).click()
    errors = page.locator(f".field-{field} .errorlist")
    expect(errors).to_be_visible()
    text = errors.inner_text()
    return [] if text == message else [f"{path} field error of {field} is {text!r}"]


def walk(page, base_url: str, paths: list[str]) -> list[str]:
    findings = []
    for path in paths:
        findings += check_page(page, base_url, path)
    return findings


def assert_none(page, findings: list[str]) -> None:
    """No finding, and no console error since the last page check either."""
    if page.console_errors:
        findings = [*findings, f"console errors {page.console_errors}"]
    assert findings == [], "\n".join(findings)


# --- the roles ------------------------------------------------------------------------------


def test_anonymous_pages(live_server, browser_page):
    page, url = browser_page(), live_server.url
    findings = walk(
        page, url, ["/accounts/login/", "/accounts/register/", "/accounts/register/enterprise/"]
    )
    findings += check_keyboard(page, url, "/accounts/login/", fields=("username", "password"))
    findings += check_empty_form(page, url, "/accounts/register/enterprise/", "注册", "name")
    assert_none(page, findings)


def test_enterprise_pages(live_server, browser_page, ent_a_user):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, title="高纯石英砂提纯工艺")
    page, url = browser_page(), live_server.url
    log_in(page, url, ent_a_user.username)
    findings = walk(
        page,
        url,
        [
            "/",
            reverse("problems:problem_list"),
            reverse("problems:problem_detail", args=[problem.pk]),
            reverse("problems:campaign_list"),
            reverse("notifications"),
        ],
    )
    findings += check_keyboard(
        page, url, reverse("problems:problem_create"), fields=("title", "bottleneck")
    )
    findings += check_empty_form(page, url, reverse("problems:problem_create"), "保存草稿", "title")
    findings += walk(page, url, [reverse("problems:problem_create")])
    assert_none(page, findings)


def test_expert_pages(live_server, browser_page, expert_user, ent_a):
    assignment = AssignmentFactory(
        expert=expert_user.expert, problem=ReadyProblemFactory(enterprise=ent_a)
    )
    page, url = browser_page(), live_server.url
    log_in(page, url, expert_user.username)
    findings = walk(
        page,
        url,
        [
            "/",
            reverse("experts:assignment_list"),
            reverse("experts:assignment_detail", args=[assignment.pk]),
            reverse("experts:my_profile"),
            reverse("consult:topic_list"),
        ],
    )
    findings += check_keyboard(page, url, "/")
    detail = reverse("experts:assignment_detail", args=[assignment.pk])
    findings += check_empty_form(
        page, url, detail, "接受评审任务", "no_conflict", "请声明您不存在利益冲突，或谢绝邀请。"
    )
    assert_none(page, findings)


def test_society_admin_pages(live_server, browser_page, society_admin_user):
    page, url = browser_page(), live_server.url
    log_in(page, url, society_admin_user.username)
    findings = walk(
        page,
        url,
        [
            "/",
            reverse("experts:delegation_list"),
            reverse("experts:my_society"),
            reverse("consult:topic_list"),
        ],
    )
    findings += check_keyboard(page, url, "/")
    assert_none(page, findings)


def test_staff_pages(live_server, browser_page, staff_xj, ent_a, official_user):
    problem = ReadyProblemFactory(enterprise=ent_a, title="锂电池高镍三元正极材料国产化")
    ExpertFactory(research_directions="锂离子电池正极材料\n高镍三元材料")
    topic = TopicFactory()
    report = issued_report(by=staff_xj, addressees=[official_user.government_body])
    page, url = browser_page(), live_server.url
    log_in(page, url, staff_xj.username)
    findings = walk(
        page,
        url,
        [
            "/",
            reverse("problems:problem_list"),
            reverse("problems:problem_detail", args=[problem.pk]),
            reverse("experts:problem_matching", args=[problem.pk]),
            reverse("problems:enterprise_list"),
            reverse("experts:expert_list"),
            reverse("experts:society_list"),
            reverse("problems:campaign_list"),
            reverse("consult:topic_list"),
            reverse("consult:topic_detail", args=[topic.pk]),
            reverse("consult:report_list"),
            reverse("consult:report_detail", args=[report.pk]),
            reverse("consult:report_create"),
            reverse("consult:dashboard"),
        ],
    )
    findings += check_keyboard(page, url, "/")
    findings += check_empty_form(page, url, reverse("problems:campaign_create"), "保存", "title")
    assert_none(page, findings)


def test_official_pages(live_server, browser_page, official_user):
    staff = UserFactory(username="staff_pages", role=User.Role.STAFF, region=region("650000"))
    report = issued_report(by=staff, addressees=[official_user.government_body])
    page, url = browser_page(), live_server.url
    log_in(page, url, official_user.username)
    instruction = reverse("consult:instruction_create", args=[report.pk])
    findings = walk(
        page,
        url,
        [
            "/",
            reverse("consult:report_list"),
            reverse("consult:report_detail", args=[report.pk]),
            instruction,
        ],
    )
    findings += check_keyboard(page, url, instruction, fields=("leader_name", "level", "text"))
    findings += check_empty_form(page, url, instruction, "登记", "leader_name")
    assert_none(page, findings)


def test_admin_pages(live_server, browser_page, admin_user):
    page, url = browser_page(), live_server.url
    log_in(page, url, admin_user.username)
    findings = walk(
        page, url, ["/", reverse("admin:index"), reverse("admin:accounts_user_changelist")]
    )
    findings += check_keyboard(page, url, "/")
    assert_none(page, findings)
