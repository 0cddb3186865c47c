"""A black-box crawler: log in as each account, follow links, then try the others' pages.

It knows only what an outsider knows: the base URL, a username and a password. It logs in
through the login form (GET the page the site redirects an anonymous visitor to, send the
form's csrf token back), then follows same-origin links breadth-first: `<a href>`, `<img src>`
and the action of GET forms (without parameters). It never POSTs anything but the login and
never follows a link to log out, switch language or delete/remove/withdraw/discard something
(those are POST forms on this site anyway; the rule is a safety net). Downloads (PDF, xlsx,
attachments) count as pages but are not parsed.

Keeping the crawl finite:
  * a URL loses its fragment, its empty query parameters and its parameter order;
  * a page without a number in its path (a list, a dashboard) is fetched for its bare path, up
    to `max_variants` other filter/sort queries, and every `page=` of the bare list (the lists
    only link "next", so following them is what reveals every object of the list);
  * such pages go first (priority 0), object pages after them (priority 1), so the lists are
    walked to the end before the budget goes to objects; at most `per_kind` URLs of one kind
    (URL name, e.g. `problems:problem_detail`), `per_download` of a kind that turned out to
    be a download (they are not parsed: more of them show nothing new) and `max_pages` URLs in
    all are fetched.
A link seen on a fetched page counts as *reached* even if the budget stopped the crawler from
fetching it.

The cross-check. After every account has crawled, each account A requests URLs that other
accounts fetched with 200 and that A never reached (at most `sample` per kind, taken in turn
from the different accounts, 0 = all). A URL that answers A with 403, 404 or a redirect is
fine. A URL that answers 200 is "a page A should not see", a finding, unless:
  1. its URL name is in ALLOWED_EVERYWHERE: pages every logged-in user may open although only
     some roles' pages link to them (home, notifications, password change, the public
     registration and password-reset pages, the health check). The list is by URL name, never
     by object id; or
  2. it is a list (no number in the path) with a query string and A reached the same path
     itself: the query only filters or pages A's own, scoped list; or
  3. A can reach it after all by following its own links, where the budget cut its crawl
     short (staff_xj sees every problem but fetched only some problem pages; the assignment
     linked from problem 44 is reachable for staff_xj through problem 44). Tried two ways:
     replaying the step by which another account found it (the page P it was found on is
     reached by A, recursively a few steps back, answers A with 200 and links to it), then
     fetching pages A reached but did not fetch, the kinds seen linking to such URLs first,
     at most `max_deepen` per account; or
  4. with a policy oracle (below), the rules grant A the object: A may see it, the budget
     only kept the crawl from getting there (the admin's crawl is mostly the Django admin).
     Without the oracle such a URL stays a finding, for a person to look at.
Any 5xx, in the crawl or the cross-check, is a finding too.

Against the access policy's spirit: when a `policy` callable is given (the Django test does;
the command line does with --policy, reading the same database as the server), every object
page that answers 200 to an account, crawled or cross-checked, is also checked against the
django-rules permission on that object (`POLICY` below): an object page of another
enterprise, another region, an unassigned problem or a report not addressed to the official's
body must not answer 200, however the account got there.

Two transports: `ClientTransport` (Django's test Client, for tests/security/test_crawler.py)
and `HttpTransport` (urllib and http.cookiejar against a running server):

    python -m tests.security.crawler --base http://127.0.0.1:8000 --password zhiku-demo-2026 \\
        admin staff_xj ent_a ...

prints a summary and exits 1 when there are findings.
"""

from __future__ import annotations

import argparse
import functools
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from heapq import heappop, heappush
from html.parser import HTMLParser

# Pages any logged-in user may open whoever links to them (by URL name, see the docstring).
ALLOWED_EVERYWHERE = frozenset(
    {
        "home",
        "healthz",
        "notifications",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
        "register",
        "register_enterprise",
        "register_expert",
    }
)

# Never followed: leaving the session, changing the language, destructive actions.
SKIP_PREFIXES = ("/i18n/", "/static/")
SKIP_SEGMENTS = frozenset(
    {"logout", "delete", "remove", "withdraw", "discard", "unrelease", "release", "publish"}
)

