"""Every URL of the site, requested as every role, answers what docs/access-policy.md says.

The document's table is parsed (it is the source of truth); one test per URL name and role,
so a failure names both. A URL name missing from the table, or a row for a URL that no longer
exists, fails test_every_url_name_has_a_row."""

import pytest
from django.urls import reverse

from .policy import ROLES, admin_urls, answer, kwargs_for, read_table, url_names

TABLE = read_table()
CASES = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name, row in TABLE.items()
    if name != "admin:*"
    for role in ROLES
]


def test_every_url_name_has_a_row():
    names = url_names()
    missing = sorted(names - set(TABLE))
    stale = sorted(set(TABLE) - names)
    assert not missing, f"URL names missing from docs/access-policy.md: {missing}"
    assert not stale, f"rows in docs/access-policy.md for URLs that no longer exist: {stale}"


@pytest.mark.parametrize(("name", "role"), CASES)
def test_access(world, client_as, name, role):
    row = TABLE[name]
    url = reverse(name, kwargs=kwargs_for(world, row.object))
    client = client_as(role)
    response = client.post(url, {}) if row.method == "POST" else client.get(url)
    got = answer(response)
    assert got == row.expected[role], (
        f"{row.method} {url} ({name}, object {row.object}) as {role}: got {got} "
        f"({response.status_code}), the policy says {row.expected[role]} "
        f"(docs/access-policy.md line {row.line})"
    )


@pytest.mark.parametrize("role", ROLES)
def test_admin_site(world, client_as, role):
    """`admin:*`: the changelist and add page of every registered model answer the row's
    cell (an add page the admin class disables may answer 403 instead of 200)."""
    expected = TABLE["admin:*"].expected[role]
    client = client_as(role)
    wrong = []
    for url in admin_urls():
        response = client.get(url)
        got = answer(response)
        if got != expected and not (expected == "200" and got == "403" and url.endswith("/add/")):
            wrong.append((url, got))
    assert not wrong, f"admin pages as {role}, the policy says {expected}: {wrong}"
