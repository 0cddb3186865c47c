"""In-app notifications: the list, marking read, the header's unread badge, and e-mail sent
only once the action commits."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import notify
from tests.factories import NotificationFactory


def at(minutes_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes_ago)


def test_the_list_shows_unread_first_then_newest(client_for, expert_user, staff_tc):
    NotificationFactory(user=expert_user, title="旧的未读", created_at=at(50))
    NotificationFactory(user=expert_user, title="新的已读", created_at=at(1), read_at=at(0))
    NotificationFactory(user=expert_user, title="新的未读", created_at=at(5))
    NotificationFactory(user=expert_user, title="更旧的已读", created_at=at(90), read_at=at(0))
    NotificationFactory(user=staff_tc, title="别人的")
    response = client_for(expert_user).get("/accounts/notifications/")
    assert [n.title for n in response.context["page"]] == [
        "新的未读",
        "旧的未读",
        "新的已读",
        "更旧的已读",
    ]
    assert "别人的" not in response.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_notification_list_query_count(n, client_for, expert_user, django_assert_num_queries):
    for _ in range(n):
        NotificationFactory(user=expert_user, url="/experts/assignments/")
    client = client_for(expert_user)
    # session, user, the user's permissions (2, for the menu), the pager's count, the page,
    # the header's unread count
    with django_assert_num_queries(7):
        response = client.get("/accounts/notifications/")
    assert len(response.context["page"]) == n


def test_the_header_shows_the_unread_count(client_for, expert_user):
    NotificationFactory.create_batch(2, user=expert_user)
    NotificationFactory(user=expert_user, read_at=timezone.now())
    html = client_for(expert_user).get("/").content.decode()
    assert 'title="unread">2</span>' in html


def test_no_badge_without_unread_notifications(client_for, expert_user):
    NotificationFactory(user=expert_user, read_at=timezone.now())
    html = client_for(expert_user).get("/").content.decode()
    assert 'title="unread"' not in html
    assert 'href="/accounts/notifications/"' in html


def test_anonymous_pages_cost_no_query_for_the_badge(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")
    assert "unread_notifications" not in response.context


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, expert_user):
    note = NotificationFactory(user=expert_user, url="/experts/assignments/")
    other = NotificationFactory(user=expert_user)
    response = client_for(expert_user).post(f"/accounts/notifications/{note.pk}/read/")
    assert response["Location"] == "/experts/assignments/"
    note.refresh_from_db()
    other.refresh_from_db()
    assert (note.read_at is not None, other.read_at) == (True, None)


def test_a_foreign_link_is_not_followed(client_for, expert_user):
    note = NotificationFactory(user=expert_user, url="https://evil.example/")
    response = client_for(expert_user).post(f"/accounts/notifications/{note.pk}/read/")
    assert response["Location"] == "/accounts/notifications/"


def test_another_users_notification_is_404(client_for, expert_user, staff_tc):
    note = NotificationFactory(user=staff_tc)
    response = client_for(expert_user).post(f"/accounts/notifications/{note.pk}/read/")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_needs_a_post(client_for, expert_user):
    note = NotificationFactory(user=expert_user)
    client = client_for(expert_user)
    assert client.get(f"/accounts/notifications/{note.pk}/read/").status_code == 405
    assert client.get("/accounts/notifications/read/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_marks_only_ones_own(client_for, expert_user, staff_tc):
    NotificationFactory.create_batch(3, user=expert_user)
    theirs = NotificationFactory(user=staff_tc)
    response = client_for(expert_user).post("/accounts/notifications/read/")
    assert response["Location"] == "/accounts/notifications/"
    assert Notification.objects.filter(user=expert_user, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_needs_a_login(client):
    response = client.get("/accounts/notifications/")
    assert response["Location"] == "/accounts/login/?next=/accounts/notifications/"


def test_notify_mails_after_commit_and_not_after_a_rollback(
    expert_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(expert_user, title="邀请", body="请回复", url="/experts/assignments/1/")
    [message] = mail.outbox
    assert (message.to, message.subject) == (["expert@example.cn"], "邀请")
    assert message.body == "请回复\n\nhttp://127.0.0.1:8000/experts/assignments/1/"

    class Refused(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        notify(expert_user, title="回滚")
        raise Refused
    assert len(mail.outbox) == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["邀请"]