# The object behind an object page and the permission that guards it: URL name ->
# (model label, URL keyword argument holding its pk, permission). Edit pages are here too, so
# that a 200 against the rules is a finding and a granted page the budget cut is explained.
POLICY = {
    "problems:problem_detail": ("problems.Problem", "pk", "problems.view_problem"),
    "problems:enterprise_detail": ("problems.Enterprise", "pk", "problems.view_enterprise"),
    "problems:campaign_detail": ("problems.Campaign", "pk", "problems.view_campaign"),
    "experts:expert_detail": ("experts.Expert", "pk", "experts.view_expert"),
    "experts:society_detail": ("experts.Society", "pk", "experts.view_society"),
    "experts:society_edit": ("experts.Society", "pk", "experts.change_society"),
    "experts:society_members": ("experts.Society", "pk", "experts.manage_members"),
    "experts:expert_edit": ("experts.Expert", "pk", "experts.change_expert"),
    "problems:problem_edit": ("problems.Problem", "pk", "problems.change_problem"),
    "experts:assignment_detail": ("experts.Assignment", "pk", "experts.view_assignment"),
    "experts:delegation_detail": ("experts.Delegation", "pk", "experts.view_delegation"),
    "experts:problem_opinions": ("problems.Problem", "problem_pk", "experts.read_reviews"),
    "experts:problem_matching": ("problems.Problem", "pk", "experts.match_problem"),
    "consult:topic_detail": ("consult.Topic", "pk", "consult.view_topic"),
    "consult:report_detail": ("consult.Report", "pk", "consult.view_report"),
    "consult:report_pdf": ("consult.Report", "pk", "consult.view_report"),
    "consult:report_downloads": ("consult.Report", "pk", "consult.view_downloads"),
}

Policy = Callable[[str, str, dict], "bool | None"]


# --- transports -----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    content_type: str = ""
    location: str = ""
    body: bytes = b""

    @property
    def is_html(self) -> bool:
        return self.content_type.split(";")[0].strip() in {"text/html", "application/xhtml+xml"}


class ClientTransport:
    """Django's test Client with the CSRF checks a browser meets; a 500 is answered, not raised."""

    base = ""

    def __init__(self):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    def _response(self, response) -> Response:
        content_type = response.get("Content-Type", "")
        # The Client closes a response itself (a streamed one once read to the end); closing
        # it again would close the test's database connection.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if not content_type.startswith("text/html"):
            body = b""
        return Response(response.status_code, content_type, response.get("Location", ""), body)

    def get(self, url: str) -> Response:
        return self._response(self.client.get(url))

    def post(self, url: str, data: dict) -> Response:
        return self._response(self.client.post(url, data))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the crawler records redirects itself


class HttpTransport:
    """urllib against a running server, cookies in an http.cookiejar."""

    MAX_BODY = 5 * 1024 * 1024

    def __init__(self, base: str, timeout: float = 60):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request) -> Response:
        request.add_header("User-Agent", "zhiku-security-crawler")
        try:
            raw = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            raw = error
        with raw:
            content_type = raw.headers.get("Content-Type", "")
            body = raw.read(self.MAX_BODY) if content_type.startswith("text/html") else b""
            location = raw.headers.get("Location", "")
            if location.startswith(self.base):
                location = location[len(self.base) :] or "/"
            return Response(raw.status, content_type, location, body)

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(self.base + url))

    def post(self, url: str, data: dict) -> Response:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + url, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Referer", self.base + url)
        return self._open(request)


# --- pages ------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []  # {"method", "action", "inputs": {name: (type, value)}}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in ("a", "area") and "href" in a:
            self.links.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.links.append(a["src"])
        elif tag == "form":
            method = a.get("method", "get").lower()
            self.forms.append({"method": method, "action": a.get("action", ""), "inputs": {}})
            if method == "get":  # the browser replaces the action's query with the fields
                self.links.append(a.get("action", "").split("?")[0] or "?")
        elif tag in ("input", "button", "select", "textarea") and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = (a.get("type", tag), a.get("value", ""))


def parse(body: bytes) -> _Links:
    parser = _Links()
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    return parser


