"""Problem, campaign, enterprise and expert pages: what each role of the cast may see and do,
the side effects of every POST, and an N+1 guard on every list."""

import datetime
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from problems.models import (
    Attachment,
    Campaign,
    Enterprise,
    EnterpriseEvent,
    Problem,
    ProblemEvent,
)
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    ExpertFactory,
    ProblemFactory,
    UserFactory,
    pdf_bytes,
    png_bytes,
    region,
)

S = Problem.Status
YEAR = timezone.localdate().year


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events_of(problem: Problem) -> list[tuple]:
    return list(
        ProblemEvent.objects.filter(problem=problem)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor_id", "reason")
    )


def problem_form(**overrides) -> dict:
    return {
        "campaign": "",
        "title": "高端轴承钢冶炼",
        "category": "material",
        "industry": "C26",
        "region": "654201",
        "background": "风电主轴轴承全部进口。",
        "bottleneck": "夹杂物控制达不到要求。",
        "indicators": "氧含量 ≤ 5 ppm",
        "import_source": "瑞典、日本",
        "import_share": "90",
        "attempts": "与高校合作试验两炉。",
        "expected_goal": "实现国产替代。",
        "cooperation_modes": ["joint", "contract"],
        "budget_range": "200-1000",
        "desired_completion": "2028-12-31",
        "confidentiality": "internal",
        "contact_name": "李工",
        "contact_phone": "13900000000",
    } | overrides


@pytest.fixture
def submitted_a(ent_a_user):
    """A submitted problem of enterprise A (塔城市)."""
    return ProblemFactory(
        enterprise=ent_a_user.enterprise,
        title="甲-已提交问题",
        status=S.SUBMITTED,
        number=f"KBZ-{YEAR}-0042",
        submitted_at=timezone.now(),
    )


# --- problem create, edit, submit -----------------------------------------------------------


def test_enterprise_saves_a_draft(client_for, ent_a_user):
    client = client_for(ent_a_user)
    assert client.get("/problems/new/").status_code == 200

    response = client.post("/problems/new/", problem_form(save=""))

    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{problem.pk}/"
    assert messages_of(response) == ["Saved."]
    assert (problem.title, problem.status, problem.number, problem.enterprise) == (
        "高端轴承钢冶炼",
        S.DRAFT,
        None,
        ent_a_user.enterprise,
    )
    assert (problem.cooperation_modes, problem.import_share, problem.created_by) == (
        ["joint", "contract"],
        90,
        ent_a_user,
    )
    assert problem.desired_completion == datetime.date(2028, 12, 31)
    assert events_of(problem) == [("", S.DRAFT, ent_a_user.pk, "")]


def test_enterprise_creates_and_submits_in_one_go(client_for, ent_a_user):
    response = client_for(ent_a_user).post("/problems/new/", problem_form(submit=""))

    problem = Problem.objects.get()
    assert (problem.status, problem.number) == (S.SUBMITTED, f"KBZ-{YEAR}-0001")
    assert messages_of(response) == [f"Problem KBZ-{YEAR}-0001 submitted."]
    assert [e[:2] for e in events_of(problem)] == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED)]


def test_submission_refused_by_a_rule_keeps_the_draft_and_says_why(client_for):
    user = UserFactory(enterprise=EnterpriseFactory(pending=True))
    response = client_for(user).post("/problems/new/", problem_form(submit=""))

    problem = Problem.objects.get()
    assert response["Location"] == f"/problems/{problem.pk}/"
    assert (problem.status, problem.number) == (S.DRAFT, None)
    assert messages_of(response) == [
        "Saved as a draft, but not submitted: Your enterprise has not been verified yet; "
        "problems can be submitted once the CAST of your region has verified it."
    ]


