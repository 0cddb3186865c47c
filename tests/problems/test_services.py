"""problems.services: the problem workflow, numbering, submission rules, attachments and
enterprise verification; experts.services registration and verification."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from experts.models import Expert
from experts.services import expert_register, expert_verify
from problems.models import (
    Attachment,
    Campaign,
    Enterprise,
    EnterpriseEvent,
    Problem,
    ProblemEvent,
    Sequence,
)
from problems.services import (
    ACTION_LABELS,
    ENTERPRISE_MOVES,
    MAX_ATTACHMENTS,
    REASON_REQUIRED,
    TRANSITIONS,
    DomainError,
    attachment_add,
    attachment_validate,
    campaign_set_status,
    clean_upload_name,
    enterprise_register,
    enterprise_set_status,
    problem_note,
    problem_save_draft,
    problem_transition,
    sequence_next,
)
from tests.concurrency import in_threads
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    ExpertFactory,
    ProblemFactory,
    credit_code,
    industry,
    pdf_bytes,
    png_bytes,
    region,
)

S = Problem.Status
YEAR = timezone.localdate().year
LEGAL_MOVES = [(frm, to) for frm, targets in TRANSITIONS.items() for to in sorted(targets)]
ILLEGAL_MOVES = [
    (frm, to) for frm, to in itertools.product(S.values, S.values) if to not in TRANSITIONS[frm]
]
STAFF_MOVES = [move for move in LEGAL_MOVES if move not in ENTERPRISE_MOVES]
REASON_MOVES = [move for move in LEGAL_MOVES if move[1] in REASON_REQUIRED]
_numbers = itertools.count(9001)


def move_id(move) -> str:
    return f"{move[0]}->{move[1]}"


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in their source language whatever translations exist.
    with translation.override("en"):
        yield


def problem_in(state: str, **kwargs) -> Problem:
    """A problem that has reached `state`; past the draft it carries a number and a first
    submission time as one that got there through the workflow would."""
    if state != S.DRAFT:
        kwargs.setdefault("number", f"KBZ-2000-{next(_numbers)}")
        kwargs.setdefault("submitted_at", timezone.now() - datetime.timedelta(days=3))
    return ProblemFactory(status=state, **kwargs)


def events_of(problem: Problem) -> list[tuple]:
    return list(
        ProblemEvent.objects.filter(problem=problem)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor_id", "reason", "internal_note")
    )


def refused(problem: Problem, to: str, *, by: User, reason: str = "原因") -> str:
    """Attempt the move, expect a DomainError, check nothing changed; return the message."""
    before = Problem.objects.values().get(pk=problem.pk)
    n_events = ProblemEvent.objects.count()
    with pytest.raises(DomainError) as info:
        problem_transition(problem, to, by=by, reason=reason)
    assert Problem.objects.values().get(pk=problem.pk) == before
    assert ProblemEvent.objects.count() == n_events
    return str(info.value)


# --- the transition table -------------------------------------------------------------------


def test_transition_table_is_the_documented_workflow():
    assert {
        S.DRAFT: {S.SUBMITTED},
        S.SUBMITTED: {S.SCREENING, S.DRAFT},
        S.RESUBMITTED: {S.SCREENING, S.DRAFT},
        S.SCREENING: {S.RETURNED, S.REJECTED, S.ACCEPTED},
        S.RETURNED: {S.RESUBMITTED},
        S.ACCEPTED: {S.CONFIDENTIALITY, S.CLOSED},
        S.CONFIDENTIALITY: {S.READY, S.RETURNED, S.REJECTED},
        S.READY: {S.CLOSED},
        S.REJECTED: set(),
        S.CLOSED: set(),
    } == TRANSITIONS
    assert set(TRANSITIONS) == set(S.values)


def test_every_legal_move_has_a_button_label_and_enterprise_moves_are_legal():
    assert set(ACTION_LABELS) == set(LEGAL_MOVES)
    assert set(LEGAL_MOVES) >= ENTERPRISE_MOVES


@pytest.mark.parametrize(("frm", "to"), LEGAL_MOVES, ids=map(move_id, LEGAL_MOVES))
def test_legal_move_by_the_right_actor_writes_exactly_one_event(frm, to, ent_a_user, staff_tc):
    problem = problem_in(frm, enterprise=ent_a_user.enterprise)
    actor = ent_a_user if (frm, to) in ENTERPRISE_MOVES else staff_tc

    moved = problem_transition(
        problem, to, by=actor, reason="  请补充技术指标  ", internal_note=" 已电话沟通 "
    )

    problem.refresh_from_db()
    assert moved.status == problem.status == to
    assert events_of(problem) == [(frm, to, actor.pk, "请补充技术指标", "已电话沟通")]


@pytest.mark.parametrize(("frm", "to"), STAFF_MOVES, ids=map(move_id, STAFF_MOVES))
def test_staff_moves_are_open_to_root_staff_and_platform_admin(frm, to, staff_xj, admin_user):
    for actor in (staff_xj, admin_user):
        problem = problem_in(frm)
        problem_transition(problem, to, by=actor, reason="理由")
        assert events_of(problem) == [(frm, to, actor.pk, "理由", "")]


@pytest.mark.parametrize(("frm", "to"), ILLEGAL_MOVES, ids=map(move_id, ILLEGAL_MOVES))
def test_illegal_move_is_refused_and_writes_nothing(frm, to, admin_user, ent_a_user):
    problem = problem_in(frm, enterprise=ent_a_user.enterprise)
    for actor in (admin_user, ent_a_user):
        assert refused(problem, to, by=actor) == (
            f"A problem that is “{S(frm).label}” cannot be moved to “{S(to).label}”."
        )


@pytest.mark.parametrize("move", sorted(ENTERPRISE_MOVES), ids=move_id)
@pytest.mark.parametrize("actor", ["staff_tc", "staff_xj", "admin_user", "ent_b_user"])
def test_enterprise_moves_are_refused_to_everyone_but_the_enterprise(
    move, actor, ent_a_user, request
):
    problem = problem_in(move[0], enterprise=ent_a_user.enterprise)
    by = request.getfixturevalue(actor)
    assert refused(problem, move[1], by=by) == "You may not take this action on this problem."


@pytest.mark.parametrize("move", STAFF_MOVES, ids=move_id)
@pytest.mark.parametrize(
    "actor", ["ent_a_user", "ent_b_user", "staff_ks", "expert_user", "official_user"]
)
def test_staff_moves_are_refused_to_enterprises_and_staff_of_another_region(
    move, actor, ent_a_user, request
):
    problem = problem_in(move[0], enterprise=ent_a_user.enterprise)  # in 塔城市
    by = request.getfixturevalue(actor)
    assert refused(problem, move[1], by=by) == "You may not take this action on this problem."


def test_deactivated_staff_may_not_move_problems(staff_tc):
    staff_tc.is_active = False
    staff_tc.save()
    problem = problem_in(S.SUBMITTED)
    assert refused(problem, S.SCREENING, by=staff_tc) == (
        "You may not take this action on this problem."
    )


@pytest.mark.parametrize("move", REASON_MOVES, ids=move_id)
def test_reason_is_required_to_return_reject_or_close(move, staff_tc):
    assert {to for _frm, to in REASON_MOVES} == {S.RETURNED, S.REJECTED, S.CLOSED}
    problem = problem_in(move[0])
    message = refused(problem, move[1], by=staff_tc, reason="  \n ")
    assert message == "Please give a reason; the enterprise will see it."


def test_moves_without_reason_need_none(ent_a_user, staff_tc):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    problem_transition(problem, S.SUBMITTED, by=ent_a_user)
    problem_transition(problem, S.SCREENING, by=staff_tc)
    problem_transition(problem, S.ACCEPTED, by=staff_tc)
    assert [e[:3] for e in events_of(problem)] == [
        (S.DRAFT, S.SUBMITTED, ent_a_user.pk),
        (S.SUBMITTED, S.SCREENING, staff_tc.pk),
        (S.SCREENING, S.ACCEPTED, staff_tc.pk),
    ]


def test_transition_works_from_a_stale_instance(ent_a_user, staff_tc):
    """The service re-reads the locked row, so a copy loaded before someone else's change
    cannot take a move from the old state."""
    problem = problem_in(S.SUBMITTED, enterprise=ent_a_user.enterprise)
    stale = Problem.objects.get(pk=problem.pk)
    problem_transition(problem, S.DRAFT, by=ent_a_user)
    assert refused(stale, S.SCREENING, by=staff_tc) == (
        "A problem that is “Draft” cannot be moved to “Under screening”."
    )


# --- submission rules -----------------------------------------------------------------------


def test_submit_is_refused_while_the_enterprise_is_unverified(ent_a_user):
    ent_a_user.enterprise.status = Enterprise.Status.PENDING
    ent_a_user.enterprise.save()
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    assert refused(problem, S.SUBMITTED, by=ent_a_user) == (
        "Your enterprise has not been verified yet; problems can be submitted once the CAST of "
        "your region has verified it."
    )
    assert Sequence.objects.count() == 0


def test_submit_is_refused_for_a_rejected_enterprise(ent_a_user):
    ent_a_user.enterprise.status = Enterprise.Status.REJECTED
    ent_a_user.enterprise.save()
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    assert refused(problem, S.SUBMITTED, by=ent_a_user).startswith(
        "Your enterprise has not been verified yet"
    )


def test_submit_is_refused_for_classified_content(ent_a_user):
    problem = ProblemFactory(
        enterprise=ent_a_user.enterprise, confidentiality=Problem.Confidentiality.CLASSIFIED
    )
    assert refused(problem, S.SUBMITTED, by=ent_a_user) == (
        "Problems containing classified information must not be submitted through this "
        "platform. Remove the classified details (or report through your confidential "
        "channel) and mark the problem as public or internal."
    )


def test_resubmit_is_refused_for_classified_content(ent_a_user):
    problem = problem_in(
        S.RETURNED,
        enterprise=ent_a_user.enterprise,
        confidentiality=Problem.Confidentiality.CLASSIFIED,
    )
    assert refused(problem, S.RESUBMITTED, by=ent_a_user).startswith(
        "Problems containing classified information"
    )


def test_submit_names_the_missing_fields(ent_a_user):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, expected_goal="", contact_name="")
    assert refused(problem, S.SUBMITTED, by=ent_a_user) == (
        "Please complete these fields before submitting: expected goal、contact person."
    )


@pytest.mark.parametrize(
    ("status", "opens", "closes"),
    [
        (Campaign.Status.CLOSED, -7, 30),
        (Campaign.Status.DRAFT, -7, 30),
        (Campaign.Status.PUBLISHED, -30, -1),
        (Campaign.Status.PUBLISHED, 1, 30),
    ],
    ids=["closed", "draft", "past-closing-date", "not-yet-open"],
)
def test_submit_is_refused_when_the_campaign_is_not_open(status, opens, closes, ent_a_user):
    today = timezone.localdate()
    campaign = CampaignFactory(
        title="塔城地区第一批征集",
        status=status,
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
    )
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign)
    assert refused(problem, S.SUBMITTED, by=ent_a_user) == (
        f"The campaign “塔城地区第一批征集” is not accepting problems "
        f"(open {campaign.opens_on} to {campaign.closes_on})."
    )


def test_submit_on_the_closing_day_is_accepted(ent_a_user):
    campaign = CampaignFactory(closes_on=timezone.localdate())
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign)
    assert problem_transition(problem, S.SUBMITTED, by=ent_a_user).status == S.SUBMITTED


def test_campaign_cap_counts_only_this_enterprises_non_draft_problems_in_that_campaign(
    ent_a_user, ent_b
):
    ent_a = ent_a_user.enterprise
    campaign = CampaignFactory(cap_per_unit=2)
    other_campaign = CampaignFactory()
    problem_in(S.REJECTED, enterprise=ent_a, campaign=campaign)  # counts: not a draft
    ProblemFactory.create_batch(3, enterprise=ent_a, campaign=campaign)  # drafts: free
    for _ in range(3):
        problem_in(S.SUBMITTED, enterprise=ent_a, campaign=other_campaign)
        problem_in(S.SUBMITTED, enterprise=ent_b, campaign=campaign)
        problem_in(S.SUBMITTED, enterprise=ent_a, campaign=None)
    second, third = ProblemFactory.create_batch(2, enterprise=ent_a, campaign=campaign)

    problem_transition(second, S.SUBMITTED, by=ent_a_user)

    assert refused(third, S.SUBMITTED, by=ent_a_user) == (
        "Each enterprise may submit at most 2 problems to this campaign; yours has already "
        "submitted 2."
    )


def test_a_returned_problem_may_be_resubmitted_after_the_campaign_closed(ent_a_user):
    """Revision was asked for by staff; the campaign's deadline and cap do not apply again."""
    campaign = CampaignFactory(cap_per_unit=1, status=Campaign.Status.CLOSED)
    problem = problem_in(S.RETURNED, enterprise=ent_a_user.enterprise, campaign=campaign)
    moved = problem_transition(problem, S.RESUBMITTED, by=ent_a_user)
    assert moved.status == S.RESUBMITTED


