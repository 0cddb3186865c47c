"""Opinion pages: the expert's form, the staff's side-by-side reading and release, and what
each role sees of an opinion and its attachments."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from experts.models import Assignment, Review
from experts.services.reviews import review_attachment_add, review_release, review_save
from tests.factories import ReviewFactory, pdf_bytes

A = Assignment.Status

FORM = {
    "severity": "5",
    "difficulty": "4",
    "urgency": "3",
    "feasibility": "2",
    "route": "joint",
    "recommend_topic": "True",
    "opinion": "建议列入智库课题，联合攻关。",
}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_url(assignment) -> str:
    return f"/experts/assignments/{assignment.pk}/opinion/"


DATA = {
    "severity": 5,
    "difficulty": 4,
    "urgency": 3,
    "feasibility": 2,
    "route": "joint",
    "recommend_topic": True,
    "opinion": "建议列入智库课题，联合攻关。",
}


@pytest.fixture
def submitted(accepted, expert_user) -> Review:
    """The expert_user's submitted opinion on `problem`, with a PDF attached."""
    review_attachment_add(accepted, SimpleUploadedFile("论证.pdf", pdf_bytes()), by=expert_user)
    return review_save(accepted, by=expert_user, data=DATA, submit=True)


# --- the expert's form ----------------------------------------------------------------------


def test_a_draft_is_saved_with_its_attachment(client_for, accepted):
    client = client_for(accepted.expert.user)
    response = client.post(
        form_url(accepted),
        {
            "severity": "4",
            "recommend_topic": "False",
            "opinion": "初步意见",
            "save": "",
            "new_attachments": [
                SimpleUploadedFile("附件.pdf", pdf_bytes(), content_type="application/pdf")
            ],
        },
    )
    assert response["Location"] == form_url(accepted)
    assert messages_of(response) == ["Draft saved."]
    review = Review.objects.get()
    assert (review.status, review.severity, review.recommend_topic, review.opinion) == (
        Review.Status.DRAFT,
        4,
        False,
        "初步意见",
    )
    assert [a.original_name for a in review.attachments.all()] == ["附件.pdf"]
    html = client.get(form_url(accepted)).content.decode()
    assert 'name="severity" value="4" class="scale" id="id_severity_3" checked' in html
    assert 'name="recommend_topic" value="False" id="id_recommend_topic_1" checked' in html


def test_an_incomplete_submission_is_kept_as_a_draft(client_for, accepted):
    response = client_for(accepted.expert.user).post(
        form_url(accepted), {"severity": "4", "submit": ""}
    )
    assert response["Location"] == form_url(accepted)
    [message] = messages_of(response)
    assert message.startswith("Saved as a draft, but not submitted: Please complete")
    accepted.refresh_from_db()
    assert (accepted.status, Review.objects.get().severity) == (A.ACCEPTED, 4)


def test_submitting_completes_the_assignment(client_for, accepted):
    response = client_for(accepted.expert.user).post(form_url(accepted), FORM | {"submit": ""})
    assert response["Location"] == f"/experts/assignments/{accepted.pk}/"
    accepted.refresh_from_db()
    review = Review.objects.get()
    assert (accepted.status, review.status, review.recommend_topic, review.route) == (
        A.COMPLETED,
        Review.Status.SUBMITTED,
        True,
        "joint",
    )
    again = client_for(accepted.expert.user).get(form_url(accepted))
    assert again["Location"] == f"/experts/assignments/{accepted.pk}/"


def test_a_disguised_file_is_refused_and_nothing_saved(client_for, accepted):
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_for(accepted.expert.user).post(
        form_url(accepted), {"opinion": "x", "save": "", "new_attachments": [fake]}
    )
    assert response.status_code == 200
    assert "is not really a .pdf file" in response.content.decode()
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"), [("other_expert_user", 404), ("staff_tc", 403), ("ent_a_user", 404)]
)
def test_only_the_assigned_expert_opens_the_form(who, status, client_for, accepted, request):
    client = client_for(request.getfixturevalue(who))
    assert client.post(form_url(accepted), FORM | {"submit": ""}).status_code == status
    assert Review.objects.count() == 0


# --- staff read side by side and release ----------------------------------------------------


def opinions_url(problem) -> str:
    return f"/experts/problems/{problem.pk}/opinions/"