def test_classified_problem_is_refused_by_the_form(client_for, ent_a_user):
    response = client_for(ent_a_user).post(
        "/problems/new/", problem_form(confidentiality="classified", submit="")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["confidentiality"]
    assert Problem.objects.count() == 0


def test_only_campaigns_open_to_the_enterprise_can_be_chosen(client_for, ent_a_user):
    open_to_all = CampaignFactory(title="全区征集")
    kashgar = CampaignFactory(title="喀什征集", region=region("653100"))
    client = client_for(ent_a_user)

    form = client.get("/problems/new/").context["form"]
    assert list(form.fields["campaign"].queryset) == [open_to_all]

    response = client.post("/problems/new/", problem_form(campaign=kashgar.pk, save=""))
    assert list(response.context["form"].errors) == ["campaign"]
    assert Problem.objects.count() == 0

    client.post("/problems/new/", problem_form(campaign=open_to_all.pk, submit=""))
    assert Problem.objects.get().campaign == open_to_all


def test_create_page_preselects_the_campaign_from_the_link(client_for, ent_a_user):
    campaign = CampaignFactory()
    response = client_for(ent_a_user).get(f"/problems/new/?campaign={campaign.pk}")
    assert response.context["form"].initial["campaign"] == str(campaign.pk)


@pytest.mark.parametrize("who", ["staff_tc", "expert_user", "official_user"])
def test_only_enterprise_members_may_create_problems(who, client_for, request):
    response = client_for(request.getfixturevalue(who)).get("/problems/new/")
    assert response.status_code == 403
    assert Problem.objects.count() == 0


def test_enterprise_edits_its_draft_then_submits(client_for, ent_a_user):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    client = client_for(ent_a_user)

    client.post(f"/problems/{problem.pk}/edit/", problem_form(title="改后的标题", save=""))
    problem.refresh_from_db()
    assert (problem.title, problem.status) == ("改后的标题", S.DRAFT)

    client.post(f"/problems/{problem.pk}/edit/", problem_form(title="改后的标题", submit=""))
    problem.refresh_from_db()
    assert (problem.status, problem.number) == (S.SUBMITTED, f"KBZ-{YEAR}-0001")


def test_returned_problem_is_revised_and_resubmitted(client_for, ent_a_user):
    problem = ProblemFactory(
        enterprise=ent_a_user.enterprise, status=S.RETURNED, number=f"KBZ-{YEAR}-0005"
    )
    response = client_for(ent_a_user).post(
        f"/problems/{problem.pk}/edit/", problem_form(indicators="氧含量 ≤ 3 ppm", submit="")
    )
    problem.refresh_from_db()
    assert (problem.status, problem.indicators, problem.number) == (
        S.RESUBMITTED,
        "氧含量 ≤ 3 ppm",
        f"KBZ-{YEAR}-0005",
    )
    assert messages_of(response) == [f"Problem KBZ-{YEAR}-0005 submitted."]


def test_editing_is_refused_once_submitted(client_for, ent_a_user, submitted_a):
    client = client_for(ent_a_user)
    assert client.get(f"/problems/{submitted_a.pk}/edit/").status_code == 403
    response = client.post(f"/problems/{submitted_a.pk}/edit/", problem_form(title="篡改"))
    assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.title == "甲-已提交问题"
    detail = client.get(f"/problems/{submitted_a.pk}/")
    assert detail.context["can_edit"] is False
    assert f'href="/problems/{submitted_a.pk}/edit/"' not in detail.content.decode()


# --- detail and visibility ------------------------------------------------------------------


def test_enterprise_detail_shows_its_problem_and_the_withdraw_button(
    client_for, ent_a_user, submitted_a
):
    response = client_for(ent_a_user).get(f"/problems/{submitted_a.pk}/")
    html = response.content.decode()
    assert "甲-已提交问题" in html
    assert f"KBZ-{YEAR}-0042" in html
    assert [m["to"] for m in response.context["moves"]] == [S.DRAFT]
    assert ">Withdraw</button>" in html
    assert response.context["is_staff_view"] is False


def test_staff_detail_offers_the_screening_moves(client_for, staff_tc, submitted_a):
    response = client_for(staff_tc).get(f"/problems/{submitted_a.pk}/")
    assert response.status_code == 200
    assert [m["to"] for m in response.context["moves"]] == [S.SCREENING]
    assert response.context["is_staff_view"] is True
    html = response.content.decode()
    assert "塔城甲化工有限公司" in html
    assert ">Start screening</button>" in html


@pytest.mark.parametrize("who", ["ent_b_user", "staff_ks", "expert_user", "official_user"])
def test_others_get_404_on_every_page_of_a_problem(who, client_for, request, submitted_a):
    attachment = Attachment.objects.create(
        problem=submitted_a,
        file=SimpleUploadedFile("x.pdf", pdf_bytes()),
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
    )
    client = client_for(request.getfixturevalue(who))
    pk = submitted_a.pk
    assert client.get(f"/problems/{pk}/").status_code == 404
    assert client.get(f"/problems/{pk}/edit/").status_code == 404
    assert client.post(f"/problems/{pk}/transition/", {"to": S.DRAFT}).status_code == 404
    assert client.post(f"/problems/{pk}/transition/", {"to": S.SCREENING}).status_code == 404
    assert client.post(f"/problems/{pk}/note/", {"note": "越权"}).status_code == 404
    assert client.get(f"/problems/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/problems/attachments/{attachment.pk}/delete/").status_code == 404
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SUBMITTED
    assert ProblemEvent.objects.count() == 0
    assert Attachment.objects.count() == 1


def test_drafts_are_invisible_to_staff(client_for, staff_tc, staff_xj, ent_a_user):
    draft = ProblemFactory(enterprise=ent_a_user.enterprise)
    assert client_for(staff_tc).get(f"/problems/{draft.pk}/").status_code == 404
    assert client_for(staff_xj).get(f"/problems/{draft.pk}/").status_code == 404


def test_root_staff_see_a_problem_from_another_province(client_for, staff_xj):
    problem = ProblemFactory(
        enterprise=EnterpriseFactory(region=region("440000")),
        title="广东-问题",
        status=S.SUBMITTED,
    )
    assert "广东-问题" in client_for(staff_xj).get(f"/problems/{problem.pk}/").content.decode()


# --- transitions over HTTP ------------------------------------------------------------------


def test_staff_in_region_start_screening(client_for, staff_tc, submitted_a):
    response = client_for(staff_tc).post(
        f"/problems/{submitted_a.pk}/transition/", {"to": S.SCREENING, "internal_note": "优先"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{submitted_a.pk}/"
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SCREENING
    assert events_of(submitted_a) == [(S.SUBMITTED, S.SCREENING, staff_tc.pk, "")]
    assert ProblemEvent.objects.get().internal_note == "优先"
    assert messages_of(response) == ["The problem is now “Under screening”."]


def test_staff_return_with_a_reason_the_enterprise_then_reads(
    client_for, staff_tc, ent_a_user, submitted_a
):
    submitted_a.status = S.SCREENING
    submitted_a.save()
    client_for(staff_tc).post(
        f"/problems/{submitted_a.pk}/transition/",
        {"to": S.RETURNED, "reason": "请补充技术指标", "internal_note": "内部：企业规模小"},
    )
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.RETURNED
    assert events_of(submitted_a) == [(S.SCREENING, S.RETURNED, staff_tc.pk, "请补充技术指标")]

    html = client_for(ent_a_user).get(f"/problems/{submitted_a.pk}/").content.decode()
    assert "请补充技术指标" in html
    assert "内部：企业规模小" not in html

    # The edit page quotes what to change, so the enterprise need not look it up.
    edit = client_for(ent_a_user).get(f"/problems/{submitted_a.pk}/edit/")
    assert edit.context["return_reason"] == "请补充技术指标"
    assert '<div class="reason-quote">请补充技术指标</div>' in edit.content.decode()
    assert "内部：企业规模小" not in edit.content.decode()


def test_missing_reason_gives_a_message_and_changes_nothing(client_for, staff_tc, submitted_a):
    submitted_a.status = S.SCREENING
    submitted_a.save()
    response = client_for(staff_tc).post(
        f"/problems/{submitted_a.pk}/transition/",
        {"to": S.REJECTED, "reason": " "},
        follow=True,
    )
    assert response.status_code == 200
    assert "Please give a reason; the enterprise will see it." in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SCREENING
    assert ProblemEvent.objects.count() == 0


def test_illegal_transition_gives_a_message_not_an_error(client_for, staff_tc, submitted_a):
    response = client_for(staff_tc).post(
        f"/problems/{submitted_a.pk}/transition/", {"to": S.READY}, follow=True
    )
    assert response.status_code == 200
    assert (
        "A problem that is “Submitted” cannot be moved to “Ready for matching”."
        in response.content.decode()
    )
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SUBMITTED
    assert ProblemEvent.objects.count() == 0


def test_unknown_target_state_is_reported(client_for, staff_tc, submitted_a):
    response = client_for(staff_tc).post(
        f"/problems/{submitted_a.pk}/transition/", {"to": "archived"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["The action could not be read; please try again."]
    assert ProblemEvent.objects.count() == 0


def test_enterprise_cannot_post_a_staff_move(client_for, ent_a_user, submitted_a):
    response = client_for(ent_a_user).post(
        f"/problems/{submitted_a.pk}/transition/", {"to": S.SCREENING}
    )
    assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SUBMITTED
    assert ProblemEvent.objects.count() == 0


def test_staff_cannot_post_an_enterprise_move(client_for, staff_tc, submitted_a):
    response = client_for(staff_tc).post(f"/problems/{submitted_a.pk}/transition/", {"to": S.DRAFT})
    assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.status == S.SUBMITTED


def test_enterprise_withdraws_over_http(client_for, ent_a_user, submitted_a):
    client_for(ent_a_user).post(f"/problems/{submitted_a.pk}/transition/", {"to": S.DRAFT})
    submitted_a.refresh_from_db()
    assert (submitted_a.status, submitted_a.number) == (S.DRAFT, f"KBZ-{YEAR}-0042")
    assert events_of(submitted_a) == [(S.SUBMITTED, S.DRAFT, ent_a_user.pk, "")]


def test_transition_is_post_only(client_for, staff_tc, submitted_a):
    assert client_for(staff_tc).get(f"/problems/{submitted_a.pk}/transition/").status_code == 405


def test_staff_add_an_internal_note(client_for, staff_tc, ent_a_user, submitted_a):
    client_for(staff_tc).post(f"/problems/{submitted_a.pk}/note/", {"note": "已电话联系"})
    assert list(
        ProblemEvent.objects.values_list("from_status", "to_status", "actor", "internal_note")
    ) == [(S.SUBMITTED, S.SUBMITTED, staff_tc.pk, "已电话联系")]
    assert "已电话联系" in client_for(staff_tc).get(f"/problems/{submitted_a.pk}/").content.decode()
    assert (
        "已电话联系"
        not in client_for(ent_a_user).get(f"/problems/{submitted_a.pk}/").content.decode()
    )


def test_enterprise_may_not_add_notes(client_for, ent_a_user, submitted_a):
    response = client_for(ent_a_user).post(f"/problems/{submitted_a.pk}/note/", {"note": "x"})
    assert response.status_code == 403
    assert ProblemEvent.objects.count() == 0


# --- attachments ----------------------------------------------------------------------------


def test_attachments_uploaded_with_the_form_download_as_attachments(
    client_for, ent_a_user, staff_tc, settings
):
    pdf, png = pdf_bytes(), png_bytes()
    client = client_for(ent_a_user)
    client.post(
        "/problems/new/",
        problem_form(
            submit="",
            new_attachments=[
                SimpleUploadedFile("spec.pdf", pdf),
                SimpleUploadedFile("工艺流程图.png", png),
            ],
        ),
    )
    problem = Problem.objects.get()
    assert problem.status == S.SUBMITTED
    spec, drawing = problem.attachments.order_by("pk")
    assert (spec.original_name, spec.content_type, spec.size) == (
        "spec.pdf",
        "application/pdf",
        len(pdf),
    )
    assert (drawing.original_name, drawing.content_type) == ("工艺流程图.png", "image/png")

    for user in (ent_a_user, staff_tc):
        response = client_for(user).get(f"/problems/attachments/{spec.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="spec.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf

    response = client.get(f"/problems/attachments/{drawing.pk}/")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("工艺流程图.png")
    )
    assert b"".join(response.streaming_content) == png


def test_a_disguised_upload_rerenders_the_form_and_saves_nothing(client_for, ent_a_user, settings):
    response = client_for(ent_a_user).post(
        "/problems/new/",
        problem_form(
            save="", new_attachments=[SimpleUploadedFile("报告.pdf", b"<html>phish</html>")]
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_attachments": [
            "“报告.pdf” is not really a .pdf file (its content does not match its name)."
        ]
    }
    assert (Problem.objects.count(), Attachment.objects.count()) == (0, 0)
    assert list(settings.MEDIA_ROOT.rglob("*")) == []


def test_enterprise_removes_an_attachment_from_a_draft(
    client_for, ent_a_user, settings, django_capture_on_commit_callbacks
):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    client = client_for(ent_a_user)
    client.post(
        f"/problems/{problem.pk}/edit/",
        problem_form(save="", new_attachments=[SimpleUploadedFile("a.pdf", pdf_bytes())]),
    )
    attachment = Attachment.objects.get()
    path = settings.MEDIA_ROOT / attachment.file.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/problems/attachments/{attachment.pk}/delete/")

    assert response["Location"] == f"/problems/{problem.pk}/edit/"
    assert Attachment.objects.count() == 0
    assert not path.exists()


def test_attachments_of_a_submitted_problem_cannot_be_removed(client_for, ent_a_user, submitted_a):
    attachment = Attachment.objects.create(
        problem=submitted_a,
        file=SimpleUploadedFile("x.pdf", pdf_bytes()),
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
    )
    response = client_for(ent_a_user).post(f"/problems/attachments/{attachment.pk}/delete/")
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- problem list ---------------------------------------------------------------------------


def test_staff_list_shows_the_region_and_filters(client_for, staff_tc, ent_a_user, ent_b_user):
    ProblemFactory(enterprise=ent_a_user.enterprise, title="塔城-待审", status=S.SUBMITTED)
    ProblemFactory(enterprise=ent_a_user.enterprise, title="塔城-已受理", status=S.ACCEPTED)
    ProblemFactory(enterprise=ent_a_user.enterprise, title="塔城-草稿")
    ProblemFactory(enterprise=ent_b_user.enterprise, title="喀什-待审", status=S.SUBMITTED)
    client = client_for(staff_tc)

    response = client.get("/problems/")
    assert {p.title for p in response.context["page"]} == {"塔城-待审", "塔城-已受理"}
    html = response.content.decode()
    assert "塔城甲化工有限公司" in html
    assert "喀什-待审" not in html

    filtered = client.get("/problems/", {"status": S.ACCEPTED})
    assert [p.title for p in filtered.context["page"]] == ["塔城-已受理"]
    searched = client.get("/problems/", {"q": "待审"})
    assert [p.title for p in searched.context["page"]] == ["塔城-待审"]


def test_enterprise_list_shows_only_its_own_problems(client_for, ent_a_user, ent_b_user):
    ProblemFactory(enterprise=ent_a_user.enterprise, title="甲-草稿")
    ProblemFactory(enterprise=ent_b_user.enterprise, title="乙-草稿")
    response = client_for(ent_a_user).get("/problems/")
    assert [p.title for p in response.context["page"]] == ["甲-草稿"]
    assert response.context["is_staff_view"] is False


@pytest.mark.parametrize("who", ["expert_user", "official_user", "society_admin_user"])
def test_problem_list_is_refused_to_roles_without_problems(who, client_for, request):
    assert client_for(request.getfixturevalue(who)).get("/problems/").status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_staff_problem_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for _ in range(n):
        ProblemFactory(
            enterprise=EnterpriseFactory(),
            campaign=CampaignFactory(),
            status=S.SUBMITTED,
            submitted_at=timezone.now(),
        )
    client = client_for(staff_tc)
    with django_assert_num_queries(9):
        response = client.get("/problems/")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_enterprise_problem_list_query_count(n, client_for, ent_a_user, django_assert_num_queries):
    for _ in range(n):
        ProblemFactory(enterprise=ent_a_user.enterprise, campaign=CampaignFactory())
    client = client_for(ent_a_user)
    with django_assert_num_queries(11):
        response = client.get("/problems/")
    assert len(response.context["page"]) == n


# --- campaigns ------------------------------------------------------------------------------


def campaign_form(**overrides) -> dict:
    today = timezone.localdate()
    return {
        "title": "塔城地区 2026 年第二批征集",
        "description": "重点征集农机装备领域问题。",
        "region": "654200",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=60)).isoformat(),
        "categories": ["equipment", "material"],
        "cap_per_unit": "2",
    } | overrides


def test_staff_create_a_campaign_as_a_draft(client_for, staff_tc):
    client = client_for(staff_tc)
    assert client.get("/problems/campaigns/new/").status_code == 200

    response = client.post("/problems/campaigns/new/", campaign_form())

    campaign = Campaign.objects.get()
    assert response["Location"] == f"/problems/campaigns/{campaign.pk}/"
    assert (
        campaign.title,
        campaign.region_id,
        campaign.status,
        campaign.categories,
        campaign.cap_per_unit,
        campaign.created_by,
    ) == (
        "塔城地区 2026 年第二批征集",
        "654200",
        Campaign.Status.DRAFT,
        ["equipment", "material"],
        2,
        staff_tc,
    )
    assert messages_of(response) == ["Campaign created as a draft; publish it when ready."]
    assert list(campaign.events.values_list("from_status", "to_status", "actor")) == [
        ("", "draft", staff_tc.pk)
    ]


def test_staff_cannot_create_a_campaign_outside_their_region(client_for, staff_tc):
    response = client_for(staff_tc).post("/problems/campaigns/new/", campaign_form(region="653100"))
    assert list(response.context["form"].errors) == ["region"]
    assert Campaign.objects.count() == 0


def test_campaign_closing_before_opening_is_refused(client_for, staff_tc):
    today = timezone.localdate()
    response = client_for(staff_tc).post(
        "/problems/campaigns/new/",
        campaign_form(closes_on=(today - datetime.timedelta(days=1)).isoformat()),
    )
    assert response.context["form"].errors == {
        "closes_on": ["The closing date must not be before the opening date."]
    }
    assert Campaign.objects.count() == 0


def test_enterprise_may_not_create_or_edit_campaigns(client_for, ent_a_user):
    campaign = CampaignFactory(title="全区征集")
    client = client_for(ent_a_user)
    assert client.get("/problems/campaigns/new/").status_code == 403
    assert client.post("/problems/campaigns/new/", campaign_form()).status_code == 403
    assert (
        client.post(
            f"/problems/campaigns/{campaign.pk}/edit/", campaign_form(region="650000")
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/problems/campaigns/{campaign.pk}/status/", {"to": Campaign.Status.CLOSED}
        ).status_code
        == 403
    )
    campaign.refresh_from_db()
    assert (campaign.title, campaign.status) == ("全区征集", Campaign.Status.PUBLISHED)
    assert Campaign.objects.count() == 1


def test_staff_edit_and_publish_their_campaign(client_for, staff_tc):
    campaign = CampaignFactory(region=region("654200"), status=Campaign.Status.DRAFT)
    client = client_for(staff_tc)

    client.post(f"/problems/campaigns/{campaign.pk}/edit/", campaign_form(title="改名后的征集"))
    client.post(f"/problems/campaigns/{campaign.pk}/status/", {"to": Campaign.Status.PUBLISHED})

    campaign.refresh_from_db()
    assert (campaign.title, campaign.status) == ("改名后的征集", Campaign.Status.PUBLISHED)


def test_prefecture_staff_may_read_but_not_edit_a_root_campaign(client_for, staff_tc):
    campaign = CampaignFactory(title="全区征集")
    client = client_for(staff_tc)
    detail = client.get(f"/problems/campaigns/{campaign.pk}/")
    assert detail.status_code == 200
    assert detail.context["can_change"] is False
    assert client.get(f"/problems/campaigns/{campaign.pk}/edit/").status_code == 403


def test_staff_of_another_region_do_not_see_the_campaign(client_for, staff_ks):
    campaign = CampaignFactory(region=region("654200"))
    client = client_for(staff_ks)
    assert client.get(f"/problems/campaigns/{campaign.pk}/").status_code == 404
    assert client.get(f"/problems/campaigns/{campaign.pk}/edit/").status_code == 404


def test_campaign_list_and_detail_for_staff(client_for, staff_tc, ent_a_user, ent_b_user):
    campaign = CampaignFactory(title="全区征集", cap_per_unit=5)
    CampaignFactory(title="喀什征集", region=region("653100"))
    ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign, status=S.SUBMITTED)
    ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign, status=S.SCREENING)
    ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign)
    ProblemFactory(enterprise=ent_b_user.enterprise, campaign=campaign, status=S.SUBMITTED)
    client = client_for(staff_tc)

    listing = client.get("/problems/campaigns/")
    assert [(c.title, c.n_problems) for c in listing.context["page"]] == [("全区征集", 3)]
    assert listing.context["can_add"] is True

    detail = client.get(f"/problems/campaigns/{campaign.pk}/")
    assert detail.context["n_visible"] == 2
    assert {row["status"]: row["n"] for row in detail.context["counts"]} == {
        S.SUBMITTED: 1,
        S.SCREENING: 1,
    }
    assert "全区征集" in detail.content.decode()