def test_withdraw_and_resubmit_cannot_exceed_the_campaign_cap(ent_a_user):
    campaign = CampaignFactory(cap_per_unit=1)
    first, second = ProblemFactory.create_batch(
        2, enterprise=ent_a_user.enterprise, campaign=campaign
    )
    problem_transition(first, S.SUBMITTED, by=ent_a_user)
    problem_transition(first, S.DRAFT, by=ent_a_user)
    problem_transition(second, S.SUBMITTED, by=ent_a_user)

    assert refused(first, S.SUBMITTED, by=ent_a_user) == (
        "Each enterprise may submit at most 1 problems to this campaign; yours has already "
        "submitted 1."
    )


def test_a_withdrawn_problem_cannot_come_back_after_the_campaign_closed(ent_a_user):
    campaign = CampaignFactory()
    problem = ProblemFactory(enterprise=ent_a_user.enterprise, campaign=campaign)
    problem_transition(problem, S.SUBMITTED, by=ent_a_user)
    problem_transition(problem, S.DRAFT, by=ent_a_user)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)

    assert refused(problem, S.SUBMITTED, by=ent_a_user).startswith(
        f"The campaign “{campaign.title}” is not accepting problems"
    )


@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED])
def test_a_campaign_with_categories_refuses_other_categories(state, ent_a_user):
    campaign = CampaignFactory(title="装备专项", categories=["equipment", "instrument"])
    problem = problem_in(
        state, enterprise=ent_a_user.enterprise, campaign=campaign, category="material"
    )
    to = S.SUBMITTED if state == S.DRAFT else S.RESUBMITTED
    assert refused(problem, to, by=ent_a_user) == (
        "The campaign “装备专项” collects only these categories: "
        "High-end equipment、Testing instruments."
    )
    problem.category = "instrument"
    problem.save()
    assert problem_transition(problem, to, by=ent_a_user).status == to


