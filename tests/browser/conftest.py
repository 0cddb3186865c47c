import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_root(tmp_path_factory):
    """The live server is started once for the session, before the per-test settings apply:
    give WhiteNoise an existing (empty) STATIC_ROOT to index, as the tests' settings do. The
    server serves the static files from the app and project folders (staticfiles finders)."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield
