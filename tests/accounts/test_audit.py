"""The audit log (accounts.audit, accounts.models.AuditEvent): what is recorded, that it cannot
be changed, and its search page for the autonomous region's staff and platform admins."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, User
from consult.dashboard import CHARTS, Period
from consult.services.reports import current_revision
from problems import services as problem_services
from problems.models import Problem, ProblemEvent
from tests.conftest import english_client
from tests.factories import (
    PASSWORD,
    ExpertFactory,
    GovernmentBodyFactory,
    ProblemFactory,
    SocietyFactory,
    UserFactory,
    issued_report,
    pdf_bytes,
    region,
)

Action = AuditEvent.Action
pytestmark = pytest.mark.django_db


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("when", "pk"))


def the_event(action) -> AuditEvent:
    (event,) = events(action)
    return event


def target_of(event: AuditEvent) -> tuple:
    model = event.target_type.model_class() if event.target_type else None
    return (model, event.target_id, event.target_repr)


# --- logins -------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_address_browser_and_path(ent_a_user):
    client = english_client()
    client.post(
        reverse("login"),
        {"username": "ent_a", "password": PASSWORD},
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
        REMOTE_ADDR="10.2.3.4",
    )

    event = the_event(Action.LOGIN)
    assert (event.user, event.username, event.ip, event.method, event.path) == (
        ent_a_user,
        "ent_a",
        "10.2.3.4",
        "POST",
        "/accounts/login/",
    )
    assert event.user_agent == ("Mozilla/5.0 " + "x" * 400)[:300]
    assert event.when <= timezone.now()


def test_failed_logins_keep_the_name_tried_known_or_not(ent_a_user):
    client = english_client()
    client.post(reverse("login"), {"username": "ent_a", "password": "wrong"})
    client.post(reverse("login"), {"username": "ghost", "password": "wrong"})

    assert [(e.user, e.username) for e in events(Action.LOGIN_FAILED)] == [
        (ent_a_user, "ent_a"),
        (None, "ghost"),
    ]
    assert not events(Action.LOGIN)


def test_a_logout_is_recorded(client_for, ent_a_user):
    client = client_for(ent_a_user)
    client.post(reverse("logout"))

    event = the_event(Action.LOGOUT)
    assert (event.user, event.path) == (ent_a_user, "/accounts/logout/")
    # A logout is not a data change, nor is the login before it.
    assert not events(Action.DATA_CHANGE)


def test_a_deleted_users_events_keep_the_name(ent_a_user):
    audit.record(Action.LOGIN, user=ent_a_user)
    ent_a_user.delete()

    event = the_event(Action.LOGIN)
    assert (event.user, event.username) == (None, "ent_a")


# --- exports and downloads -----------------------------------------------------------------------


def test_an_expert_export_is_a_personal_data_export_with_its_row_count(client_for, staff_xj):
    ExpertFactory.create_batch(3)
    response = client_for(staff_xj).get(reverse("data:export", args=["experts"]))
    assert response.status_code == 200

    event = the_event(Action.PERSONAL_DATA_EXPORT)
    assert (event.user, event.detail) == (
        staff_xj,
        {"kind": "experts", "rows": 3, "format": "xlsx"},
    )
    assert event.path == "/data/export/experts/"
    assert not events(Action.EXPORT)


def test_a_problem_export_is_an_export_with_the_filtered_row_count(client_for, staff_tc, ent_a):
    ProblemFactory.create_batch(2, enterprise=ent_a, status=Problem.Status.SUBMITTED)
    ProblemFactory(enterprise=ent_a, status=Problem.Status.ACCEPTED)
    client_for(staff_tc).get(
        reverse("data:export", args=["problems"]), {"status": "submitted", "format": "csv"}
    )

    assert the_event(Action.EXPORT).detail == {"kind": "problems", "rows": 2, "format": "csv"}
    assert not events(Action.PERSONAL_DATA_EXPORT)


def test_a_dashboard_spreadsheet_is_an_export(client_for, staff_tc):
    chart = "problems-by-region"
    client_for(staff_tc).get(reverse("consult:dashboard_xlsx", args=[chart]), {"year": 2026})

    rows = len(CHARTS[chart](staff_tc, Period(2026)).rows)
    assert the_event(Action.EXPORT).detail == {
        "kind": "dashboard",
        "rows": rows,
        "chart": chart,
        "year": 2026,
    }


def test_a_report_pdf_download_is_recorded(client_for, staff_xj, official_user):
    report = issued_report(by=staff_xj, addressees=[official_user.government_body])
    response = client_for(official_user).get(reverse("consult:report_pdf", args=[report.pk]))
    assert response.status_code == 200

    event = the_event(Action.PDF_DOWNLOAD)
    assert event.user == official_user
    assert target_of(event) == (type(report), str(report.pk), str(report))
    assert event.detail == {"revision": current_revision(report).number}


def test_an_attachment_download_is_recorded(client_for, ent_a_user, ent_a):
    problem = ProblemFactory(enterprise=ent_a)
    attachment = problem_services.attachment_add(
        problem, SimpleUploadedFile("spec.pdf", pdf_bytes()), by=ent_a_user
    )
    response = client_for(ent_a_user).get(
        reverse("problems:attachment_download", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()

    event = the_event(Action.FILE_DOWNLOAD)
    assert event.user == ent_a_user
    assert target_of(event)[:2] == (type(attachment), str(attachment.pk))
    assert event.detail == {"file": attachment.file.name, "filename": "spec.pdf"}


# --- denials ---------------------------------------------------------------------------------


def test_a_403_is_a_denial(client_for, ent_a_user):
    response = client_for(ent_a_user).get(reverse("problems:enterprise_list"))
    assert response.status_code == 403

    event = the_event(Action.PERMISSION_DENIED)
    assert (event.user, event.path, event.detail) == (
        ent_a_user,
        "/problems/enterprises/",
        {"status": 403, "url_name": "problems:enterprise_list", "kwargs": {}},
    )


def test_an_object_outside_the_scope_is_a_denial(client_for, staff_tc, ent_b):
    problem = ProblemFactory(enterprise=ent_b, status=Problem.Status.SUBMITTED)
    response = client_for(staff_tc).get(reverse("problems:problem_detail", args=[problem.pk]))
    assert response.status_code == 404

    assert the_event(Action.PERMISSION_DENIED).detail == {
        "status": 404,
        "url_name": "problems:problem_detail",
        "kwargs": {"pk": problem.pk},
    }


def test_an_unknown_address_is_no_denial(client_for, staff_tc):
    assert client_for(staff_tc).get("/no/such/page/").status_code == 404

    assert not events(Action.PERMISSION_DENIED)


# --- role and scope changes ---------------------------------------------------------------------


def admin_change_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "role": user.role,
        "display_name": user.display_name,
        "phone": "",
        "region": user.region_id or "",
        "enterprise": user.enterprise_id or "",
        "government_body": user.government_body_id or "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_role_and_scope_changes_in_the_admin_name_who_made_them(client_for, admin_user, staff_tc):
    url = reverse("admin:accounts_user_change", args=[staff_tc.pk])
    response = client_for(admin_user).post(
        url, admin_change_form(staff_tc, is_staff="on", region="653100")
    )
    assert response.status_code == 302

    role = the_event(Action.ROLE_CHANGE)
    scope = the_event(Action.SCOPE_CHANGE)
    for event in (role, scope):
        assert (event.user, event.path) == (admin_user, url)
        assert target_of(event) == (User, str(staff_tc.pk), "staff_tc")
    assert role.detail == {"changes": {"is_staff": {"from": False, "to": True}}}
    assert scope.detail == {"changes": {"region": {"from": "654200", "to": "653100"}}}
    # The admin's POST is also a data change about that user.
    change = the_event(Action.DATA_CHANGE)
    assert target_of(change) == (User, str(staff_tc.pk), "staff_tc")
    assert change.detail["url_name"] == "admin:accounts_user_change"


def test_a_role_change_outside_a_request_is_recorded_without_an_actor(expert_user):
    expert_user.role = User.Role.ENTERPRISE
    expert_user.save()

    event = the_event(Action.ROLE_CHANGE)
    assert (event.user, event.ip, target_of(event)[:2]) == (None, None, (User, str(expert_user.pk)))
    assert event.detail == {"changes": {"role": {"from": "expert", "to": "enterprise"}}}


def test_saving_other_fields_records_nothing_and_costs_no_query(
    ent_a_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        ent_a_user.save(update_fields=["last_login"])
    ent_a_user.display_name = "新名字"
    ent_a_user.save()

    assert not AuditEvent.objects.exists()


def test_linking_a_society_admin_is_a_scope_change(db):
    user = UserFactory(username="sa", role=User.Role.SOCIETY_ADMIN)
    society = SocietyFactory(name="新疆物理学会")
    society.admins.add(user)
    user.administered_societies.remove(society)

    added, removed = events(Action.SCOPE_CHANGE)
    assert target_of(added)[:2] == target_of(removed)[:2] == (User, str(user.pk))
    assert added.detail == {
        "changes": {"societies": {"added": [society.pk]}},
        "society": "新疆物理学会",
    }
    assert removed.detail == {"changes": {"societies": {"removed": [society.pk]}}}


# --- staff data changes ---------------------------------------------------------------------------


def test_a_staff_post_is_a_data_change_about_the_urls_object(client_for, staff_tc, ent_a):
    problem = ProblemFactory(enterprise=ent_a, status=Problem.Status.SUBMITTED)
    url = reverse("problems:problem_note", args=[problem.pk])
    response = client_for(staff_tc).post(url, {"note": "请补充检测数据"})
    assert response.status_code == 302

    event = the_event(Action.DATA_CHANGE)
    note = ProblemEvent.objects.get(internal_note="请补充检测数据")
    assert (event.user, event.method, event.path) == (staff_tc, "POST", url)
    assert target_of(event)[:2] == (Problem, str(problem.pk))
    assert event.detail == {
        "url_name": "problems:problem_note",
        "kwargs": {"pk": problem.pk},
        "status": 302,
        "fields": ["note"],
        "objects": [{"model": "problems.problemevent", "pk": str(note.pk), "op": "created"}],
    }


def test_posts_of_others_and_refused_posts_are_no_data_changes(
    client_for, staff_tc, ent_a_user, ent_b
):
    client_for(ent_a_user).post(reverse("notifications_read_all"))
    problem = ProblemFactory(enterprise=ent_b, status=Problem.Status.SUBMITTED)
    staff = client_for(staff_tc)
    # A GET, a POST outside the scope (404), a POST to a page that takes none (405).
    staff.get(reverse("notifications"))
    note = reverse("problems:problem_note", args=[problem.pk])
    assert staff.post(note, {"note": "x"}).status_code == 404
    assert staff.post(reverse("problems:problem_list") + "x/").status_code == 404
    assert staff.post(reverse("notifications_read_all") + "?x", {}).status_code == 302

    assert [e.detail["url_name"] for e in events(Action.DATA_CHANGE)] == ["notifications_read_all"]


def test_a_staff_post_without_an_object_is_recorded_too(client_for, staff_xj):
    client_for(staff_xj).post(reverse("notifications_read_all"))

    event = the_event(Action.DATA_CHANGE)
    assert (event.target_type, event.detail["url_name"], event.detail["objects"]) == (
        None,
        "notifications_read_all",
        [],
    )


def test_a_deletion_in_the_admin_names_the_deleted_object(client_for, admin_user):
    body = GovernmentBodyFactory(name="待删除的机关")
    url = reverse("admin:accounts_governmentbody_delete", args=[body.pk])
    assert client_for(admin_user).post(url, {"post": "yes"}).status_code == 302

    event = the_event(Action.DATA_CHANGE)
    assert target_of(event) == (type(body), str(body.pk), "")
    assert event.detail["objects"] == [
        {"model": "accounts.governmentbody", "pk": str(body.pk), "op": "deleted"}
    ]


def test_dates_in_the_detail_are_written_as_text(staff_xj):
    event = audit.record(Action.EXPORT, user=staff_xj, detail={"day": datetime.date(2026, 1, 2)})

    assert AuditEvent.objects.get(pk=event.pk).detail == {"day": "2026-01-02"}


# --- immutability ---------------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted(staff_xj):
    event = audit.record(Action.EXPORT, user=staff_xj, detail={"kind": "experts", "rows": 1})

    event.detail = {"rows": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail={})
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"kind": "experts", "rows": 1}


def test_the_admin_is_read_only_even_for_superusers(client_for, admin_user):
    event = audit.record(Action.EXPORT, user=admin_user)
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = admin_user

    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    client = client_for(admin_user)
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    delete = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- the search page ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_xj", "admin_user"])
def test_the_page_is_for_the_autonomous_regions_staff_and_admins(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse("audit_list"))

    assert response.status_code == 200
    assert f'href="{reverse("audit_list")}"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "who", ["staff_tc", "ent_a_user", "expert_user", "official_user", "society_admin_user"]
)
def test_the_page_is_refused_to_others(request, client_for, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(reverse("audit_list")).status_code == 403
    assert f'href="{reverse("audit_list")}"' not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    response = english_client().get(reverse("audit_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def log(staff_xj, staff_tc, ent_a_user):
    """A few events at known times, addresses and paths (besides staff_xj's login)."""
    day = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    rows = [
        (Action.LOGIN_FAILED, "ghost", "203.0.113.9", "/accounts/login/", "", 0),
        (Action.EXPORT, "staff_tc", "10.1.0.5", "/data/export/problems/", "", 1),
        (Action.PDF_DOWNLOAD, "ent_a", "10.1.0.6", "/consult/reports/7/pdf/", "关于节水的建议", 2),
        (Action.PERMISSION_DENIED, "ent_a", "10.2.0.1", "/problems/enterprises/", "", 3),
    ]
    for action, username, ip, path, target, days in rows:
        AuditEvent.objects.create(
            action=action,
            username=username,
            ip=ip,
            path=path,
            target_repr=target,
            when=day + datetime.timedelta(days=days),
        )


def listed(client, **params) -> list[tuple[str, str]]:
    response = client.get(reverse("audit_list"), params)
    assert response.status_code == 200
    return [(e.action, e.username) for e in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "ENT_"}, [("permission_denied", "ent_a"), ("pdf_download", "ent_a")]),
        (
            {"action": ["export", "login_failed"]},
            [("export", "staff_tc"), ("login_failed", "ghost")],
        ),
        (
            {"after": "2026-11-03", "before": "2026-11-04"},
            [("pdf_download", "ent_a"), ("export", "staff_tc")],
        ),
        ({"ip": "10.1."}, [("pdf_download", "ent_a"), ("export", "staff_tc")]),
        ({"ip": "203.0.113.9"}, [("login_failed", "ghost")]),
        ({"q": "节水"}, [("pdf_download", "ent_a")]),
        ({"q": "enterprises"}, [("permission_denied", "ent_a")]),
    ],
)
def test_filters(client_for, staff_xj, log, params, expected):
    assert listed(client_for(staff_xj), **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"after": "yesterday"},
        {"action": "nope"},
        {"ip": "'; drop table"},
        {"page": "999"},
        {"before": "99999-01-01"},
        {"user": "x" * 5000},
    ],
)
def test_bad_filter_values_never_fail(client_for, staff_xj, log, params):
    assert client_for(staff_xj).get(reverse("audit_list"), params).status_code == 200