# --- numbers --------------------------------------------------------------------------------


def test_numbers_are_allocated_on_first_submit_and_kept_through_withdrawal(ent_a_user):
    first, second, third = ProblemFactory.create_batch(3, enterprise=ent_a_user.enterprise)
    assert [first.number, second.number, third.number] == [None, None, None]

    problem_transition(first, S.SUBMITTED, by=ent_a_user)
    problem_transition(second, S.SUBMITTED, by=ent_a_user)
    first.refresh_from_db()
    submitted_at = first.submitted_at
    problem_transition(first, S.DRAFT, by=ent_a_user)
    first.refresh_from_db()
    assert (first.status, first.number) == (S.DRAFT, f"KBZ-{YEAR}-0001")
    problem_transition(first, S.SUBMITTED, by=ent_a_user)
    problem_transition(third, S.SUBMITTED, by=ent_a_user)

    numbers = dict(Problem.objects.values_list("pk", "number"))
    assert numbers == {
        first.pk: f"KBZ-{YEAR}-0001",
        second.pk: f"KBZ-{YEAR}-0002",
        third.pk: f"KBZ-{YEAR}-0003",
    }
    first.refresh_from_db()
    assert first.submitted_at == submitted_at
    assert Sequence.objects.get(name=f"KBZ-{YEAR}").last == 3


