"""The whole loop in a real browser, every step through the pages as people use them (clicks,
form fills, tom-select widgets), in the default Chinese UI: an enterprise registers and staff
verify it; it submits a problem with an attachment; staff return it for revision, it comes
back, is accepted and passes the confidentiality review; staff match and invite experts; one
declines and suggests someone else, another accepts and submits an opinion; staff release the
opinion and the enterprise reads it; staff open a research topic from the problem and issue an
advisory report to a government body, whose official downloads the PDF stamped with their name
and records a leader's instruction (批示); the impact dashboard counts it.

Only the people who exist before the story starts (staff, experts, the official) come from
factories. Skipped when Chromium or Playwright is missing (`make install` installs both)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from consult.models import Download, Instruction, Report, Topic
from experts.models import Assignment, Review
from problems.models import Enterprise, Problem
from tests.browser.conftest import (
    download_pdf_text,
    expect,
    log_in,
    needs_browser,
    needs_pdftotext,
    tom_select,
)
from tests.experts.matching_data import BATTERY
from tests.factories import PASSWORD, ExpertFactory, UserFactory, credit_code, discipline, pdf_bytes

pytestmark = [
    pytest.mark.browser,
    needs_browser,
    needs_pdftotext,
    # live_server answers from another thread: the rows must be committed, and the reference
    # data the migrations load is put back after the test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "锂电池高镍三元正极材料国产化"


def battery_expert_with_account(ref: str, name: str):
    user = UserFactory(username=ref.lower(), display_name=name, role=User.Role.EXPERT)
    return ExpertFactory(
        user=user, ref=ref, name=name, research_directions=BATTERY, disciplines=[discipline("430")]
    )


def problem_page(page, base_url: str, problem_list_link: str) -> None:
    """From anywhere: the problem list (by its navigation link), then the problem."""
    page.goto(base_url)
    page.get_by_role("navigation").get_by_role("link", name=problem_list_link).click()
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("h1")).to_contain_text(TITLE)


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def click_move(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def test_a_problem_goes_from_registration_to_a_leaders_instruction(
    live_server, browser_page, staff_xj, official_user, tmp_path
):
    url = live_server.url
    declining = battery_expert_with_account("ZJ-B-001", "李明远")
    accepting = battery_expert_with_account("ZJ-B-002", "王海燕")
    alternate = battery_expert_with_account("ZJ-B-003", "赵建新")
    official_user.display_name = "周明"
    official_user.save(update_fields=["display_name"])
    body = official_user.government_body

    # --- an enterprise registers; staff verify it ----------------------------------------
    enterprise = browser_page()
    enterprise.goto(f"{url}/accounts/register/enterprise/")
    enterprise.get_by_role("button", name="注册").click()
    expect(enterprise.locator(".field-name .errorlist")).to_have_text("这个字段是必填项。")
    typed = {
        "name": "塔城丙新材料有限公司",
        "credit_code": credit_code(4242),
        "address": "塔城市光明路 8 号",
        "contact_name": "马经理",
        "contact_phone": "13909010000",
        "contact_email": "ma@bing.example.cn",
        "username": "bing_ma",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    for name, value in typed.items():
        enterprise.fill(f"input[name={name}]", value)
    # The tom-select widgets last: their closing timers may move the focus while a fill runs.
    tom_select(enterprise, "region", "塔城市")
    tom_select(enterprise, "industry", "C26")
    for name, value in typed.items():
        expect(enterprise.locator(f"input[name={name}]")).to_have_value(value)
    enterprise.get_by_role("button", name="注册").click()
    expect(enterprise.locator(".msg-success")).to_be_visible()
    company = Enterprise.objects.get(name="塔城丙新材料有限公司")
    assert (company.status, company.region.code, company.industry.code) == (
        Enterprise.Status.PENDING,
        "654201",
        "C26",
    )

    staff = browser_page()
    log_in(staff, url, staff_xj.username)
    staff.get_by_role("navigation").get_by_role("link", name="企业").click()
    staff.get_by_role("link", name=company.name).click()
    staff.get_by_role("button", name="通过认证").click()
    expect(staff.locator(".msg-success")).to_be_visible()
    company.refresh_from_db()
    assert company.status == Enterprise.Status.VERIFIED

    # --- the enterprise submits a problem with an attachment -----------------------------
    enterprise.goto(url)
    enterprise.get_by_role("link", name="填报新难题").click()
    enterprise.fill("input[name=title]", TITLE)
    enterprise.select_option("select[name=category]", "material")
    enterprise.fill("textarea[name=bottleneck]", "高镍三元正极材料循环寿命不足，依赖进口。")
    enterprise.fill("textarea[name=expected_goal]", "循环寿命达到 2000 次，实现国产替代。")
    enterprise.set_input_files(
        "input[name=new_attachments]",
        files=[{"name": "检测报告.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    enterprise.get_by_role("button", name="保存并提交").click()
    expect(enterprise.locator("h1")).to_contain_text(TITLE)
    problem = Problem.objects.get(title=TITLE)
    assert problem.status == Problem.Status.SUBMITTED
    assert [a.original_name for a in problem.attachments.all()] == ["检测报告.pdf"]

    # --- staff screen it and return it for revision; the enterprise revises it -----------
    problem_page(staff, url, "审核队列")
    expect(staff.get_by_role("link", name="检测报告.pdf")).to_be_visible()
    click_move(staff, "开始审核")
    staff.locator("summary", has_text="退回修改").click()
    staff.fill("textarea[name=reason]:visible", "请补充目前使用的进口材料型号和年用量。")
    click_move(staff, "退回修改")
    expect(staff.locator("h1 .badge").first).to_have_text(zh(Problem.Status.RETURNED.label))

    problem_page(enterprise, url, "本企业难题")
    expect(enterprise.get_by_text("请补充目前使用的进口材料型号和年用量。")).to_be_visible()
    enterprise.get_by_role("link", name="编辑", exact=True).click()
    enterprise.fill("input[name=import_source]", "日本、韩国进口 NCM811，年用量约 300 吨")
    enterprise.get_by_role("button", name="保存并重新提交").click()
    expect(enterprise.locator("h1")).to_contain_text(TITLE)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.RESUBMITTED

    # --- staff accept it and pass the confidentiality review -----------------------------
    staff.reload()
    for label, status in (
        ("开始审核", Problem.Status.SCREENING),
        ("同意入库", Problem.Status.ACCEPTED),
        ("提交保密审查", Problem.Status.CONFIDENTIALITY),
        ("通过保密审查", Problem.Status.READY),
    ):
        click_move(staff, label)
        expect(staff.locator(".msg-success")).to_have_text(
            f"难题状态已变更为“{zh(status.label)}”。"
        )
    problem.refresh_from_db()
    assert problem.status == Problem.Status.READY
    assert list(problem.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "screening",
        "returned",
        "resubmitted",
        "screening",
        "accepted",
        "confidentiality",
        "ready",
    ]

    # --- matching: staff invite two experts ----------------------------------------------
    staff.get_by_role("link", name="匹配专家").click()
    staff.get_by_label(f"邀请 {declining.name}").check()
    staff.get_by_label(f"邀请 {accepting.name}").check()
    staff.get_by_role("button", name="邀请所选专家").click()
    expect(staff.locator(".msg-success").first).to_be_visible()
    assert sorted(problem.assignments.values_list("expert__ref", "status")) == [
        ("ZJ-B-001", "invited"),
        ("ZJ-B-002", "invited"),
    ]

    # --- one expert declines and suggests a colleague; the other accepts and reviews -----
    expert = browser_page()
    log_in(expert, url, declining.user.username)
    expert.get_by_role("navigation").get_by_role("link", name="我的评审任务").click()
    expert.get_by_role("link", name=TITLE).click()
    expert.get_by_label("时间冲突").check()
    expert.fill("input[name=suggested_expert]", alternate.ref)
    expert.get_by_role("button", name="谢绝邀请").click()
    expect(expert.locator(".msg-success").first).to_be_visible()

    expert = browser_page()
    log_in(expert, url, accepting.user.username)
    expert.get_by_role("navigation").get_by_role("link", name="我的评审任务").click()
    expert.get_by_role("link", name=TITLE).click()
    expert.locator("input[name=no_conflict]").check()
    expert.get_by_role("button", name="接受评审任务").click()
    expert.get_by_role("link", name="填写评审意见").click()
    for name, value in (
        ("severity", "5"),
        ("difficulty", "4"),
        ("urgency", "4"),
        ("feasibility", "3"),
    ):
        expert.locator(f"input[name={name}][value='{value}']").check()
    expert.locator("input[name=route][value=joint]").check()
    expert.locator("input[name=recommend_topic][value=True]").check()
    expert.fill("textarea[name=opinion]", "建议联合疆内高校开展高镍材料包覆改性攻关。")
    expert.get_by_role("button", name="提交", exact=True).click()
    expect(expert.locator(".msg-success").first).to_be_visible()
    assert dict(problem.assignments.values_list("expert__ref", "status")) == {
        "ZJ-B-001": Assignment.Status.DECLINED,
        "ZJ-B-002": Assignment.Status.COMPLETED,
    }
    assert problem.assignments.get(expert=declining).suggested_expert == alternate

    # --- staff invite the suggested colleague and release the opinion --------------------
    staff.goto(f"{url}{problem.get_absolute_url()}")
    staff.get_by_role("button", name=f"邀请 {alternate.name}").click()
    expect(staff.locator(".msg-success").first).to_be_visible()
    assert problem.assignments.get(expert=alternate).status == Assignment.Status.INVITED
    staff.get_by_role("link", name=re.compile("对比查看 .* 份评审意见")).click()
    staff.get_by_label("署名").check()
    staff.get_by_role("button", name="向企业公开").click()
    expect(staff.locator(".msg-success").first).to_be_visible()
    assert Review.objects.get(assignment__expert=accepting).released_named is True

    problem_page(enterprise, url, "本企业难题")
    opinions = enterprise.locator("#opinions")
    expect(opinions).to_contain_text("建议联合疆内高校开展高镍材料包覆改性攻关。")
    expect(opinions).to_contain_text(accepting.name)

    # --- staff open a research topic and issue a report to the government body -----------
    problem_page(staff, url, "审核队列")
    staff.get_by_role("link", name="据此难题创建课题").click()
    expect(staff.locator("input[name=title]")).to_have_value(TITLE)
    staff.fill("input[name=lead_expert]", accepting.ref)
    staff.get_by_role("button", name="创建课题").click()
    topic = Topic.objects.get()
    assert list(topic.problems.all()) == [problem]
    assert topic.lead_expert == accepting

    staff.get_by_role("link", name="为本课题新建报告").click()
    staff.fill("input[name=title]", "关于加快高镍三元正极材料国产化的建议")
    tom_select(staff, "addressees", body.name)
    staff.fill("input[name=issuing_body]", "新疆维吾尔自治区科学技术协会")
    staff.fill(
        "textarea[name=body]",
        "## 一、基本情况\n\n高镍正极材料依赖进口。\n\n## 二、建议\n\n设立专项攻关。\n",
    )
    staff.get_by_role("button", name="创建草稿").click()
    expect(staff.locator(".msg-success").first).to_be_visible()
    report = Report.objects.get()
    assert (report.topic, list(report.addressees.all())) == (topic, [body])
    staff.goto(url + reverse("consult:report_detail", args=[report.pk]))
    for label, status in (
        ("提交内部审核", Report.Status.REVIEW),
        ("批准", Report.Status.APPROVED),
        ("签发", Report.Status.ISSUED),
    ):
        click_move(staff, label)
        expect(staff.locator(".staff-panel h2 .badge")).to_have_text(zh(status.label))
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED

    # --- the official reads it, downloads the stamped PDF, records an instruction --------
    official = browser_page()
    log_in(official, url, official_user.username)
    official.get_by_role("navigation").get_by_role("link", name="咨询报告").click()
    official.get_by_role("link", name=report.title).first.click()
    text = download_pdf_text(official, "下载 PDF", tmp_path)
    download = Download.objects.get(report=report)
    assert download.user == official_user
    assert f"下载人：周明 {body.name}" in text

    official.get_by_role("link", name="登记领导批示").click()
    official.fill("input[name=leader_name]", "艾尔肯副主席")
    official.select_option("select[name=level]", "provincial")
    official.fill("textarea[name=text]", "请自治区工信厅牵头研究高镍材料攻关。")
    official.get_by_role("button", name="登记").click()
    expect(official.get_by_text("反馈已登记")).to_be_visible()
    assert Instruction.objects.get(report=report).leader_name == "艾尔肯副主席"

    # --- the dashboard counts it ---------------------------------------------------------
    staff.get_by_role("navigation").get_by_role("link", name="成效看板").click()
    expect(staff).to_have_url(re.compile(re.escape(reverse("consult:dashboard")) + "$"))
    staff.wait_for_load_state()  # the figures are read from the new page, never the old
    figures = dict(
        zip(
            staff.locator(".stats .stat span").all_inner_texts(),
            staff.locator(".stats .stat b").all_inner_texts(),
            strict=True,
        )
    )
    assert (figures["领导批示"], figures["已签发报告数"]) == ("1", "1")

    for page in (enterprise, staff, expert, official):
        assert page.console_errors == [], page.url
