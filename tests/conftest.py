"""The fixed cast every permission test uses, one user per role (healthchecks' hc/test.py):

staff_xj   CAST staff of 新疆 (650000, the root region: sees everything)
staff_tc   CAST staff of 塔城地区 (654200)
staff_ks   CAST staff of 喀什地区 (653100)
admin_user platform admin (role admin and superuser)
ent_a_user member of verified enterprise A in 塔城市 (654201)
ent_b_user member of verified enterprise B in 喀什市 (653101)
expert_user, official_user, society_admin_user
"""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.factories import (
    EnterpriseFactory,
    ExpertFactory,
    GovernmentBodyFactory,
    SocietyFactory,
    UserFactory,
    region,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Give SQLite a file-backed test database. The default in-memory one is shared between
    threads with table-level locks that ignore the busy timeout, so the concurrency tests would
    fail with "database table is locked" instead of queueing as production SQLite does."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("sqlite") / "test_zhiku.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


# The default PBKDF2 hasher costs about a second per user created.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def apply_test_settings(settings, tmp_path) -> None:
    """Every test's settings (tests/security/conftest.py applies them too)."""
    # Uploads go to a per-test directory, never into the repository's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests run with DEBUG off, where WhiteNoise indexes STATIC_ROOT at start-up and warns
    # (an error under filterwarnings) when collectstatic has not been run.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    # Cached fragments (the list pages' filter forms) are keyed by user id, which the next
    # test's rows reuse: every test starts with an empty cache.
    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    apply_test_settings(settings, tmp_path)


@pytest.fixture(autouse=True)
def _english():
    """Service messages are compared in English, the source text: without this, a test run
    alone would get the default zh-hans while in a full run it got whatever language the
    previous test's last request left active in the thread."""
    with translation.override("en"):
        yield


def english_client() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Client logged in as that user. It has chosen English (the
    language cookie the footer switch sets): the zh-hans catalogue translates every message,
    English is the source text tests compare."""

    def make(user: User) -> Client:
        client = english_client()
        client.force_login(user)
        return client

    return make


def _staff(username: str, code: str) -> User:
    return UserFactory(
        username=username, display_name=username, role=User.Role.STAFF, region=region(code)
    )


@pytest.fixture
def staff_xj(db) -> User:
    return _staff("staff_xj", "650000")


@pytest.fixture
def staff_tc(db) -> User:
    return _staff("staff_tc", "654200")


@pytest.fixture
def staff_ks(db) -> User:
    return _staff("staff_ks", "653100")


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(username="admin", role=User.Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def ent_a(db):
    return EnterpriseFactory(name="塔城甲化工有限公司", region=region("654201"))


@pytest.fixture
def ent_b(db):
    return EnterpriseFactory(name="喀什乙材料有限公司", region=region("653101"))


@pytest.fixture
def ent_a_user(ent_a) -> User:
    return UserFactory(username="ent_a", display_name="甲公司联系人", enterprise=ent_a)


@pytest.fixture
def ent_b_user(ent_b) -> User:
    return UserFactory(username="ent_b", display_name="乙公司联系人", enterprise=ent_b)


@pytest.fixture
def expert_user(db) -> User:
    user = UserFactory(username="expert", display_name="张教授", role=User.Role.EXPERT)
    ExpertFactory(user=user, name="张教授", ref="ZJ-T-CAST")
    return user


@pytest.fixture
def official_user(db) -> User:
    return UserFactory(
        username="official",
        role=User.Role.OFFICIAL,
        government_body=GovernmentBodyFactory(name="自治区人民政府办公厅"),
    )


@pytest.fixture
def society_admin_user(db) -> User:
    user = UserFactory(username="society_admin", role=User.Role.SOCIETY_ADMIN)
    SocietyFactory(name="新疆化学化工学会", admins=[user])
    return user