def test_a_returned_problem_keeps_its_number_when_resubmitted(ent_a_user, staff_tc):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    problem_transition(problem, S.SUBMITTED, by=ent_a_user)
    problem_transition(problem, S.SCREENING, by=staff_tc)
    problem_transition(problem, S.RETURNED, by=staff_tc, reason="指标不清")
    problem_transition(problem, S.RESUBMITTED, by=ent_a_user)
    problem.refresh_from_db()
    assert problem.number == f"KBZ-{YEAR}-0001"
    assert Sequence.objects.get(name=f"KBZ-{YEAR}").last == 1


def test_a_refused_submission_uses_no_number(ent_a_user):
    classified = ProblemFactory(
        enterprise=ent_a_user.enterprise, confidentiality=Problem.Confidentiality.CLASSIFIED
    )
    refused(classified, S.SUBMITTED, by=ent_a_user)
    good = ProblemFactory(enterprise=ent_a_user.enterprise)
    assert problem_transition(good, S.SUBMITTED, by=ent_a_user).number == f"KBZ-{YEAR}-0001"


@pytest.mark.django_db
def test_sequence_next_counts_without_gaps_and_a_rollback_returns_the_number():
    assert [sequence_next("T") for _ in range(3)] == [1, 2, 3]
    assert sequence_next("U") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next("T") == 4
        raise RuntimeError("abandon the transaction")
    assert sequence_next("T") == 4
    assert dict(Sequence.objects.values_list("name", "last")) == {"T": 4, "U": 1}