def test_campaign_detail_for_an_enterprise_lists_its_own_problems(
    client_for, ent_a_user, ent_b_user
):
    campaign = CampaignFactory(title="全区征集")
    CampaignFactory(title="全区草稿征集", status=Campaign.Status.DRAFT)
    ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign, title="甲-征集问题")
    ProblemFactory(enterprise=ent_b_user.enterprise, campaign=campaign, title="乙-征集问题")
    client = client_for(ent_a_user)

    listing = client.get("/problems/campaigns/")
    assert [c.title for c in listing.context["page"]] == ["全区征集"]
    assert listing.context["can_add"] is False

    html = client.get(f"/problems/campaigns/{campaign.pk}/").content.decode()
    assert "甲-征集问题" in html
    assert "乙-征集问题" not in html
    assert f'href="/problems/new/?campaign={campaign.pk}"' in html


@pytest.mark.parametrize("n", [1, 3])
def test_campaign_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for _ in range(n):
        campaign = CampaignFactory(region=region("654200"))
        ProblemFactory(campaign=campaign, status=S.SUBMITTED)
    client = client_for(staff_tc)
    with django_assert_num_queries(6):
        response = client.get("/problems/campaigns/")
    assert len(response.context["page"]) == n


# --- enterprises ----------------------------------------------------------------------------


def test_staff_list_enterprises_of_their_region(client_for, staff_tc, ent_a, ent_b):
    ProblemFactory(enterprise=ent_a, status=S.SUBMITTED)
    ProblemFactory(enterprise=ent_a)
    response = client_for(staff_tc).get("/problems/enterprises/")
    assert [(e.name, e.n_problems) for e in response.context["page"]] == [("塔城甲化工有限公司", 1)]
    html = response.content.decode()
    assert ent_a.credit_code in html
    assert "喀什乙材料有限公司" not in html


def test_staff_verify_an_enterprise_in_scope(client_for, staff_tc):
    enterprise = EnterpriseFactory(pending=True, name="塔城丙机械有限公司")
    client = client_for(staff_tc)
    detail = client.get(f"/problems/enterprises/{enterprise.pk}/")
    assert detail.context["can_verify"] is True
    assert ">Verify enterprise</button>" in detail.content.decode()

    response = client.post(f"/problems/enterprises/{enterprise.pk}/status/", {"to": "verified"})

    assert response["Location"] == f"/problems/enterprises/{enterprise.pk}/"
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.verified_by) == (Enterprise.Status.VERIFIED, staff_tc)
    assert list(EnterpriseEvent.objects.values_list("from_status", "to_status", "actor")) == [
        (Enterprise.Status.PENDING, Enterprise.Status.VERIFIED, staff_tc.pk)
    ]
    assert messages_of(response) == ["Enterprise status changed."]


