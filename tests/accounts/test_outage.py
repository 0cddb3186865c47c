"""A database outage answers 503 (with Retry-After), not 500, and the next request after it
works again with no restart. The outage is injected where the database driver would fail:
every query raises the OperationalError a refused connection gives."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def refuse(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def test_an_unreachable_database_is_a_503_then_the_site_recovers(staff_xj):
    client = Client(raise_request_exception=False)
    client.force_login(staff_xj)
    with connection.execute_wrapper(refuse):
        response = client.get("/problems/")
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "数据库暂时无法访问" in response.content.decode()
    assert client.get("/problems/").status_code == 200


def test_other_errors_stay_500(staff_xj):
    client = Client(raise_request_exception=False)
    client.force_login(staff_xj)

    def broken(execute, sql, params, many, context):
        raise ZeroDivisionError

    with connection.execute_wrapper(broken):
        response = client.get("/problems/")
    assert response.status_code == 500
    assert "Retry-After" not in response
