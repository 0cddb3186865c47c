"""The black-box crawl over the demo data (issue 8's "done when"): every demo account logs in
through the login form and follows its links, then requests the pages the other accounts
reached; no page answers 200 that the account could not reach itself, none answers 200
against the rules, nothing answers 500 (tests/security/crawler.py says how it decides)."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from tests.security.crawler import ClientTransport, Crawler, django_policy

PASSWORD = "zhiku-demo-2026"
ACCOUNTS = (
    "admin",
    "staff_xj",
    "staff_tc",
    "staff_ks",
    "ent_a",
    "ent_b",
    "expert_a",
    "expert_b",
    "society_a",
    "official_a",
    "official_b",
    "official_c",
)


# Each request in its own transaction, as under a real server: an error in one request does
# not spoil the database for the next.
# serialized_rollback: an earlier transactional test flushed the regions the migrations load.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_account_sees_a_page_it_should_not():
    start = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    seeded = time.perf_counter() - start
    crawler = Crawler(
        ClientTransport,
        PASSWORD,
        max_pages=120,
        per_kind=5,
        sample=2,
        max_deepen=60,
        per_download=2,
        policy=django_policy(),
    )
    crawler.run(ACCOUNTS)
    summary = crawler.summary(explained=True)
    print(f"seed_demo {seeded:.1f} s, crawl {time.perf_counter() - start - seeded:.1f} s")
    print(summary)

    assert set(crawler.crawls) == set(ACCOUNTS)
    assert len(crawler.pages) >= 100, summary
    for account, crawl in crawler.crawls.items():
        # Every account got past the login and saw more than its home page.
        assert len(crawl.ok) >= 3, f"{account} crawled only {sorted(crawl.ok)}"
    assert not crawler.findings, summary
