"""The research topic pages: who sees and does what, the filtered list, creation from problems
(the enterprise is told and sees it on its problem page), the state machine through the views,
team, milestones, documents and progress."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Notification
from consult.models import Milestone, Topic, TopicDocument, TopicEvent, TopicMember
from consult.services.feedback import adoption_record, instruction_record
from consult.services.topics import topic_document_add
from problems.models import Problem
from tests.factories import (
    ExpertFactory,
    GovernmentBodyFactory,
    ProblemFactory,
    ReadyProblemFactory,
    ReportFactory,
    SocietyFactory,
    TopicFactory,
    UserFactory,
    discipline,
    issued_report,
    pdf_bytes,
    png_bytes,
    region,
)

pytestmark = pytest.mark.django_db
T = Topic.Status
YEAR = timezone.localdate().year


def _expert_user(username: str, name: str):
    user = UserFactory(username=username, display_name=name, role="expert")
    ExpertFactory(user=user, name=name)
    return user


@pytest.fixture
def member_user(db):
    return _expert_user("member", "李研究员")


@pytest.fixture
def stranger_user(db):
    return _expert_user("stranger", "赵工")


@pytest.fixture
def problem_a(ent_a):
    return ReadyProblemFactory(enterprise=ent_a, title="电子级氢氟酸提纯工艺")


@pytest.fixture
def topic(expert_user, member_user, problem_a):
    """A 塔城 topic under way, led by expert_user, with member_user on the team."""
    topic = TopicFactory(
        title="塔城电子化学品攻关",
        region=region("654200"),
        status=T.IN_PROGRESS,
        lead_expert=expert_user.expert,
        progress=20,
    )
    topic.problems.add(problem_a)
    TopicMember.objects.create(topic=topic, expert=member_user.expert, role="成员")
    return topic


def url(topic, action=""):
    return f"/consult/topics/{topic.pk}/{action + '/' if action else ''}"


# --- who sees the topic -----------------------------------------------------------------------

ALLOWED_VIEWERS = ["staff_xj", "staff_tc", "admin_user", "expert_user", "member_user"]
NOT_FOUND = ["staff_ks", "stranger_user", "ent_a_user", "official_user", "society_admin_user"]


@pytest.mark.parametrize("who", ALLOWED_VIEWERS)
def test_the_topic_page_shows_the_topic_to_its_staff_and_people(who, request, topic, client_for):
    response = client_for(request.getfixturevalue(who)).get(url(topic))
    assert response.status_code == 200
    assert response.context["topic"] == topic
    html = response.content.decode()
    assert "塔城电子化学品攻关" in html
    assert "李研究员" in html
    assert "电子级氢氟酸提纯工艺" in html


@pytest.mark.parametrize("who", NOT_FOUND)
def test_the_topic_page_is_not_found_for_everyone_else(who, request, topic, client_for):
    assert client_for(request.getfixturevalue(who)).get(url(topic)).status_code == 404


def test_the_lead_societys_admins_see_the_topic(society_admin_user, client_for):
    society = society_admin_user.administered_societies.get()
    topic = TopicFactory(lead_expert=None, lead_society=society, status=T.IN_PROGRESS)
    response = client_for(society_admin_user).get(url(topic))
    assert response.status_code == 200
    assert response.context["can_report"] is True
    assert response.context["is_staff_view"] is False


def test_staff_get_problem_links_the_topics_people_only_numbers_and_titles(
    topic, problem_a, client_for, staff_tc, expert_user
):
    link = f'href="/problems/{problem_a.pk}/"'
    assert link in client_for(staff_tc).get(url(topic)).content.decode()
    html = client_for(expert_user).get(url(topic)).content.decode()
    assert link not in html
    assert f"{problem_a.number} 电子级氢氟酸提纯工艺" in html


def test_staff_get_no_link_to_a_problem_outside_their_scope(topic, ent_b, client_for, staff_tc):
    kashgar = ReadyProblemFactory(enterprise=ent_b, title="喀什的问题")
    topic.problems.add(kashgar)
    html = client_for(staff_tc).get(url(topic)).content.decode()
    assert "喀什的问题" in html
    assert f'href="/problems/{kashgar.pk}/"' not in html


def test_the_page_shows_actions_by_permission(
    topic, client_for, staff_tc, expert_user, member_user
):
    staff = client_for(staff_tc).get(url(topic)).context
    assert [m["to"] for m in staff["moves"]] == [T.MIDTERM, T.CONCLUDED, T.TERMINATED]
    assert staff["member_form"] is not None and staff["progress_form"] is not None
    lead = client_for(expert_user).get(url(topic)).context
    assert (lead["moves"], lead["member_form"], lead["milestone_form"]) == ([], None, None)
    assert lead["progress_form"] is not None and lead["document_form"] is not None
    member = client_for(member_user).get(url(topic)).context
    assert (member["progress_form"], member["document_form"]) == (None, None)


def test_overdue_milestones_are_marked(topic, client_for, staff_tc):
    today = timezone.localdate()
    topic.milestones.create(title="调研报告", due_date=today - datetime.timedelta(days=3))
    topic.milestones.create(
        title="开题", due_date=today - datetime.timedelta(days=30), done_on=today
    )
    topic.milestones.create(title="结题", due_date=today + datetime.timedelta(days=30))
    html = client_for(staff_tc).get(url(topic)).content.decode()
    assert html.count('<span class="overdue">overdue</span>') == 1


def test_reports_staff_see_all_the_people_only_issued(topic, client_for, staff_xj, expert_user):
    body = GovernmentBodyFactory()
    issued = issued_report(by=staff_xj, addressees=[body], topic=topic, title="已签发的专报")
    ReportFactory(topic=topic, title="草稿专报")
    staff = client_for(staff_xj).get(url(topic))
    assert sorted(r.title for r in staff.context["reports"]) == ["已签发的专报", "草稿专报"]
    assert f'href="/consult/reports/new/?topic={topic.pk}"' in staff.content.decode()
    lead = client_for(expert_user).get(url(topic))
    assert list(lead.context["reports"]) == [issued]
    html = lead.content.decode()
    assert f'href="/consult/reports/{issued.pk}/"' in html
    assert "草稿专报" not in html and "/consult/reports/new/" not in html


def test_huge_and_unknown_ids_are_not_found(client_for, staff_xj):
    client = client_for(staff_xj)
    for path in (
        "/consult/topics/99999999999999999999999/",
        "/consult/topics/424242/",
        "/consult/topics/documents/99999999999999999999999/",
        "/consult/topics/milestones/99999999999999999999999/edit/",
    ):
        assert client.get(path).status_code == 404
    assert client.post("/consult/topics/members/99999999999999999999999/remove/").status_code == 404


@pytest.mark.parametrize("action", ["transition", "progress", "members", "milestones", "documents"])
def test_post_only_actions_refuse_get(action, topic, client_for, staff_xj):
    assert client_for(staff_xj).get(url(topic, action)).status_code == 405


# --- the list ---------------------------------------------------------------------------------


def test_the_list_is_refused_to_enterprises_and_officials(client_for, ent_a_user, official_user):
    assert client_for(ent_a_user).get("/consult/topics/").status_code == 403
    assert client_for(official_user).get("/consult/topics/").status_code == 403


def test_staff_list_keeps_to_the_scope(topic, client_for, staff_ks, staff_tc):
    kashgar = TopicFactory(region=region("653101"))
    assert list(client_for(staff_ks).get("/consult/topics/").context["page"]) == [kashgar]
    listing = client_for(staff_tc).get("/consult/topics/")
    assert list(listing.context["page"]) == [topic]
    assert listing.context["can_add"] is True
    assert 'href="/consult/topics/new/"' in listing.content.decode()


def test_experts_list_the_topics_they_work_on(topic, client_for, expert_user, member_user):
    TopicFactory(title="别人的课题")
    led = client_for(expert_user).get("/consult/topics/")
    assert list(led.context["page"]) == [topic]
    assert (led.context["is_staff_view"], led.context["can_add"]) == (False, False)
    assert list(client_for(member_user).get("/consult/topics/").context["page"]) == [topic]


def test_society_admins_list_their_societys_topics(client_for, society_admin_user):
    society = society_admin_user.administered_societies.get()
    ours = TopicFactory(lead_expert=None, lead_society=society)
    TopicFactory()
    assert list(client_for(society_admin_user).get("/consult/topics/").context["page"]) == [ours]


@pytest.fixture
def filtered_topics(db):
    wang = ExpertFactory(name="王建国")
    society = SocietyFactory(name="新疆农学会")
    old = TopicFactory(
        number="ZK-2024-001",
        title="棉花机采",
        region=region("654201"),
        status=T.CONCLUDED,
        lead_expert=wang,
        discipline=discipline("21030"),
    )
    Topic.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2024, 3, 1))
    )
    farming = TopicFactory(
        number=f"ZK-{YEAR}-001",
        title="节水灌溉",
        region=region("654200"),
        status=T.IN_PROGRESS,
        lead_expert=None,
        lead_society=society,
        discipline=discipline("210"),
    )
    materials = TopicFactory(
        number=f"ZK-{YEAR}-002",
        title="电子化学品",
        region=region("653101"),
        status=T.PROPOSED,
        discipline=discipline("43010"),
    )
    return {"old": old, "farming": farming, "materials": materials}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=concluded", ["old"]),
        ("status=in_progress&status=proposed", ["farming", "materials"]),
        ("year=2024", ["old"]),
        (f"year={YEAR}", ["farming", "materials"]),
        ("region=654200", ["old", "farming"]),
        ("region=654201", ["old"]),
        ("region=653100", ["materials"]),
        ("lead=王建", ["old"]),
        ("lead=农学会", ["farming"]),
        ("discipline=210", ["old", "farming"]),
        ("discipline=21030", ["old"]),
        ("discipline=430", ["materials"]),
        ("q=灌溉", ["farming"]),
        (f"q=ZK-{YEAR}", ["farming", "materials"]),
        ("q=ZK-2024 棉花", ["old"]),
        ("o=number", ["old", "farming", "materials"]),
    ],
)
def test_the_staff_list_filters(query, expected, filtered_topics, client_for, staff_xj):
    response = client_for(staff_xj).get(f"/consult/topics/?{query}")
    names = {topic.pk: name for name, topic in filtered_topics.items()}
    found = [names[topic.pk] for topic in response.context["page"]]
    if not query.startswith("o="):
        found.sort(key=list(filtered_topics).index)
    assert found == expected


@pytest.mark.parametrize("query", ["year=99999999999", "region=999999", "discipline=abc"])
def test_bad_filter_values_list_nothing_rather_than_fail(
    query, filtered_topics, client_for, staff_xj
):
    response = client_for(staff_xj).get(f"/consult/topics/?{query}")
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["filter"].errors


def test_the_region_filter_offers_only_the_scope(client_for, staff_tc):
    regions = client_for(staff_tc).get("/consult/topics/").context["filter"].form["region"]
    codes = {choice.data["value"] for choice in regions.subwidgets if choice.data["value"]}
    assert "654201" in codes and "653101" not in codes


@pytest.mark.parametrize("n", [1, 3])
def test_staff_list_query_count(n, client_for, staff_tc, django_assert_num_queries):
    for i in range(n):
        TopicFactory(
            region=region("654201"),
            discipline=discipline("21030"),
            lead_expert=None if i % 2 else ExpertFactory(),
            lead_society=SocietyFactory() if i % 2 else None,
        )
    client = client_for(staff_tc)
    with django_assert_num_queries(8):
        response = client.get("/consult/topics/")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_expert_list_query_count(n, client_for, expert_user, django_assert_num_queries):
    for _ in range(n):
        TopicFactory(lead_expert=expert_user.expert)
    client = client_for(expert_user)
    with django_assert_num_queries(7):
        response = client.get("/consult/topics/")
    assert len(response.context["page"]) == n


# --- creation ---------------------------------------------------------------------------------


def test_create_is_for_staff_only(client_for, expert_user, ent_a_user, official_user):
    for user in (expert_user, ent_a_user, official_user):
        assert client_for(user).get("/consult/topics/new/").status_code == 403


def test_create_preselects_the_problems_and_suggests_similar_ones(
    problem_a, client_for, staff_tc, ent_b
):
    similar = ReadyProblemFactory(title="氢氟酸提纯设备国产化")
    ReadyProblemFactory(enterprise=ent_b, title="喀什氢氟酸提纯")  # outside staff_tc's scope
    ProblemFactory(title="氢氟酸提纯草稿")  # a draft
    response = client_for(staff_tc).get(f"/consult/topics/new/?problems={problem_a.pk}")
    form = response.context["form"]
    assert form.initial["problems"] == [problem_a.pk]
    assert form.initial["title"] == "电子级氢氟酸提纯工艺"
    assert form.initial["region"] == "654200"
    assert response.context["similar"] == [similar]
    assert (
        f'href="/consult/topics/new/?problems={problem_a.pk},{similar.pk}"'
        in response.content.decode()
    )


@pytest.mark.parametrize(
    "ids", ["abc", "-1", "99999999999999999999999999", "1.5", "", ",,,", "²", "0x10"]
)
def test_bad_preselected_ids_are_ignored(ids, client_for, staff_tc):
    response = client_for(staff_tc).get(f"/consult/topics/new/?problems={ids}")
    assert response.status_code == 200
    assert response.context["form"].initial["problems"] == []


def test_problems_outside_scope_or_not_accepted_are_not_preselected(
    client_for, staff_tc, ent_a, ent_b
):
    kashgar = ReadyProblemFactory(enterprise=ent_b)
    screening = ReadyProblemFactory(enterprise=ent_a, status=Problem.Status.SCREENING)
    response = client_for(staff_tc).get(
        f"/consult/topics/new/?problems={kashgar.pk},{screening.pk}"
    )
    assert response.context["form"].initial["problems"] == []


def _topic_data(**overrides):
    data = {"title": "电子化学品提纯攻关", "region": "654200", "summary": "研究内容"}
    data.update(overrides)
    return data


def test_creating_from_a_problem_tells_the_enterprise_and_shows_on_its_problem_page(
    problem_a, client_for, staff_tc, ent_a_user, expert_user
):
    response = client_for(staff_tc).post(
        "/consult/topics/new/",
        _topic_data(
            problems=[problem_a.pk],
            lead_expert=" ZJ-T-CAST ",
            budget="35.5",
            start_date="2026-03-01",
            end_date="2026-12-31",
        ),
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consult/topics/{topic.pk}/"
    assert (topic.number, topic.lead_expert, str(topic.budget), topic.region_id) == (
        f"ZK-{YEAR}-001",
        expert_user.expert,
        "35.50",
        "654200",
    )
    assert list(topic.problems.all()) == [problem_a]
    notice = Notification.objects.get(user=ent_a_user)
    assert notice.title == (
        f"Your problem {problem_a.number} became part of research topic {topic.number}"
    )

    page = client_for(ent_a_user).get(f"/problems/{problem_a.pk}/")
    assert [t.number for t in page.context["topics"]] == [topic.number]
    html = page.content.decode()
    assert f"{topic.number} 电子化学品提纯攻关" in html
    assert f'href="/consult/topics/{topic.pk}/"' not in html
    staff_html = client_for(staff_tc).get(f"/problems/{problem_a.pk}/").content.decode()
    assert f'href="/consult/topics/{topic.pk}/"' in staff_html


def test_a_stand_alone_topic_has_no_problems(client_for, staff_xj):
    response = client_for(staff_xj).post("/consult/topics/new/", _topic_data(region="650000"))
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert (topic.problems.count(), topic.lead, topic.created_by) == (0, None, staff_xj)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"lead_expert": "ZJ-T-CAST", "lead_society": "society"},
            "lead_society",
            "A topic has one lead: an expert or a learned society, not both.",
        ),
        ({"lead_expert": "ZJ-NONE"}, "lead_expert", "No expert has this reference."),
        (
            {"start_date": "2026-05-01", "end_date": "2026-04-01"},
            "end_date",
            "The end date must not be before the start date.",
        ),
        (
            {"region": "653100"},
            "region",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"budget": "-1"}, "budget", "Ensure this value is greater than or equal to 0."),
        ({"budget": "1e100"}, "budget", "Ensure that there are no more than 10 digits in total."),
        ({"start_date": "99999-01-01"}, "start_date", "Enter a valid date."),
        ({"problems": ["abc"]}, "problems", "“abc” is not a valid value."),
        (
            {"problems": ["99999999999999999999999"]},
            "problems",
            "“99999999999999999999999” is not a valid value.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_create_form_errors(overrides, field, message, client_for, staff_tc, expert_user):
    society = SocietyFactory()
    if overrides.get("lead_society") == "society":
        overrides["lead_society"] = society.pk
    response = client_for(staff_tc).post("/consult/topics/new/", _topic_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Topic.objects.count() == 0


@pytest.mark.parametrize("status", [Problem.Status.DRAFT, Problem.Status.REJECTED])
def test_create_refuses_problems_not_accepted(status, client_for, staff_tc, ent_a):
    problem = ReadyProblemFactory(enterprise=ent_a, status=status)
    response = client_for(staff_tc).post("/consult/topics/new/", _topic_data(problems=[problem.pk]))
    assert response.context["form"].errors["problems"] == [
        f"Select a valid choice. {problem.pk} is not one of the available choices."
    ]


def test_problem_page_offers_topic_creation_to_staff_only(
    problem_a, client_for, staff_tc, ent_a_user
):
    link = f'href="/consult/topics/new/?problems={problem_a.pk}"'
    assert link in client_for(staff_tc).get(f"/problems/{problem_a.pk}/").content.decode()
    assert link not in client_for(ent_a_user).get(f"/problems/{problem_a.pk}/").content.decode()


# --- editing ----------------------------------------------------------------------------------


def test_staff_edit_the_plan(topic, problem_a, client_for, staff_tc, ent_a):
    other = ReadyProblemFactory(enterprise=ent_a)
    client = client_for(staff_tc)
    form = client.get(url(topic, "edit")).context["form"]
    assert form.initial["lead_expert"] == "ZJ-T-CAST"
    assert form.initial["problems"] == [problem_a.pk]
    response = client.post(
        url(topic, "edit"),
        _topic_data(title="新题目", lead_expert="ZJ-T-CAST", problems=[other.pk]),
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.title, list(topic.problems.all())) == ("新题目", [other])


def test_editing_keeps_problems_outside_the_editors_scope(topic, ent_b, client_for, staff_tc):
    kashgar = ReadyProblemFactory(enterprise=ent_b)
    topic.problems.add(kashgar)
    problems = sorted(topic.problems.values_list("pk", flat=True))
    response = client_for(staff_tc).post(
        url(topic, "edit"), _topic_data(lead_expert="ZJ-T-CAST", problems=problems)
    )
    assert response.status_code == 302
    assert sorted(topic.problems.values_list("pk", flat=True)) == problems


def test_a_concluded_topic_cannot_be_edited(topic, client_for, staff_tc):
    Topic.objects.filter(pk=topic.pk).update(status=T.CONCLUDED)
    response = client_for(staff_tc).post(url(topic, "edit"), _topic_data(title="改"))
    assert response.context["form"].non_field_errors() == [
        "A concluded or terminated topic can no longer be changed."
    ]
    assert Topic.objects.get(pk=topic.pk).title == "塔城电子化学品攻关"


@pytest.mark.parametrize(
    ("who", "status"), [("expert_user", 403), ("member_user", 403), ("staff_ks", 404)]
)
def test_edit_is_refused(who, status, request, topic, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(topic, "edit")).status_code == status
    assert client.post(url(topic, "edit"), _topic_data(title="改")).status_code == status
    assert Topic.objects.get(pk=topic.pk).title == "塔城电子化学品攻关"


# --- transitions through the views ------------------------------------------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_move_the_topic_along_and_the_history_shows_it(topic, client_for, staff_tc):
    client = client_for(staff_tc)
    for to in (T.MIDTERM, T.IN_PROGRESS, T.CONCLUDED):
        response = client.post(url(topic, "transition"), {"to": to}, follow=True)
        assert Topic.objects.get(pk=topic.pk).status == to
        label = Topic.Status(to).label
        assert _messages(response) == [f"The topic is now “{label}”."]
    topic.refresh_from_db()
    assert topic.progress == 100
    assert list(topic.events.values_list("actor", "from_status", "to_status")) == [
        (staff_tc.pk, T.IN_PROGRESS, T.MIDTERM),
        (staff_tc.pk, T.MIDTERM, T.IN_PROGRESS),
        (staff_tc.pk, T.IN_PROGRESS, T.CONCLUDED),
    ]


def test_an_illegal_move_through_the_view_is_refused_with_the_message(topic, client_for, staff_tc):
    response = client_for(staff_tc).post(url(topic, "transition"), {"to": T.APPROVED}, follow=True)
    assert _messages(response) == [
        "A topic that is “In progress” cannot be moved to “Approved (立项)”."
    ]
    assert Topic.objects.get(pk=topic.pk).status == T.IN_PROGRESS


def test_terminating_needs_a_reason_through_the_view(topic, client_for, staff_tc):
    client = client_for(staff_tc)
    refused = client.post(
        url(topic, "transition"), {"to": T.TERMINATED, "reason": " "}, follow=True
    )
    assert _messages(refused) == ["Please give a reason for terminating the topic."]
    assert Topic.objects.get(pk=topic.pk).status == T.IN_PROGRESS
    client.post(url(topic, "transition"), {"to": T.TERMINATED, "reason": "企业已自行解决"})
    event = TopicEvent.objects.get(topic=topic)
    assert (event.to_status, event.reason, event.actor) == (
        T.TERMINATED,
        "企业已自行解决",
        staff_tc,
    )


@pytest.mark.parametrize("data", [{"to": "bogus"}, {}, {"to": T.MIDTERM, "reason": "x" * 3000}])
def test_an_unreadable_transition_is_a_message(data, topic, client_for, staff_tc):
    response = client_for(staff_tc).post(url(topic, "transition"), data, follow=True)
    assert _messages(response) == ["The action could not be read; please try again."]
    assert Topic.objects.get(pk=topic.pk).status == T.IN_PROGRESS


@pytest.mark.parametrize(
    ("who", "status"),
    [("expert_user", 403), ("member_user", 403), ("staff_ks", 404), ("stranger_user", 404)],
)
def test_transitions_are_refused(who, status, request, topic, client_for):
    response = client_for(request.getfixturevalue(who)).post(
        url(topic, "transition"), {"to": T.MIDTERM}
    )
    assert response.status_code == status
    assert Topic.objects.get(pk=topic.pk).status == T.IN_PROGRESS


# --- progress and documents -------------------------------------------------------------------


def test_the_lead_reports_progress(topic, client_for, expert_user):
    response = client_for(expert_user).post(
        url(topic, "progress"), {"text": "完成样品测试", "progress": "45"}, follow=True
    )
    assert _messages(response) == ["Progress recorded."]
    update = topic.updates.get()
    assert (update.text, update.progress, update.author) == ("完成样品测试", 45, expert_user)
    assert Topic.objects.get(pk=topic.pk).progress == 45


@pytest.mark.parametrize(
    "data", [{"text": "x", "progress": "abc"}, {"text": "x", "progress": "101"}, {"progress": "5"}]
)
def test_bad_progress_is_a_message(data, topic, client_for, expert_user):
    response = client_for(expert_user).post(url(topic, "progress"), data, follow=True)
    assert len(_messages(response)) == 1
    assert topic.updates.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("member_user", 403), ("stranger_user", 404), ("staff_ks", 404), ("ent_a_user", 404)],
)
def test_progress_is_refused(who, status, request, topic, client_for):
    response = client_for(request.getfixturevalue(who)).post(
        url(topic, "progress"), {"text": "x", "progress": "50"}
    )
    assert response.status_code == status
    assert topic.updates.count() == 0


def test_the_lead_cannot_report_on_a_topic_not_under_way(topic, client_for, expert_user):
    Topic.objects.filter(pk=topic.pk).update(status=T.CONCLUDED)
    response = client_for(expert_user).post(url(topic, "progress"), {"text": "x", "progress": "5"})
    assert response.status_code == 403


def _pdf(name="成果报告.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_the_lead_uploads_a_deliverable_and_the_team_downloads_it(
    topic, client_for, expert_user, member_user
):
    response = client_for(expert_user).post(
        url(topic, "documents"),
        {"kind": "deliverable", "file": _pdf(), "note": "阶段成果"},
        follow=True,
    )
    assert _messages(response) == ["“成果报告.pdf” uploaded."]
    document = TopicDocument.objects.get(topic=topic)
    assert (document.kind, document.uploaded_by, document.note) == (
        "deliverable",
        expert_user,
        "阶段成果",
    )
    download = client_for(member_user).get(f"/consult/topics/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("报告.pdf", png_bytes()),
            "File: “报告.pdf” is not really a .pdf file (its content does not match its name).",
        ),
        (
            lambda: SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
            "File: “run.exe”: only these file types are accepted: "
            ".doc .docx .jpeg .jpg .pdf .png .ppt .pptx .xls .xlsx.",
        ),
    ],
)
def test_uploads_of_the_wrong_type_are_refused(upload, message, topic, client_for, expert_user):
    response = client_for(expert_user).post(
        url(topic, "documents"), {"kind": "deliverable", "file": upload()}, follow=True
    )
    assert _messages(response) == [message]
    assert TopicDocument.objects.count() == 0


def test_an_upload_of_an_unknown_kind_is_refused(topic, client_for, staff_tc):
    response = client_for(staff_tc).post(
        url(topic, "documents"), {"kind": "secret", "file": _pdf()}, follow=True
    )
    assert _messages(response) == [
        "Kind: Select a valid choice. secret is not one of the available choices."
    ]
    assert TopicDocument.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("member_user", 403), ("stranger_user", 404)])
def test_uploads_are_refused(who, status, request, topic, client_for):
    response = client_for(request.getfixturevalue(who)).post(
        url(topic, "documents"), {"kind": "deliverable", "file": _pdf()}
    )
    assert response.status_code == status
    assert TopicDocument.objects.count() == 0


@pytest.mark.parametrize("who", ["stranger_user", "staff_ks", "ent_a_user", "official_user"])
def test_documents_are_not_found_for_outsiders(who, request, topic, expert_user, client_for):
    document = topic_document_add(topic, _pdf(), kind="deliverable", by=expert_user)
    response = client_for(request.getfixturevalue(who)).get(
        f"/consult/topics/documents/{document.pk}/"
    )
    assert response.status_code == 404


# --- team and milestones ----------------------------------------------------------------------


def test_staff_add_and_remove_team_members(topic, client_for, staff_tc, stranger_user):
    client = client_for(staff_tc)
    ref = stranger_user.expert.ref
    response = client.post(
        url(topic, "members"),
        {"expert": ref, "role": "顾问", "outside": "on", "affiliation_note": "浙江援疆"},
        follow=True,
    )
    assert _messages(response) == ["赵工 joined the team."]
    member = topic.members.get(expert=stranger_user.expert)
    assert (member.role, member.outside, member.affiliation_note) == ("顾问", True, "浙江援疆")
    html = client.get(url(topic)).content.decode()
    assert "Outside expert (柔性智库)" in html and "浙江援疆" in html

    again = client.post(url(topic, "members"), {"expert": ref}, follow=True)
    assert _messages(again) == ["赵工 is already on the team."]
    unknown = client.post(url(topic, "members"), {"expert": "ZJ-NONE"}, follow=True)
    assert _messages(unknown) == ["Expert reference: No expert has this reference."]

    client.post(f"/consult/topics/members/{member.pk}/remove/")
    assert not topic.members.filter(expert=stranger_user.expert).exists()


def test_the_lead_cannot_change_the_team(
    topic, client_for, expert_user, stranger_user, member_user
):
    client = client_for(expert_user)
    added = client.post(url(topic, "members"), {"expert": stranger_user.expert.ref})
    member = topic.members.get(expert=member_user.expert)
    removed = client.post(f"/consult/topics/members/{member.pk}/remove/")
    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(topic.members.values_list("expert", flat=True)) == [member_user.expert.pk]


def test_staff_manage_milestones(topic, client_for, staff_tc):
    client = client_for(staff_tc)
    client.post(
        url(topic, "milestones"),
        {"milestone-title": "中期报告", "milestone-due_date": "2026-06-30"},
    )
    milestone = topic.milestones.get()
    assert (milestone.title, milestone.due_date, milestone.done_on) == (
        "中期报告",
        datetime.date(2026, 6, 30),
        None,
    )
    client.post(f"/consult/topics/milestones/{milestone.pk}/done/")
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()

    edit = f"/consult/topics/milestones/{milestone.pk}/edit/"
    assert client.get(edit).context["form"].instance == milestone
    client.post(edit, {"title": "中期检查", "due_date": "2026-07-15", "done_on": ""})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date, milestone.done_on) == (
        "中期检查",
        datetime.date(2026, 7, 15),
        None,
    )
    client.post(f"/consult/topics/milestones/{milestone.pk}/delete/")
    assert topic.milestones.count() == 0


def test_a_bad_milestone_is_a_message(topic, client_for, staff_tc):
    response = client_for(staff_tc).post(
        url(topic, "milestones"),
        {"milestone-title": "x", "milestone-due_date": "not a date"},
        follow=True,
    )
    assert _messages(response) == ["Due date: Enter a valid date."]
    assert topic.milestones.count() == 0


def test_the_lead_cannot_change_milestones(topic, client_for, expert_user):
    milestone = Milestone.objects.create(topic=topic, title="a", due_date=datetime.date(2026, 1, 1))
    client = client_for(expert_user)
    statuses = [
        client.post(
            url(topic, "milestones"), {"milestone-title": "b", "milestone-due_date": "2026-01-02"}
        ).status_code,
        client.get(f"/consult/topics/milestones/{milestone.pk}/edit/").status_code,
        client.post(f"/consult/topics/milestones/{milestone.pk}/done/").status_code,
        client.post(f"/consult/topics/milestones/{milestone.pk}/delete/").status_code,
    ]
    assert statuses == [403, 403, 403, 403]
    assert list(topic.milestones.values_list("title", "done_on")) == [("a", None)]


# --- the problem page -------------------------------------------------------------------------


def _topic_with_feedback(problem, staff, body, title):
    topic = TopicFactory(title=title, status=T.CONCLUDED)
    topic.problems.add(problem)
    report = issued_report(by=staff, addressees=[body], topic=topic)
    today = timezone.localdate()
    instruction_record(
        report, by=staff, leader_name="李主任", level="bureau", date=today, text="请研究", body=body
    )
    adoption_record(report, by=staff, document="自治区新材料产业发展规划", date=today, body=body)
    return topic, report


def test_the_problem_page_shows_the_feedback_on_the_topics_reports(
    problem_a, client_for, staff_xj, ent_a_user
):
    body = GovernmentBodyFactory()
    topic, report = _topic_with_feedback(problem_a, staff_xj, body, "氢氟酸课题")
    html = client_for(ent_a_user).get(f"/problems/{problem_a.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    issue = f"{report.series.name} {report.issue_label}"
    assert f"A leader's instruction (批示), Bureau (厅局级), on {today} — {issue}" in html
    assert f"Adopted into 《自治区新材料产业发展规划》 on {today} — {issue}" in html
    assert f"{topic.number} 氢氟酸课题" in html


@pytest.mark.parametrize("n", [1, 3])
def test_the_problem_page_topic_section_query_count(
    n, problem_a, client_for, staff_xj, ent_a_user, django_assert_num_queries
):
    body = GovernmentBodyFactory()
    for i in range(n):
        _topic_with_feedback(problem_a, staff_xj, body, f"课题{i}")
    client = client_for(ent_a_user)
    with django_assert_num_queries(17):
        response = client.get(f"/problems/{problem_a.pk}/")
    assert len(response.context["topics"]) == n