def normalise(href: str, page: str, base: str = "") -> str | None:
    """`href` as found on `page` -> a same-origin "path?query" with sorted, non-empty
    parameters and no fragment, or None for another origin, another scheme or a skipped URL.
    A GET form's action loses its query (its parameters are not filled in)."""
    origin = urllib.parse.urlsplit(base or "http://testserver")
    here = f"{origin.scheme}://{origin.netloc}{page}"
    url = urllib.parse.urlsplit(urllib.parse.urljoin(here, href.strip()))
    if url.scheme not in ("http", "https") or url.netloc != origin.netloc:
        return None
    path = url.path or "/"
    if path.startswith(SKIP_PREFIXES) or SKIP_SEGMENTS & set(path.lower().split("/")):
        return None
    query = urllib.parse.urlencode(
        sorted((k, v) for k, v in urllib.parse.parse_qsl(url.query) if v.strip())
    )
    return f"{path}?{query}" if query else path


def split(url: str) -> tuple[str, dict[str, str]]:
    path, _, query = url.partition("?")
    return path, dict(urllib.parse.parse_qsl(query))


def has_number(path: str) -> bool:
    return any(part.isdigit() for part in path.split("/"))


def kind(url: str) -> tuple[str, dict]:
    """The URL name and keyword arguments of a URL (Django's resolver), or its shape with
    numbers replaced by <n> when it does not resolve."""
    name, kwargs = _kind(split(url)[0])
    return name, dict(kwargs)


@functools.lru_cache(maxsize=65536)
def _kind(path: str) -> tuple[str, tuple]:
    try:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
            return match.view_name, tuple(match.kwargs.items())
        except Resolver404:
            pass
    except ImportError:  # pragma: no cover - run without Django
        pass
    return re.sub(r"/\d+(?=/|$)", "/<n>", path), ()


# --- crawling -------------------------------------------------------------------------------


class LoginFailed(Exception):
    pass


@dataclass
class Finding:
    account: str
    url: str
    status: int
    reason: str

    def __str__(self):
        return f"{self.account}: {self.url} -> {self.status} ({self.reason})"


@dataclass
class Crawl:
    """One account's crawl: what it fetched, what it saw links to, and from where."""

    account: str
    transport: object
    base: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)  # fetched HTML page -> its links
    reached: set[str] = field(default_factory=set)
    referrer: dict[str, str] = field(default_factory=dict)  # URL -> page it was first seen on
    seconds: float = 0.0
    timings: dict[str, list] = field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))

    def fetch(self, url: str) -> Response:
        """GET one URL as this account and record its status and links."""
        start = time.perf_counter()
        response = self.transport.get(url)
        timing = self.timings[kind(url)[0]]
        timing[0] += 1
        timing[1] += time.perf_counter() - start
        self.statuses[url] = response.status
        found: set[str] = set()
        if response.status in (301, 302, 303, 307, 308) and response.location:
            target = normalise(response.location, url, self.base)
            if target:
                found.add(target)
        elif response.status == 200 and response.is_html:
            for href in parse(response.body).links:
                target = normalise(href, url, self.base)
                if target:
                    found.add(target)
        self.links[url] = found
        for target in found:
            self.referrer.setdefault(target, url)
        return response

    @property
    def ok(self) -> set[str]:
        return {url for url, status in self.statuses.items() if status == 200}


def login(transport, username: str, password: str, base: str = "") -> str:
    """Log in through the site's own form; return the page the site sent us to."""
    url, page = "/", None
    for _ in range(5):  # follow redirects from "/" to the login page
        response = transport.get(url)
        if response.status in (301, 302, 303, 307, 308):
            url = normalise(response.location, url, base) or "/"
            continue
        page = parse(response.body)
        break
    forms = page.forms if page else []
    form = next((f for f in forms if any(t == "password" for t, _ in f["inputs"].values())), None)
    if form is None:
        raise LoginFailed(f"{username}: no login form found at {url}")
    data = {name: value for name, (kind_, value) in form["inputs"].items() if kind_ == "hidden"}
    user_field = next(
        (n for n, (t, _) in form["inputs"].items() if t in ("text", "email") and "user" in n),
        "username",
    )
    pass_field = next(n for n, (t, _) in form["inputs"].items() if t == "password")
    data.update({user_field: username, pass_field: password})
    action = normalise(form["action"], url, base) if form["action"] else url
    response = transport.post(action, data)
    if response.status not in (302, 303) or "login" in response.location.split("?")[0]:
        raise LoginFailed(f"{username}: the login form answered {response.status}")
    return normalise(response.location, action, base) or "/"


class Crawler:
    def __init__(
        self,
        transport_factory: Callable[[], object],
        password: str,
        *,
        base: str = "",
        max_pages: int = 150,
        per_kind: int = 10,
        per_download: int = 3,
        max_variants: int = 10,
        max_list_pages: int = 30,
        sample: int = 5,
        max_deepen: int = 150,
        policy: Policy | None = None,
        log: Callable[[str], None] | None = None,
    ):
        self.transport_factory = transport_factory
        self.password = password
        self.base = base
        self.max_pages = max_pages
        self.per_kind = per_kind
        self.per_download = per_download
        self.max_variants = max_variants
        self.max_list_pages = max_list_pages
        self.sample = sample
        self.max_deepen = max_deepen
        self.deepened: dict[str, int] = defaultdict(int)  # account -> pages fetched to explain
        self.policy = policy
        self.log = log or (lambda message: None)
        self.crawls: dict[str, Crawl] = {}
        self.findings: list[Finding] = []
        self.checked: dict[str, dict[str, int]] = {}  # account -> cross-checked URL -> status
        self.explained: dict[str, dict[str, str]] = {}  # account -> URL -> why a 200 is fine

    # -- one account

    def _admit(self, url: str, variants: dict, kinds: dict) -> int | None:
        """The priority of a newly seen URL, or None when the crawl limits leave it out."""
        path, query = split(url)
        if not has_number(path):
            if query:
                filters = tuple(sorted((k, v) for k, v in query.items() if k != "page"))
                seen = variants.setdefault(path, {"filters": set(), "pages": 0})
                if filters:
                    if "page" in query or (
                        filters not in seen["filters"] and len(seen["filters"]) >= self.max_variants
                    ):
                        return None
                    seen["filters"].add(filters)
                else:
                    if seen["pages"] >= self.max_list_pages:
                        return None
                    seen["pages"] += 1
            return 0
        name = kind(url)[0]
        if kinds[name] >= self.per_kind:
            return None
        kinds[name] += 1
        return 1

    def crawl(self, account: str) -> Crawl:
        transport = self.transport_factory()
        start = time.perf_counter()
        first = login(transport, account, self.password, self.base)
        crawl = Crawl(account, transport, self.base)
        queue: list[tuple[int, int, str]] = []
        variants: dict = {}
        kinds: dict[str, int] = defaultdict(int)
        counter = 0
        for url in (first, "/"):
            if url not in crawl.reached:
                crawl.reached.add(url)
                heappush(queue, (0, counter := counter + 1, url))
        downloads: dict[str, int] = defaultdict(int)  # kind -> downloads of it fetched
        while queue and len(crawl.statuses) < self.max_pages:
            _, _, url = heappop(queue)
            name = kind(url)[0]
            if downloads[name] >= self.per_download:
                continue
            response = crawl.fetch(url)
            if response.status == 200 and not response.is_html:
                downloads[name] += 1
            self._judge(crawl, url, response.status)
            for target in sorted(crawl.links[url]):
                if target in crawl.reached:
                    continue
                priority = self._admit(target, variants, kinds)
                crawl.reached.add(target)  # seen on a page of its own, fetched or not
                if priority is not None:
                    heappush(queue, (priority, counter := counter + 1, target))
        crawl.seconds = time.perf_counter() - start
        self.crawls[account] = crawl
        self.log(
            f"{account}: {len(crawl.statuses)} fetched, {len(crawl.ok)} answered 200, "
            f"{len(crawl.reached)} reached, {crawl.seconds:.1f} s"
        )
        return crawl

    def _allowed(self, account: str, url: str) -> bool:
        """Does the policy oracle grant `account` the object behind `url`?"""
        name, kwargs = kind(url)
        return (
            self.policy is not None and name in POLICY and bool(self.policy(account, name, kwargs))
        )

    def _judge(self, crawl: Crawl, url: str, status: int) -> None:
        if status >= 500:
            self.findings.append(Finding(crawl.account, url, status, "server error"))
        elif status == 200 and self.policy is not None:
            name, kwargs = kind(url)
            if name in POLICY and self.policy(crawl.account, name, kwargs) is False:
                self.findings.append(
                    Finding(crawl.account, url, status, f"answers 200 against {POLICY[name][2]}")
                )

    # -- the cross-check

    def _candidates(self, account: str) -> list[tuple[str, str]]:
        """(URL, account that fetched it) for A's cross-check, at most `sample` per kind,
        taken in turn from the other accounts."""
        mine = self.crawls[account]
        my_paths = {split(url)[0] for url in mine.ok}
        by_kind: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for other, crawl in self.crawls.items():
            if other == account:
                continue
            for url in sorted(crawl.ok):
                path, query = split(url)
                if url in mine.reached or (query and not has_number(path) and path in my_paths):
                    continue
                by_kind[kind(url)[0]][other].append(url)
        chosen: list[tuple[str, str]] = []
        for name in sorted(by_kind):
            sources = by_kind[name]
            taken: set[str] = set()
            rows = max(len(urls) for urls in sources.values())
            for row in range(rows):
                for other in sorted(sources):
                    urls = sources[other]
                    if row < len(urls) and urls[row] not in taken:
                        if self.sample and len(taken) >= self.sample:
                            break
                        taken.add(urls[row])
                        chosen.append((urls[row], other))
        return chosen

    def _links_to(self, account: str, page: str, url: str) -> bool:
        """Does `page`, fetched as `account` (once), link or redirect to `url`?"""
        mine = self.crawls[account]
        if page not in mine.links:
            response = mine.fetch(page)
            self._judge(mine, page, response.status)
            mine.reached.update(mine.links[page])
        return url in mine.links[page]

    def _parent_kinds(self, name: str) -> set[str]:
        """The kinds of page on which some account found a link to a page of kind `name`."""
        return {
            kind(page)[0]
            for crawl in self.crawls.values()
            for page, links in crawl.links.items()
            if any(kind(link)[0] == name for link in links)
        }

    def _reachable(self, account: str, url: str, depth: int = 0) -> bool:
        """Can `account` get to `url` by following its own links? Tried two ways: replaying
        the step by which another account found it (from a page `account` reaches itself),
        and fetching the pages `account` reached but did not fetch (the budget) of the kinds
        that link to such URLs (problem pages link to their assignments)."""
        mine = self.crawls[account]
        if url in mine.reached:
            return True
        if depth > 3:
            return False
        for other, crawl in self.crawls.items():
            page = crawl.referrer.get(url)
            if other == account or page is None:
                continue
            if (page in mine.reached or self._reachable(account, page, depth + 1)) and (
                self._links_to(account, page, url)
            ):
                return True
        if depth:  # deepen for the URL itself only, not for every step back
            return False
        parents = self._parent_kinds(kind(url)[0])
        by_kind: dict[str, list[str]] = defaultdict(list)
        for page in sorted(mine.reached):
            if page not in mine.links:
                by_kind[kind(page)[0]].append(page)
        # The kinds seen linking to such URLs first, lists before objects, then the kinds in
        # turn, the smallest first: a problem's handful of pages before the whole expert pool.
        kinds = sorted(
            by_kind,
            key=lambda name: (
                name not in parents,
                has_number(split(by_kind[name][0])[0]),
                len(by_kind[name]),
            ),
        )
        pending = [
            pages[row]
            for group in (
                [name for name in kinds if name in parents],
                [name for name in kinds if name not in parents],
            )
            for row in range(max((len(by_kind[name]) for name in group), default=0))
            for pages in (by_kind[name] for name in group)
            if row < len(pages)
        ]
        for page in pending:
            if self.deepened[account] >= self.max_deepen:
                break
            self.deepened[account] += 1
            if self._links_to(account, page, url):
                return True
        return False

    def cross_check(self, account: str) -> None:
        mine = self.crawls[account]
        checked = self.checked.setdefault(account, {})
        explained = self.explained.setdefault(account, {})
        for url, other in self._candidates(account):
            if url in mine.statuses:  # fetched meanwhile while replaying a path
                status = mine.statuses[url]
            else:
                status = mine.fetch(url).status
                self._judge(mine, url, status)
            checked[url] = status
            if status != 200:
                continue
            name = kind(url)[0]
            if name in ALLOWED_EVERYWHERE:
                explained[url] = f"{name}: open to every logged-in user"
            elif self._reachable(account, url):
                explained[url] = "reachable through its own links"
            elif self._allowed(account, url):
                explained[url] = f"not reached within the budget; {POLICY[name][2]} allows it"
            else:
                self.findings.append(
                    Finding(account, url, status, f"not linked for {account}; {other} reached it")
                )

    def run(self, accounts: Iterable[str]) -> list[Finding]:
        accounts = list(accounts)
        for account in accounts:
            self.crawl(account)
        for account in accounts:
            self.cross_check(account)
            checked = self.checked[account]
            self.log(
                f"{account}: cross-checked {len(checked)} URLs of other accounts, "
                f"{sum(1 for s in checked.values() if s != 200)} refused, "
                f"{len(self.explained[account])} explained"
            )
        return self.findings

    # -- figures

    @property
    def pages(self) -> set[str]:
        """Every distinct URL fetched by some account during its crawl or cross-check."""
        return {url for crawl in self.crawls.values() for url in crawl.statuses}

    def summary(self, explained: bool = False) -> str:
        lines = [
            "account        fetched  200  reached  cross-checked  refused  explained  deepened"
        ]
        for account, crawl in self.crawls.items():
            checked = self.checked.get(account, {})
            lines.append(
                f"{account:<14} {len(crawl.statuses):>7} {len(crawl.ok):>4} {len(crawl.reached):>8}"
                f" {len(checked):>14} {sum(1 for s in checked.values() if s != 200):>8}"
                f" {len(self.explained.get(account, {})):>10} {self.deepened[account]:>9}"
            )
        statuses = defaultdict(int)
        for crawl in self.crawls.values():
            for status in crawl.statuses.values():
                statuses[status] += 1
        lines.append(
            f"{len(self.pages)} distinct URLs; responses by status: "
            + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        )
        by_kind: dict[str, list] = defaultdict(lambda: [0, 0.0])
        for crawl in self.crawls.values():
            for name, (count, seconds) in crawl.timings.items():
                by_kind[name][0] += count
                by_kind[name][1] += seconds
        slowest = sorted(by_kind.items(), key=lambda item: -item[1][1])[:8]
        lines.append(
            "most time: "
            + ", ".join(f"{name} {count}× {seconds:.1f} s" for name, (count, seconds) in slowest)
        )
        if explained:
            lines.append("200s to URLs the account had not reached, and why they are fine:")
            lines.extend(
                f"  {account}: {url} ({why})"
                for account, urls in self.explained.items()
                for url, why in urls.items()
            )
        lines.append(f"{len(self.findings)} finding(s)")
        lines.extend(f"  {finding}" for finding in self.findings)
        return "\n".join(lines)