def test_rejecting_an_enterprise_over_http_needs_a_reason(client_for, staff_tc):
    enterprise = EnterpriseFactory(pending=True)
    client = client_for(staff_tc)

    response = client.post(
        f"/problems/enterprises/{enterprise.pk}/status/", {"to": "rejected", "reason": ""}
    )
    assert messages_of(response) == [
        "Please give the reason so the enterprise knows what to correct."
    ]
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.PENDING

    client.post(
        f"/problems/enterprises/{enterprise.pk}/status/", {"to": "rejected", "reason": "执照过期"}
    )
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.REJECTED
    assert list(EnterpriseEvent.objects.values_list("to_status", "reason")) == [
        (Enterprise.Status.REJECTED, "执照过期")
    ]


def test_staff_of_another_region_get_404_for_an_enterprise(client_for, staff_ks, ent_a):
    client = client_for(staff_ks)
    assert client.get(f"/problems/enterprises/{ent_a.pk}/").status_code == 404
    response = client.post(
        f"/problems/enterprises/{ent_a.pk}/status/", {"to": "rejected", "reason": "x"}
    )
    assert response.status_code == 404
    ent_a.refresh_from_db()
    assert ent_a.status == Enterprise.Status.VERIFIED
    assert EnterpriseEvent.objects.count() == 0