def _submit(problem: Problem, user: User):
    return lambda: problem_transition(problem, S.SUBMITTED, by=user)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_unique_contiguous_numbers(ent_a_user, ent_b_user):
    problems = [
        (ProblemFactory(enterprise=user.enterprise), user)
        for user in (ent_a_user, ent_b_user)
        for _ in range(4)
    ]

    outcomes = in_threads([_submit(problem, user) for problem, user in problems])

    assert [type(o) for o in outcomes] == [Problem] * 8, outcomes
    assert sorted(Problem.objects.values_list("number", flat=True)) == [
        f"KBZ-{YEAR}-{n:04d}" for n in range(1, 9)
    ]
    assert Sequence.objects.get(name=f"KBZ-{YEAR}").last == 8
    assert ProblemEvent.objects.filter(to_status=S.SUBMITTED).count() == 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_respect_the_campaign_cap(ent_a_user):
    campaign = CampaignFactory(cap_per_unit=3)
    problems = ProblemFactory.create_batch(8, enterprise=ent_a_user.enterprise, campaign=campaign)

    outcomes = in_threads([_submit(problem, ent_a_user) for problem in problems])

    accepted = [o for o in outcomes if isinstance(o, Problem)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(accepted), len(refusals)) == (3, 5), outcomes
    assert {str(error) for error in refusals} == {
        "Each enterprise may submit at most 3 problems to this campaign; yours has already "
        "submitted 3."
    }
    assert Problem.objects.filter(campaign=campaign).exclude(status=S.DRAFT).count() == 3
    assert sorted(Problem.objects.exclude(number=None).values_list("number", flat=True)) == [
        f"KBZ-{YEAR}-0001",
        f"KBZ-{YEAR}-0002",
        f"KBZ-{YEAR}-0003",
    ]
    assert ProblemEvent.objects.count() == 3


# --- drafts and notes -----------------------------------------------------------------------


def test_save_draft_creates_the_problem_with_the_enterprises_defaults(ent_a_user):
    problem = problem_save_draft(
        Problem(
            title="耐高温密封材料",
            category="material",
            bottleneck="依赖进口",
            expected_goal="国产替代",
            contact_name="李工",
        ),
        by=ent_a_user,
    )
    problem.refresh_from_db()
    assert (problem.enterprise, problem.created_by, problem.status, problem.number) == (
        ent_a_user.enterprise,
        ent_a_user,
        S.DRAFT,
        None,
    )
    assert (problem.region_id, problem.industry_id) == ("654201", "C26")
    assert events_of(problem) == [("", S.DRAFT, ent_a_user.pk, "", "")]


@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED])
def test_save_draft_updates_a_draft_or_returned_problem(state, ent_a_user):
    problem = problem_in(state, enterprise=ent_a_user.enterprise)
    problem.title = "修改后的标题"
    problem_save_draft(problem, by=ent_a_user)
    problem.refresh_from_db()
    assert (problem.title, problem.status) == ("修改后的标题", state)
    assert events_of(problem) == []


