import pytest

from tests.factories import GovernmentBodyFactory, region


@pytest.fixture
def body_a(official_user):
    """The body of the official in the fixed cast (自治区人民政府办公厅)."""
    return official_user.government_body


@pytest.fixture
def body_b(db):
    """Another body, in 喀什地区: its officials must not see what is restricted to body A."""
    return GovernmentBodyFactory(name="喀什地区行政公署办公室", region=region("653100"))