def test_enterprise_sees_its_own_profile_only_and_cannot_verify(client_for, ent_a_user, ent_b):
    ent_a = ent_a_user.enterprise
    ent_a.status = Enterprise.Status.REJECTED
    ent_a.save()
    client = client_for(ent_a_user)

    assert client.get("/problems/enterprises/").status_code == 403
    own = client.get(f"/problems/enterprises/{ent_a.pk}/")
    assert own.status_code == 200
    assert own.context["can_verify"] is False
    assert "甲公司联系人" in own.content.decode()
    assert client.get(f"/problems/enterprises/{ent_b.pk}/").status_code == 404
    assert (
        client.post(f"/problems/enterprises/{ent_a.pk}/status/", {"to": "verified"}).status_code
        == 403
    )
    ent_a.refresh_from_db()
    assert ent_a.status == Enterprise.Status.REJECTED
    assert EnterpriseEvent.objects.count() == 0


@pytest.mark.parametrize("n", [1, 3])
def test_enterprise_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for _ in range(n):
        ProblemFactory(enterprise=EnterpriseFactory(), status=S.SUBMITTED)
    client = client_for(staff_tc)
    with django_assert_num_queries(8):
        response = client.get("/problems/enterprises/")
    assert len(response.context["page"]) == n


# --- experts --------------------------------------------------------------------------------