@pytest.mark.parametrize("state", sorted(set(S.values) - {S.DRAFT, S.RETURNED}))
def test_save_draft_refuses_a_problem_past_the_draft(state, ent_a_user):
    problem = problem_in(state, enterprise=ent_a_user.enterprise, title="原标题")
    problem.title = "偷偷修改"
    with pytest.raises(DomainError, match="only be edited while it is a draft"):
        problem_save_draft(problem, by=ent_a_user)
    assert Problem.objects.get(pk=problem.pk).title == "原标题"


def test_note_is_written_by_staff_in_scope_only(staff_tc, staff_ks):
    problem = problem_in(S.SCREENING)
    event = problem_note(problem, by=staff_tc, note="  已约企业面谈  ")
    assert events_of(problem) == [(S.SCREENING, S.SCREENING, staff_tc.pk, "", "已约企业面谈")]
    assert event.pk is not None
    with pytest.raises(DomainError, match="You may not take this action"):
        problem_note(problem, by=staff_ks, note="越权")
    with pytest.raises(DomainError, match="The note is empty"):
        problem_note(problem, by=staff_tc, note="   ")
    assert len(events_of(problem)) == 1


# --- attachments ----------------------------------------------------------------------------


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_real_pdf_is_stored_with_its_sanitised_name(ent_a_user, settings):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    content = pdf_bytes()
    upload = SimpleUploadedFile("技术参数<终稿>.pdf", content, content_type="text/html")

    attachment = attachment_add(problem, upload, by=ent_a_user)

    attachment.refresh_from_db()
    assert (
        attachment.original_name,
        attachment.content_type,
        attachment.size,
        attachment.uploaded_by,
    ) == ("技术参数终稿.pdf", "application/pdf", len(content), ent_a_user)
    assert attachment.file.name.startswith(f"problems/{problem.pk}/")
    assert attachment.file.name.endswith(".pdf")
    assert stored_files(settings) == [attachment.file.name]
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == content


def test_a_real_png_is_accepted_on_a_returned_problem(ent_a_user):
    problem = problem_in(S.RETURNED, enterprise=ent_a_user.enterprise)
    attachment = attachment_add(
        problem, SimpleUploadedFile("工艺图.PNG", png_bytes()), by=ent_a_user
    )
    assert (attachment.original_name, attachment.content_type) == ("工艺图.PNG", "image/png")
    assert attachment.file.name.endswith(".png")


def attachment_refused(problem, upload, user, settings) -> str:
    with pytest.raises(ValidationError) as info:
        attachment_add(problem, upload, by=user)
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    return " ".join(info.value.messages)


def test_html_named_pdf_is_refused(ent_a_user, settings):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    upload = SimpleUploadedFile(
        "报告.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    assert attachment_refused(problem, upload, ent_a_user, settings) == (
        "“报告.pdf” is not really a .pdf file (its content does not match its name)."
    )


def test_pdf_named_as_image_is_refused(ent_a_user, settings):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    upload = SimpleUploadedFile("photo.jpg", pdf_bytes())
    assert attachment_refused(problem, upload, ent_a_user, settings) == (
        "“photo.jpg” is not really a .jpg file (its content does not match its name)."
    )


def test_unlisted_extension_is_refused(ent_a_user, settings):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    upload = SimpleUploadedFile("setup.exe", pdf_bytes())
    assert attachment_refused(problem, upload, ent_a_user, settings) == (
        "“setup.exe”: only these file types are accepted: "
        ".doc .docx .jpeg .jpg .pdf .png .ppt .pptx .xls .xlsx."
    )


