"""Research topics through their services: numbers, the one state-change path with its
events, team, milestones, documents, progress, and who is told."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Notification
from consult.models import Milestone, Topic, TopicEvent
from consult.services.topics import (
    milestone_delete,
    milestone_save,
    similar_problems,
    topic_create,
    topic_document_add,
    topic_member_add,
    topic_member_remove,
    topic_people,
    topic_progress_update,
    topic_transition,
    topic_update,
)
from problems.models import Problem
from problems.services import DomainError
from tests.factories import (
    ExpertFactory,
    ProblemFactory,
    ReadyProblemFactory,
    SocietyFactory,
    TopicFactory,
    UserFactory,
    industry,
    pdf_bytes,
    png_bytes,
    region,
)

pytestmark = pytest.mark.django_db
T = Topic.Status
YEAR = timezone.localdate().year


def _moved(topic, *path, by, reason=""):
    for to in path:
        topic = topic_transition(topic, to, by=by, reason=reason)
    return topic


# --- creation -------------------------------------------------------------------------------


def test_topic_create_numbers_records_and_tells_the_enterprises(staff_xj, ent_a_user, ent_b_user):
    mine = ReadyProblemFactory(enterprise=ent_a_user.enterprise)
    theirs = ReadyProblemFactory(enterprise=ent_b_user.enterprise)
    first = topic_create(title=" 棉花机采 ", region=region("650000"), by=staff_xj)
    second = topic_create(
        title="电子化学品提纯", region=region("650000"), by=staff_xj, problems=[mine, theirs]
    )

    assert (first.number, first.title, first.status) == (f"ZK-{YEAR}-001", "棉花机采", T.PROPOSED)
    assert second.number == f"ZK-{YEAR}-002"
    assert set(second.problems.all()) == {mine, theirs}
    assert list(second.events.values_list("actor", "from_status", "to_status")) == [
        (staff_xj.pk, "", T.PROPOSED)
    ]
    notice = Notification.objects.get(user=ent_a_user)
    assert notice.title == (
        f"Your problem {mine.number} became part of research topic {second.number}"
    )
    assert notice.url == f"/problems/{mine.pk}/"
    assert Notification.objects.filter(user=ent_b_user).count() == 1


def test_topic_create_refuses_two_leads_and_reversed_dates(staff_xj):
    with pytest.raises(DomainError, match="one lead"):
        topic_create(
            title="x",
            region=region("650000"),
            by=staff_xj,
            lead_expert=ExpertFactory(),
            lead_society=SocietyFactory(),
        )
    with pytest.raises(DomainError, match="end date must not be before"):
        topic_create(
            title="x",
            region=region("650000"),
            by=staff_xj,
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 30),
        )
    assert Topic.objects.count() == 0


# --- the state machine ------------------------------------------------------------------------


ALLOWED = [
    (T.PROPOSED, T.APPROVED),
    (T.PROPOSED, T.TERMINATED),
    (T.APPROVED, T.IN_PROGRESS),
    (T.APPROVED, T.TERMINATED),
    (T.IN_PROGRESS, T.MIDTERM),
    (T.IN_PROGRESS, T.CONCLUDED),
    (T.IN_PROGRESS, T.TERMINATED),
    (T.MIDTERM, T.IN_PROGRESS),
    (T.MIDTERM, T.CONCLUDED),
    (T.MIDTERM, T.TERMINATED),
]


def test_the_allowed_moves_are_the_model_table():
    assert sorted(ALLOWED) == sorted(
        (frm, to) for frm, targets in Topic.TRANSITIONS.items() for to in targets
    )


@pytest.mark.parametrize(("frm", "to"), ALLOWED)
def test_every_allowed_move_is_made_and_recorded(frm, to, staff_xj):
    topic = TopicFactory(status=frm)
    moved = topic_transition(topic, to, by=staff_xj, reason=" 评审通过 ")
    assert Topic.objects.get(pk=topic.pk).status == to == moved.status
    event = TopicEvent.objects.get(topic=topic)
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        staff_xj,
        frm,
        to,
        "评审通过",
    )


ILLEGAL = [
    (frm, to)
    for frm in T.values
    for to in T.values
    if to not in Topic.TRANSITIONS[frm] and to != T.TERMINATED
]


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_illegal_moves_are_refused_with_the_message(frm, to, staff_xj):
    topic = TopicFactory(status=frm)
    message = f"A topic that is “{T(frm).label}” cannot be moved to “{T(to).label}”."
    with pytest.raises(DomainError) as refused:
        topic_transition(topic, to, by=staff_xj)
    assert str(refused.value) == message
    assert Topic.objects.get(pk=topic.pk).status == frm
    assert not TopicEvent.objects.filter(topic=topic).exists()


@pytest.mark.parametrize("frm", [T.CONCLUDED, T.TERMINATED])
def test_a_closed_topic_cannot_be_terminated(frm, staff_xj):
    topic = TopicFactory(status=frm)
    with pytest.raises(DomainError, match="cannot be moved to “Terminated”"):
        topic_transition(topic, T.TERMINATED, by=staff_xj, reason="重复立项")


def test_terminate_needs_a_reason(staff_xj):
    topic = TopicFactory(status=T.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        topic_transition(topic, T.TERMINATED, by=staff_xj, reason="   ")
    assert str(refused.value) == "Please give a reason for terminating the topic."
    assert Topic.objects.get(pk=topic.pk).status == T.IN_PROGRESS
    assert not TopicEvent.objects.filter(topic=topic).exists()


def test_an_unknown_state_is_refused_not_a_crash(staff_xj):
    topic = TopicFactory()
    with pytest.raises(DomainError, match="Unknown status"):
        topic_transition(topic, "finished", by=staff_xj)


def test_the_whole_path_to_conclusion_sets_progress_to_100_and_keeps_the_history(staff_xj):
    topic = TopicFactory(progress=60)
    topic = _moved(
        topic,
        T.APPROVED,
        T.IN_PROGRESS,
        T.MIDTERM,
        T.IN_PROGRESS,
        T.MIDTERM,
        T.CONCLUDED,
        by=staff_xj,
    )
    assert (topic.status, Topic.objects.get(pk=topic.pk).progress) == (T.CONCLUDED, 100)
    assert list(topic.events.values_list("from_status", "to_status")) == [
        (T.PROPOSED, T.APPROVED),
        (T.APPROVED, T.IN_PROGRESS),
        (T.IN_PROGRESS, T.MIDTERM),
        (T.MIDTERM, T.IN_PROGRESS),
        (T.IN_PROGRESS, T.MIDTERM),
        (T.MIDTERM, T.CONCLUDED),
    ]


def test_a_transition_tells_the_topics_people_but_not_the_actor(staff_xj, expert_user):
    member = ExpertFactory(user=UserFactory(role="expert"))
    admin = UserFactory(role="society_admin")
    topic = TopicFactory(lead_expert=expert_user.expert)
    topic_member_add(topic, member, by=staff_xj)
    Notification.objects.all().delete()

    topic_transition(topic, T.APPROVED, by=staff_xj)

    told = Notification.objects.filter(title=f"Research topic {topic.number}: Approved (立项)")
    assert sorted(told.values_list("user__username", flat=True)) == sorted(
        [expert_user.username, member.user.username]
    )
    assert admin.notifications.count() == staff_xj.notifications.count() == 0


def test_topic_people_are_the_lead_the_societys_admins_and_the_team():
    admin, gone = UserFactory(role="society_admin"), UserFactory(is_active=False)
    society = SocietyFactory(admins=[admin, gone])
    member = ExpertFactory(user=UserFactory(role="expert"))
    no_account = ExpertFactory()
    topic = TopicFactory(lead_expert=None, lead_society=society)
    topic.members.create(expert=member)
    topic.members.create(expert=no_account)
    assert topic_people(topic) == [admin, member.user]


# --- plan changes ---------------------------------------------------------------------------


def test_topic_update_changes_the_plan_and_tells_only_new_problems(staff_xj, ent_a_user):
    kept = ReadyProblemFactory()
    dropped = ReadyProblemFactory()
    added = ReadyProblemFactory(enterprise=ent_a_user.enterprise)
    topic = topic_create(title="旧", region=region("650000"), by=staff_xj, problems=[kept, dropped])
    Notification.objects.all().delete()

    topic = topic_update(topic, by=staff_xj, title=" 新 ", budget=12, problems=[kept, added])

    topic.refresh_from_db()
    assert (topic.title, topic.budget) == ("新", 12)
    assert set(topic.problems.all()) == {kept, added}
    assert list(Notification.objects.values_list("user", flat=True)) == [ent_a_user.pk]


def test_topic_update_cannot_set_the_state_or_the_number(staff_xj):
    topic = TopicFactory()
    with pytest.raises(TypeError, match="status"):
        topic_update(topic, by=staff_xj, status=T.CONCLUDED)
    with pytest.raises(TypeError, match="number"):
        topic_update(topic, by=staff_xj, number="ZK-1999-001")
    assert Topic.objects.get(pk=topic.pk).status == T.PROPOSED


@pytest.mark.parametrize("status", [T.CONCLUDED, T.TERMINATED])
def test_a_closed_topics_plan_team_and_milestones_are_frozen(status, staff_xj):
    topic = TopicFactory(status=status)
    member = topic.members.create(expert=ExpertFactory())
    milestone = topic.milestones.create(title="中期", due_date=datetime.date(2026, 6, 1))
    message = "A concluded or terminated topic can no longer be changed."
    for attempt in (
        lambda: topic_update(topic, by=staff_xj, title="改"),
        lambda: topic_member_add(topic, ExpertFactory(), by=staff_xj),
        lambda: topic_member_remove(member, by=staff_xj),
        lambda: milestone_save(milestone, by=staff_xj),
        lambda: milestone_delete(milestone, by=staff_xj),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert str(refused.value) == message
    assert (topic.members.count(), topic.milestones.count()) == (1, 1)


# --- team, milestones -------------------------------------------------------------------------


def test_member_add_tells_the_expert_and_refuses_twice(staff_xj, expert_user):
    topic = TopicFactory()
    member = topic_member_add(
        topic,
        expert_user.expert,
        by=staff_xj,
        role=" 子课题负责人 ",
        outside=True,
        affiliation_note=" 对口援疆·浙江 ",
    )
    assert (member.role, member.outside, member.affiliation_note, member.added_by) == (
        "子课题负责人",
        True,
        "对口援疆·浙江",
        staff_xj,
    )
    notice = Notification.objects.get(user=expert_user)
    assert notice.title == f"You joined the team of research topic {topic.number}"
    with pytest.raises(DomainError) as refused:
        topic_member_add(topic, expert_user.expert, by=staff_xj)
    assert str(refused.value) == "张教授 is already on the team."

    topic_member_remove(member, by=staff_xj)
    assert topic.members.count() == 0


def test_a_milestone_needs_a_title(staff_xj):
    topic = TopicFactory()
    with pytest.raises(DomainError, match="name the milestone"):
        milestone_save(
            Milestone(topic=topic, title="  ", due_date=datetime.date(2026, 6, 1)), by=staff_xj
        )
    saved = milestone_save(
        Milestone(topic=topic, title=" 调研 ", due_date=datetime.date(2026, 6, 1)), by=staff_xj
    )
    assert list(topic.milestones.values_list("title", flat=True)) == ["调研"]
    milestone_delete(saved, by=staff_xj)
    assert topic.milestones.count() == 0


def test_milestone_overdue_only_when_not_done():
    topic = TopicFactory()
    due = datetime.date(2026, 6, 1)
    late = Milestone(topic=topic, title="a", due_date=due)
    done = Milestone(topic=topic, title="b", due_date=due, done_on=due)
    day_after = due + datetime.timedelta(days=1)
    assert (late.is_overdue(day_after), late.is_overdue(due), done.is_overdue(day_after)) == (
        True,
        False,
        False,
    )


# --- documents and progress -------------------------------------------------------------------


def test_document_add_stores_the_file_checked_by_its_content(expert_user):
    topic = TopicFactory(status=T.IN_PROGRESS)
    upload = SimpleUploadedFile("中期报告.pdf", pdf_bytes(), content_type="application/pdf")
    document = topic_document_add(topic, upload, kind="midterm", by=expert_user, note=" 第一版 ")
    assert (document.original_name, document.content_type, document.note, document.kind) == (
        "中期报告.pdf",
        "application/pdf",
        "第一版",
        "midterm",
    )
    with document.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()


def test_document_add_refuses_a_disguised_file_and_an_unknown_kind(expert_user):
    topic = TopicFactory(status=T.IN_PROGRESS)
    disguised = SimpleUploadedFile("报告.pdf", png_bytes(), content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"not really a \.pdf file"):
        topic_document_add(topic, disguised, kind="deliverable", by=expert_user)
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/x-msdos")
    with pytest.raises(ValidationError, match="only these file types are accepted"):
        topic_document_add(topic, script, kind="deliverable", by=expert_user)
    good = SimpleUploadedFile("a.pdf", pdf_bytes())
    with pytest.raises(DomainError, match="Unknown kind"):
        topic_document_add(topic, good, kind="secret", by=expert_user)
    assert topic.documents.count() == 0


def test_progress_update_records_and_sets_the_percentage(expert_user):
    topic = TopicFactory(status=T.IN_PROGRESS, lead_expert=expert_user.expert)
    update = topic_progress_update(topic, by=expert_user, text=" 完成调研 ", progress=40)
    assert (update.text, update.progress, update.author) == ("完成调研", 40, expert_user)
    assert Topic.objects.get(pk=topic.pk).progress == 40


@pytest.mark.parametrize(
    ("status", "text", "progress", "message"),
    [
        (T.PROPOSED, "x", 10, "Progress can be reported only while the topic is under way."),
        (T.CONCLUDED, "x", 10, "Progress can be reported only while the topic is under way."),
        (T.IN_PROGRESS, "x", 101, "Progress is a percentage between 0 and 100."),
        (T.IN_PROGRESS, "x", -1, "Progress is a percentage between 0 and 100."),
        (T.APPROVED, "  ", 10, "Please describe the progress."),
    ],
)
def test_progress_update_refusals(status, text, progress, message, expert_user):
    topic = TopicFactory(status=status, progress=5)
    with pytest.raises(DomainError) as refused:
        topic_progress_update(topic, by=expert_user, text=text, progress=progress)
    assert str(refused.value) == message
    assert (topic.updates.count(), Topic.objects.get(pk=topic.pk).progress) == (0, 5)


# --- similar problems -------------------------------------------------------------------------


def test_similar_problems_share_title_words_or_the_industry():
    chosen = ReadyProblemFactory(title="电子级氢氟酸提纯工艺", industry=industry("C26"))
    by_words = ReadyProblemFactory(title="氢氟酸提纯设备国产化", industry=industry("C38"))
    by_industry = ReadyProblemFactory(title="农药中间体合成", industry=industry("C26"))
    ReadyProblemFactory(title="棉花采摘机械", industry=industry("C38"))
    candidates = Problem.objects.all()
    found = similar_problems([chosen], candidates)
    assert found == [by_words, by_industry]
    assert similar_problems([], candidates) == []


def test_similar_problems_keep_to_the_candidates():
    chosen = ReadyProblemFactory(title="电子级氢氟酸提纯工艺")
    ProblemFactory(title="氢氟酸提纯设备国产化")  # a draft: not a candidate
    candidates = Problem.objects.exclude(status=Problem.Status.DRAFT)
    assert similar_problems([chosen], candidates) == []