def test_staff_list_and_verify_experts(client_for, staff_tc):
    expert = ExpertFactory(name="待核实专家", verified=False, region=region("654201"))
    ExpertFactory(name="已核实专家")
    client = client_for(staff_tc)

    listing = client.get("/experts/")
    assert [x.name for x in listing.context["page"]] == ["已核实专家", "待核实专家"]
    assert [x.name for x in client.get("/experts/", {"verified": "false"}).context["page"]] == [
        "待核实专家"
    ]

    client.post(f"/experts/{expert.pk}/verify/")
    expert.refresh_from_db()
    assert (expert.verified, expert.verified_by) == (True, staff_tc)


def test_staff_of_another_region_may_read_but_not_verify_an_expert(client_for, staff_ks):
    expert = ExpertFactory(verified=False, region=region("654201"))
    client = client_for(staff_ks)
    assert client.get(f"/experts/{expert.pk}/").context["can_verify"] is False
    assert client.post(f"/experts/{expert.pk}/verify/").status_code == 403
    expert.refresh_from_db()
    assert expert.verified is False


@pytest.mark.parametrize("who", ["ent_a_user", "expert_user", "official_user"])
def test_expert_list_is_staff_only(who, client_for, request):
    assert client_for(request.getfixturevalue(who)).get("/experts/").status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_expert_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    ExpertFactory.create_batch(n, region=region("654201"))
    client = client_for(staff_tc)
    with django_assert_num_queries(8):
        response = client.get("/experts/")
    assert len(response.context["page"]) == n