def test_oversize_file_is_refused_and_the_limit_itself_accepted(ent_a_user, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    base = pdf_bytes()
    at_limit = base + b"\n" * (settings.ATTACHMENT_MAX_BYTES - len(base))
    too_big = SimpleUploadedFile("big.pdf", at_limit + b"\n")
    assert attachment_refused(problem, too_big, ent_a_user, settings) == (
        "“big.pdf” is 1.0\xa0MB; attachments may be at most 1.0\xa0MB."
    )
    attachment = attachment_add(problem, SimpleUploadedFile("ok.pdf", at_limit), by=ent_a_user)
    assert attachment.size == 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES = 300 * 1024
    with pytest.raises(ValidationError) as info:
        attachment_validate(too_big)
    assert info.value.messages == [
        "“big.pdf” is 1.0\xa0MB; attachments may be at most 300.0\xa0KB."
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\王\\Desktop\\方案.docx", "方案.docx"),
        ('报告<草稿>:"v2"|?*.pdf', "报告草稿v2.pdf"),
        ("  .hidden.pdf. ", "hidden.pdf"),
        ("line\nbreak\t.pdf", "linebreak.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_upload_names_are_sanitised(raw, clean):
    assert clean_upload_name(raw) == clean


@pytest.mark.parametrize("state", sorted(set(S.values) - {S.DRAFT, S.RETURNED}))
def test_attachments_cannot_be_added_once_submitted(state, ent_a_user, settings):
    problem = problem_in(state, enterprise=ent_a_user.enterprise)
    with pytest.raises(DomainError) as info:
        attachment_add(problem, SimpleUploadedFile("a.pdf", pdf_bytes()), by=ent_a_user)
    assert str(info.value) == (
        "Attachments can only be changed while the problem is a draft or returned."
    )
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_at_most_ten_attachments(ent_a_user):
    problem = ProblemFactory(enterprise=ent_a_user.enterprise)
    for n in range(MAX_ATTACHMENTS):
        attachment_add(problem, SimpleUploadedFile(f"{n}.pdf", pdf_bytes()), by=ent_a_user)
    with pytest.raises(DomainError, match="at most 10 attachments"):
        attachment_add(problem, SimpleUploadedFile("11.pdf", pdf_bytes()), by=ent_a_user)
    assert problem.attachments.count() == 10


# --- enterprises ----------------------------------------------------------------------------


def test_enterprise_register_creates_a_pending_enterprise_its_member_and_an_event(db):
    code = credit_code(4242)
    user = enterprise_register(
        name="塔城丙机械有限公司",
        credit_code=f"  {code.lower()} ",
        region=region("654201"),
        industry=industry("C26"),
        contact_name="赵经理",
        contact_phone="13999999999",
        contact_email="zhao@example.cn",
        username="bing",
        password="Zhiku-test-2026",
    )
    enterprise = user.enterprise
    assert (enterprise.name, enterprise.credit_code, enterprise.status) == (
        "塔城丙机械有限公司",
        code,
        Enterprise.Status.PENDING,
    )
    assert (user.username, user.role, user.email, user.display_name) == (
        "bing",
        User.Role.ENTERPRISE,
        "zhao@example.cn",
        "赵经理",
    )
    assert user.check_password("Zhiku-test-2026")
    assert list(enterprise.events.values_list("from_status", "to_status", "actor_id")) == [
        ("", Enterprise.Status.PENDING, user.pk)
    ]


def test_enterprise_register_with_a_bad_credit_code_creates_nothing(db):
    with pytest.raises(ValidationError) as info:
        enterprise_register(
            name="错误代码公司",
            credit_code="91350100M000100Y44",
            region=region("654201"),
            industry=industry("C26"),
            contact_name="赵经理",
            contact_phone="13999999999",
            username="bad",
            password="Zhiku-test-2026",
        )
    assert list(info.value.message_dict) == ["credit_code"]
    assert (Enterprise.objects.count(), User.objects.count()) == (0, 0)


def test_verifying_an_enterprise_records_who_and_when(staff_tc):
    enterprise = EnterpriseFactory(pending=True)
    verified = enterprise_set_status(enterprise, Enterprise.Status.VERIFIED, by=staff_tc)
    enterprise.refresh_from_db()
    assert verified.status == enterprise.status == Enterprise.Status.VERIFIED
    assert enterprise.verified_by == staff_tc
    assert enterprise.verified_at is not None
    assert list(
        enterprise.events.values_list("from_status", "to_status", "actor_id", "reason")
    ) == [(Enterprise.Status.PENDING, Enterprise.Status.VERIFIED, staff_tc.pk, "")]


def test_rejecting_an_enterprise_requires_a_reason(staff_tc):
    enterprise = EnterpriseFactory(pending=True)
    with pytest.raises(DomainError) as info:
        enterprise_set_status(enterprise, Enterprise.Status.REJECTED, by=staff_tc, reason=" ")
    assert str(info.value) == "Please give the reason so the enterprise knows what to correct."
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.PENDING
    assert EnterpriseEvent.objects.count() == 0

    enterprise_set_status(
        enterprise, Enterprise.Status.REJECTED, by=staff_tc, reason=" 营业执照模糊 "
    )
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.REJECTED
    assert list(
        enterprise.events.values_list("from_status", "to_status", "actor_id", "reason")
    ) == [(Enterprise.Status.PENDING, Enterprise.Status.REJECTED, staff_tc.pk, "营业执照模糊")]


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (Enterprise.Status.VERIFIED, Enterprise.Status.VERIFIED),
        (Enterprise.Status.REJECTED, Enterprise.Status.REJECTED),
        (Enterprise.Status.VERIFIED, Enterprise.Status.PENDING),
        (Enterprise.Status.REJECTED, Enterprise.Status.PENDING),
    ],
)
def test_illegal_enterprise_status_change_is_refused(current, to, staff_tc):
    enterprise = EnterpriseFactory(status=current)
    with pytest.raises(DomainError) as info:
        enterprise_set_status(enterprise, to, by=staff_tc, reason="理由")
    assert str(info.value) == (
        f"An enterprise that is “{Enterprise.Status(current).label}” cannot become "
        f"“{Enterprise.Status(to).label}”."
    )
    assert EnterpriseEvent.objects.count() == 0


# --- campaigns ------------------------------------------------------------------------------


def test_campaign_status_follows_its_table(staff_xj):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)
    with pytest.raises(DomainError, match="cannot become “Closed”"):
        campaign_set_status(campaign, Campaign.Status.CLOSED, by=staff_xj)
    for to in (Campaign.Status.PUBLISHED, Campaign.Status.CLOSED, Campaign.Status.PUBLISHED):
        campaign_set_status(campaign, to, by=staff_xj)
        campaign.refresh_from_db()
        assert campaign.status == to
    assert list(campaign.events.values_list("from_status", "to_status", "actor")) == [
        ("draft", "published", staff_xj.pk),
        ("published", "closed", staff_xj.pk),
        ("closed", "published", staff_xj.pk),
    ]


