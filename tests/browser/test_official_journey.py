"""An official's journey in a real browser (headless Debian Chromium through Playwright): log in,
find the report issued to the body by searching the list, read it, download the PDF stamped
with their name and a download code, and record a leader's instruction (批示), first with an
empty form (errors shown in Chinese), then filled in. No console errors on the way.

Skipped when Chromium or Playwright is missing (`make install` installs both)."""

import pytest

from consult.models import Download, Instruction
from tests.browser.conftest import PHONE, download_pdf_text, expect, needs_browser, needs_pdftotext
from tests.factories import PASSWORD, UserFactory, issued_report, region

pytestmark = [
    pytest.mark.browser,
    needs_browser,
    needs_pdftotext,
    # live_server answers from another thread: the rows must be committed, and the reference
    # data the migrations load is put back after the test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(browser_page):
    return browser_page(PHONE)


def test_an_official_finds_reads_downloads_and_answers_a_report(
    live_server, page, official_user, tmp_path
):
    staff = UserFactory(username="staff_browser", role="staff", region=region("650000"))
    body = official_user.government_body
    report = issued_report(by=staff, addressees=[body], title="关于加快膜下滴灌装备国产化的建议")
    issued_report(by=staff, addressees=[body], title="关于风电机组主控系统改造的建议")
    official_user.display_name = "周明"
    official_user.save(update_fields=["display_name"])

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", official_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="咨询报告").first.click()
    page.fill("input[name=q]", "滴灌")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").first.click()
    expect(page.locator("h1.paper-title")).to_have_text(report.title)

    text = download_pdf_text(page, "下载 PDF", tmp_path)
    download = Download.objects.get(report=report)
    assert download.user == official_user
    assert f"下载人：周明 {body.name}" in text
    assert f"下载码：{download.code}" in text

    page.get_by_role("link", name="登记领导批示").click()
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".errorlist").first).to_have_text("这个字段是必填项。")
    assert not Instruction.objects.exists()
    page.fill("input[name=leader_name]", "艾尔肯副主席")
    page.select_option("select[name=level]", "provincial")
    page.fill("textarea[name=text]", "请自治区工信厅牵头研究。")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1.paper-title")).to_have_text(report.title)
    expect(page.get_by_text("反馈已登记")).to_be_visible()
    instruction = Instruction.objects.get(report=report)
    assert (instruction.leader_name, instruction.level, instruction.recorded_by) == (
        "艾尔肯副主席",
        "provincial",
        official_user,
    )
    assert page.console_errors == []
