"""The admin shows the workflow's rows read-only: states change through the services."""

import pytest

from experts.models import Delegation, Reminder
from tests.factories import DelegationFactory, NotificationFactory, ReviewFactory


@pytest.fixture
def rows(admin_user):
    review = ReviewFactory(opinion="管理后台可见")
    review.assignment.events.create(from_status="accepted", to_status="completed")
    review.assignment.reminders.create(kind="overdue")
    DelegationFactory()
    NotificationFactory(user=admin_user, title="后台通知")
    return review


@pytest.mark.parametrize(
    "model",
    [
        "experts/assignment",
        "experts/assignmentevent",
        "experts/delegation",
        "experts/review",
        "experts/reminder",
        "experts/problembrief",
        "experts/problemconflict",
        "accounts/notification",
    ],
)
def test_the_admin_lists_the_workflow_models(model, client_for, admin_user, rows):
    response = client_for(admin_user).get(f"/admin/{model}/")
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["assignment", "review", "delegation", "reminder"])
def test_workflow_rows_are_not_added_or_edited_in_the_admin(model, client_for, admin_user, rows):
    client = client_for(admin_user)
    assert client.get(f"/admin/experts/{model}/add/").status_code == 403
    pk = {
        "assignment": rows.assignment_id,
        "review": rows.pk,
        "delegation": Delegation.objects.get().pk,
        "reminder": Reminder.objects.get().pk,
    }[model]
    page = client.get(f"/admin/experts/{model}/{pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_the_review_admin_shows_the_opinion(client_for, admin_user, rows):
    page = client_for(admin_user).get(f"/admin/experts/review/{rows.pk}/change/")
    assert "管理后台可见" in page.content.decode()