def test_platform_admin_is_refused_the_problem_form(client_for, admin_user):
    assert client_for(admin_user).get("/problems/new/").status_code == 403


def test_status_filter_offers_drafts_only_to_enterprises(client_for, staff_tc, ent_a_user):
    def choices(user) -> list[str]:
        response = client_for(user).get("/problems/")
        return [value for value, _label in response.context["filter"].form["status"].field.choices]

    assert choices(staff_tc) == [s for s in S.values if s != S.DRAFT]
    assert choices(ent_a_user) == list(S.values)


@pytest.mark.parametrize("who", ["expert_user", "official_user", "society_admin_user"])
def test_campaign_pages_are_refused_to_roles_without_campaign_business(who, client_for, request):
    campaign = CampaignFactory()
    client = client_for(request.getfixturevalue(who))
    assert client.get("/problems/campaigns/").status_code == 403
    assert client.get(f"/problems/campaigns/{campaign.pk}/").status_code == 403


def test_campaign_pager_keeps_the_filter_and_a_bad_filter_lists_nothing(client_for, staff_tc):
    for _ in range(26):
        CampaignFactory()
    client = client_for(staff_tc)
    html = client.get("/problems/campaigns/?status=published").content.decode()
    assert 'href="?status=published&amp;page=2"' in html

    response = client.get("/problems/campaigns/?status=nonsense")
    assert list(response.context["page"]) == []
    assert response.context["filter"].errors["status"] == [
        "Select a valid choice. nonsense is not one of the available choices."
    ]