def test_the_newest_events_come_first_and_the_login_shows(client_for, staff_xj, log):
    rows = listed(client_for(staff_xj))

    assert rows[0] == ("login", "staff_xj")
    assert rows[1:] == [
        ("permission_denied", "ent_a"),
        ("pdf_download", "ent_a"),
        ("export", "staff_tc"),
        ("login_failed", "ghost"),
    ]


@pytest.mark.parametrize("n", [3, 30])
def test_query_count(client_for, staff_xj, n, django_assert_max_num_queries):
    problem_type = ContentType.objects.get_for_model(Problem)
    for i in range(n):
        AuditEvent.objects.create(
            action=Action.DATA_CHANGE,
            username="staff_xj",
            target_type=problem_type,
            target_id=str(i),
            target_repr=f"难题{i}",
            detail={"url_name": "problems:problem_note", "kwargs": {"pk": i}},
        )
    client = client_for(staff_xj)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n + 1, 25)


def test_region_codes_match_the_fixture(staff_tc):
    # The scope-change test relies on these codes.
    assert (staff_tc.region_id, region("653100").code) == ("654200", "653100")


def test_the_filtered_events_export_as_a_spreadsheet_and_that_is_logged(client_for, staff_xj, log):
    response = client_for(staff_xj).get(
        reverse("data:export", args=["audit"]), {"ip": "10.1.", "format": "csv"}
    )
    assert response.status_code == 200

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "时间",
        "用户名",
        "操作",
        "IP地址",
        "方法",
        "路径",
        "对象类型",
        "对象编号",
        "对象",
        "详情",
    ]
    assert [(row[1], row[3], row[5], row[8]) for row in rows[1:]] == [
        ("ent_a", "10.1.0.6", "/consult/reports/7/pdf/", "关于节水的建议"),
        ("staff_tc", "10.1.0.5", "/data/export/problems/", ""),
    ]
    assert rows[1][0] == "2026-11-04 18:00:00"  # Asia/Shanghai
    assert the_event(Action.PERSONAL_DATA_EXPORT).detail == {
        "kind": "audit",
        "rows": 2,
        "format": "csv",
    }


@pytest.mark.parametrize("who", ["staff_tc", "ent_a_user"])
def test_others_may_not_export_the_log(request, client_for, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(reverse("data:export", args=["audit"])).status_code == 403