# --- experts --------------------------------------------------------------------------------


def _profile(**kwargs) -> Expert:
    fields = {
        "name": "刘研究员",
        "employer": "中国科学院新疆理化技术研究所",
        "region": region("650100"),
        "email": "liu@example.cn",
        "mobile": "13800000000",
    }
    return Expert(**(fields | kwargs))


def test_expert_register_creates_an_unverified_profile_with_a_zj_reference(db):
    user = expert_register(username="liu", password="Zhiku-test-2026", profile=_profile())
    second = expert_register(
        username="chen", password="Zhiku-test-2026", profile=_profile(name="陈工")
    )
    expert = Expert.objects.get(user=user)
    assert (expert.name, expert.ref, expert.verified, expert.verified_by) == (
        "刘研究员",
        f"ZJ-{YEAR}-00001",
        False,
        None,
    )
    assert (user.role, user.email, user.display_name, user.phone) == (
        User.Role.EXPERT,
        "liu@example.cn",
        "刘研究员",
        "13800000000",
    )
    assert Expert.objects.get(user=second).ref == f"ZJ-{YEAR}-00002"


def test_expert_register_keeps_an_imported_reference(db):
    user = expert_register(
        username="liu", password="Zhiku-test-2026", profile=_profile(ref="XJ-OLD-7", verified=True)
    )
    assert Expert.objects.filter(user=user).values_list("ref", "verified").get() == (
        "XJ-OLD-7",
        False,
    )
    assert Sequence.objects.count() == 0


def test_expert_verify_records_who_and_refuses_twice(staff_xj):
    expert = ExpertFactory(verified=False)
    expert_verify(expert, by=staff_xj)
    expert.refresh_from_db()
    assert (expert.verified, expert.verified_by) == (True, staff_xj)
    assert expert.verified_at is not None
    with pytest.raises(DomainError) as info:
        expert_verify(expert, by=staff_xj)
    assert str(info.value) == "This expert is already verified."
