"""Protected files: streamed by Django, or handed to nginx with X-Accel-Redirect after the same
permission check when MEDIA_ACCEL_REDIRECT is set (deploy/nginx/zhiku.conf)."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from problems.models import Attachment
from tests.factories import ProblemFactory, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(ent_a):
    problem = ProblemFactory(enterprise=ent_a, status="submitted")
    return Attachment.objects.create(
        problem=problem,
        file=SimpleUploadedFile("工艺 说明.pdf", pdf_bytes()),
        original_name="工艺 说明.pdf",
        content_type="application/pdf",
        size=len(pdf_bytes()),
    )


def test_behind_nginx_the_response_names_the_file_and_carries_no_body(
    client_for, ent_a_user, attachment, settings
):
    settings.MEDIA_ACCEL_REDIRECT = "/protected/"
    response = client_for(ent_a_user).get(f"/problems/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == quote(f"/protected/{attachment.file.name}")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("工艺 说明.pdf")
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b""


def test_behind_nginx_others_are_still_refused(client_for, ent_b_user, attachment, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected/"
    response = client_for(ent_b_user).get(f"/problems/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize("prefix", ["", "/protected/"])
def test_a_file_missing_on_disk_is_a_404(client_for, ent_a_user, attachment, settings, prefix):
    settings.MEDIA_ACCEL_REDIRECT = prefix
    attachment.file.storage.delete(attachment.file.name)
    response = client_for(ent_a_user).get(f"/problems/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_without_nginx_django_streams_the_file(client_for, ent_a_user, attachment):
    response = client_for(ent_a_user).get(f"/problems/attachments/{attachment.pk}/")
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == pdf_bytes()