# --- the policy oracle --------------------------------------------------------------------


def django_policy() -> Policy:
    """Ask django-rules whether an account may open an object page (POLICY names the perm)."""
    from django.apps import apps

    from accounts.models import User

    users: dict[str, User] = {}

    def allowed(account: str, name: str, kwargs: dict) -> bool | None:
        label, key, perm = POLICY[name]
        obj = apps.get_model(label).objects.filter(pk=kwargs.get(key)).first()
        if obj is None:
            return None
        if account not in users:
            users[account] = User.objects.get(username=account)
        return users[account].has_perm(perm, obj)

    return allowed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("accounts", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", required=True)
    parser.add_argument("--max-pages", type=int, default=300)
    parser.add_argument("--per-kind", type=int, default=15)
    parser.add_argument("--max-variants", type=int, default=10, help="filter queries per list")
    parser.add_argument("--sample", type=int, default=10, help="per kind and account; 0 = all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the explained 200s")
    parser.add_argument(
        "--policy",
        action="store_true",
        help="also check object pages against the rules, reading the server's database "
        "(DATABASE_URL as the server has it)",
    )
    args = parser.parse_args(argv)

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # URL names for the limits and the allowlist; the database only for --policy
    crawler = Crawler(
        lambda: HttpTransport(args.base),
        args.password,
        base=args.base,
        max_pages=args.max_pages,
        per_kind=args.per_kind,
        max_variants=args.max_variants,
        sample=args.sample,
        policy=django_policy() if args.policy else None,
        log=lambda message: print(message, file=sys.stderr),
    )
    try:
        crawler.run(args.accounts)
    except LoginFailed as error:
        print(f"login failed: {error}", file=sys.stderr)
        return 2
    print(crawler.summary(explained=args.verbose))
    return 1 if crawler.findings else 0


if __name__ == "__main__":
    sys.exit(main())