def test_staff_read_submitted_opinions_side_by_side(client_for, problem, staff_tc, submitted):
    ReviewFactory(assignment__problem=problem, severity=2, difficulty=1, urgency=4, feasibility=5)
    draft = ReviewFactory(assignment__problem=problem, status=Review.Status.DRAFT, opinion="草稿中")
    response = client_for(staff_tc).get(opinions_url(problem))
    assert [r.pk for r in response.context["reviews"]] == [submitted.pk, submitted.pk + 1]
    assert [row["average"] for row in response.context["score_rows"]] == [3.5, 2.5, 3.5, 3.5]
    html = response.content.decode()
    assert "建议列入智库课题，联合攻关。" in html and "论证.pdf" in html
    assert draft.opinion not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_ks", 404), ("ent_a_user", 403), ("expert_user", 404), ("official_user", 404)],
)
def test_who_may_not_read_the_opinions(who, status, client_for, problem, submitted, request):
    response = client_for(request.getfixturevalue(who)).get(opinions_url(problem))
    assert response.status_code == status


@pytest.mark.parametrize("n", [1, 3])
def test_opinions_page_query_count(n, client_for, problem, staff_tc, django_assert_num_queries):
    for _ in range(n):
        ReviewFactory(assignment__problem=problem)
    client = client_for(staff_tc)
    # session, user, the staff's region, problem, reviews, attachments, status counts, unread
    with django_assert_num_queries(8):
        response = client.get(opinions_url(problem))
    assert len(response.context["reviews"]) == n


def test_staff_release_anonymously_and_the_enterprise_reads_it(
    client_for, problem, staff_tc, ent_a_user, submitted
):
    response = client_for(staff_tc).post(
        f"/experts/opinions/{submitted.pk}/release/", {"named": "0"}
    )
    assert response["Location"] == opinions_url(problem)
    html = client_for(ent_a_user).get(f"/problems/{problem.pk}/").content.decode()
    assert "Expert opinions" in html
    assert "Expert 1" in html and "建议列入智库课题，联合攻关。" in html
    assert "张教授" not in html


def test_a_named_release_shows_the_expert(client_for, problem, staff_tc, ent_a_user, submitted):
    client_for(staff_tc).post(f"/experts/opinions/{submitted.pk}/release/", {"named": "1"})
    html = client_for(ent_a_user).get(f"/problems/{problem.pk}/").content.decode()
    assert "张教授" in html


def test_unreleased_opinions_stay_with_the_staff(
    client_for, problem, staff_tc, ent_a_user, submitted
):
    review_release(submitted, by=staff_tc, named=True)
    client_for(staff_tc).post(f"/experts/opinions/{submitted.pk}/unrelease/")
    html = client_for(ent_a_user).get(f"/problems/{problem.pk}/").content.decode()
    assert "Expert opinions" not in html and "张教授" not in html


@pytest.mark.parametrize(("who", "status"), [("staff_ks", 404), ("expert_user", 404)])
def test_only_staff_of_the_region_release(who, status, client_for, submitted, request):
    response = client_for(request.getfixturevalue(who)).post(
        f"/experts/opinions/{submitted.pk}/release/", {"named": "1"}
    )
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.released_at is None


def test_other_enterprises_see_nothing(client_for, problem, staff_tc, ent_b_user, submitted):
    review_release(submitted, by=staff_tc, named=True)
    attachment = submitted.attachments.get()
    client = client_for(ent_b_user)
    assert client.get(f"/problems/{problem.pk}/").status_code == 404
    assert client.get(f"/experts/opinions/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "before", "after"),
    [
        ("expert_user", 200, 200),
        ("staff_tc", 200, 200),
        ("ent_a_user", 404, 200),
        ("staff_ks", 404, 404),
        ("other_expert_user", 404, 404),
        ("official_user", 404, 404),
        ("society_admin_user", 404, 404),
    ],
)
def test_who_downloads_an_opinions_attachment(
    who, before, after, client_for, staff_tc, submitted, request
):
    url = f"/experts/opinions/files/{submitted.attachments.get().pk}/"
    client = client_for(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == before
    if before == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == pdf_bytes()
    review_release(submitted, by=staff_tc, named=False)
    response = client.get(url)
    assert response.status_code == after
    if after == 200:
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_an_expert_of_another_assignment_on_the_problem_does_not_see_the_opinion(
    client_for, problem, other_expert, staff_tc, submitted
):
    ReviewFactory(assignment__problem=problem, assignment__expert=other_expert)
    response = client_for(other_expert.user).get(f"/experts/assignments/{submitted.assignment_id}/")
    assert response.status_code == 404
