"""Plans and creates the demo world; see problems/demo/__init__.py."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import GovernmentBody, Region, User
from experts.models import Expert
from experts.search import expert_index
from experts.services import expert_register, expert_verify
from problems.models import (
    Campaign,
    Enterprise,
    EnterpriseEvent,
    Industry,
    Problem,
    ProblemEvent,
)
from problems.services import (
    ENTERPRISE,
    REASON_REQUIRED,
    actor_kind,
    campaign_create,
    campaign_set_status,
    enterprise_register,
    enterprise_set_status,
    problem_note,
    problem_number_allocate,
    problem_save_draft,
    problem_transition,
)
from problems.validators import CHARSET, credit_code_check_char

from .common import random_day, random_mobile, random_moment, staff_for
from .data import (
    ACCOUNTS,
    ADDRESSES,
    ATTEMPTS,
    CAMPAIGNS,
    EDIT,
    ENTERPRISE_REJECTION,
    ENTERPRISES,
    EXPERTS,
    GOVERNMENT_BODIES,
    MONTH_ENDS,
    NOTE,
    NOTES,
    PARKS,
    PASSWORD,
    PATHS,
    PENDING,
    PROBLEMS,
    REASONS,
    REF_PREFIX,
    REJECTED,
    REVISIONS,
    ROADS,
    SEED,
    UNIVERSITIES,
    VERIFIED,
    CampaignSpec,
    ExpertSpec,
    ProblemSpec,
    Role,
    S,
)
from .experts import Catalogue, PoolPlan, plan_pool, pool_seed, societies_seed

# --- planning: every random choice, made in a fixed order -----------------------------------


def _place(region: Region) -> str:
    """塔城地区塔城市; Corps cities (under 659000) are named on their own."""
    parent = region.parent
    if parent is None or parent.is_root or parent.code == "659000":
        return region.name
    return parent.name + region.name


@dataclass
class EnterprisePlan:
    credit_code: str
    phone: str
    street: str  # the address after the county name
    times: list[datetime]  # registration, then each status change


def plan_enterprises(rng: random.Random, today: date) -> list[EnterprisePlan]:
    plans, codes = [], set()
    for _username, _name, region, _industry, _contact, status in ENTERPRISES:
        body = "91" + region + "".join(rng.choice(CHARSET) for _ in range(9))
        code = body + credit_code_check_char(body)
        assert code not in codes, code
        codes.add(code)
        street = f"{rng.choice(PARKS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        if status == VERIFIED:
            # Registered before the 2025 campaign opened.
            registered = random_moment(random_day(date(2024, 10, 8), date(2025, 3, 15), rng), rng)
        else:
            registered = random_moment(today - timedelta(days=rng.randint(3, 30)), rng)
        times = [registered]
        if status != PENDING:
            times.append(random_moment(registered.date() + timedelta(days=rng.randint(1, 6)), rng))
        plans.append(EnterprisePlan(code, random_mobile(rng), street, times))
    return plans


@dataclass
class ExpertPlan:
    mobile: str
    created: datetime
    verified: datetime


def plan_experts(rng: random.Random, today: date) -> list[ExpertPlan]:
    plans = []
    for spec in EXPERTS:
        if spec.verified:
            created = random_moment(random_day(date(2024, 6, 1), date(2025, 6, 30), rng), rng)
        else:
            created = random_moment(today - timedelta(days=rng.randint(3, 20)), rng)
        verified = random_moment(created.date() + timedelta(days=rng.randint(1, 10)), rng)
        plans.append(ExpertPlan(random_mobile(rng), created, verified))
    return plans


@dataclass
class ProblemPlan:
    number: int
    spec: ProblemSpec
    steps: list[str]
    times: list[datetime]  # one per event row: creation, each move, each note
    fields: dict  # problem fields chosen at random
    revision: str  # what the enterprise adds when it revises a returned problem

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX}{self.number:04d}"

    @property
    def submitted_at(self) -> datetime | None:
        return self.times[1] if S.SUBMITTED in self.steps else None


def _timeline(
    rng: random.Random, window: tuple[date, date], events: int, now: datetime
) -> list[datetime]:
    """`events` increasing moments: creation, submission inside `window`, then the moves a
    few days apart, never later than `now`."""
    lo, hi = window
    if events == 1:  # still a draft: created recently
        return [random_moment(random_day(max(lo, hi - timedelta(days=40)), hi, rng), rng)]
    later = events - 2
    submitted = random_moment(random_day(lo, max(lo, hi - timedelta(days=5 * later)), rng), rng)
    created = random_moment(max(lo, submitted.date() - timedelta(days=rng.randint(1, 6))), rng)
    if created >= submitted:  # drafted on the campaign's first day
        created = submitted - timedelta(minutes=rng.randint(30, 120))
    times = [created, submitted]
    for _ in range(later):
        times.append(random_moment(times[-1].date() + timedelta(days=rng.randint(1, 6)), rng))
    if times[-1] > now:
        step = (now - submitted) / (later + 1)
        times[2:] = [submitted + step * (index + 1) for index in range(later)]
    return times


def plan_problems(
    rng: random.Random, windows: dict[str | None, tuple[date, date]], now: datetime
) -> list[ProblemPlan]:
    plans = []
    for number, spec in enumerate(PROBLEMS, start=1):
        steps = list(PATHS[spec.path])
        if number in NOTES:
            steps.insert(steps.index(S.SCREENING) + 1, NOTE)
        window = windows[spec.campaign]
        if not steps:
            window = (window[0], now.date() - timedelta(days=1))
        events = 1 + sum(step != EDIT for step in steps)
        times = _timeline(rng, window, events, now)
        year, (month, day) = rng.randint(2027, 2029), rng.choice(MONTH_ENDS)
        fields = {
            "attempts": rng.choice(ATTEMPTS).format(uni=rng.choice(UNIVERSITIES)),
            "cooperation_modes": sorted(
                rng.sample(Problem.CooperationMode.values, rng.randint(1, 3)),
                key=Problem.CooperationMode.values.index,
            ),
            "budget_range": rng.choice(Problem.Budget.values),
            "desired_completion": date(year, month, day),
            "confidentiality": rng.choice(
                (Problem.Confidentiality.INTERNAL, Problem.Confidentiality.PUBLIC)
            ),
        }
        plans.append(ProblemPlan(number, spec, steps, times, fields, rng.choice(REVISIONS)))
    return plans


# --- applying the plan ----------------------------------------------------------------------


class Seeder:
    def __init__(self, *, today: date, now: datetime):
        self.today, self.now = today, now
        self.rng = random.Random(SEED)
        self.created: Counter[str] = Counter()
        # PBKDF2 costs ~0.2 s per call; every demo account shares one password, so hash it once.
        self.password_hash = make_password(PASSWORD)
        self.users: dict[str, User] = {}

    def set_password(self, user: User) -> None:
        User.objects.filter(pk=user.pk).update(password=self.password_hash)

    # accounts ---------------------------------------------------------------------------

    def government_bodies(self) -> None:
        for name, region in GOVERNMENT_BODIES:
            _body, created = GovernmentBody.objects.get_or_create(
                name=name, defaults={"region_id": region}
            )
            self.created["government bodies"] += created

    def accounts(self) -> None:
        for username, role, display_name, region, body in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    password=self.password_hash,
                    email=f"{username}@xjkx.example.com",
                    role=role,
                    display_name=display_name,
                    region_id=region,
                    government_body=GovernmentBody.objects.get(name=body) if body else None,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                self.created["accounts"] += 1
            self.users[username] = user

    def staff_for(self, region_code: str) -> User:
        return staff_for(self.users, region_code)

    # enterprises ------------------------------------------------------------------------

    def enterprises(self) -> None:
        plans = plan_enterprises(self.rng, self.today)
        for row, plan in zip(ENTERPRISES, plans, strict=True):
            username = row[0]
            if not Enterprise.objects.filter(credit_code=plan.credit_code).exists():
                self.enterprise(row, plan)
            self.users[username] = User.objects.get(username=username)

    def enterprise(self, row: tuple, plan: EnterprisePlan) -> None:
        username, name, region_code, industry, contact, status = row
        region = Region.objects.get(code=region_code)
        # password=None leaves the password unusable (no hashing); the shared hash follows.
        member = enterprise_register(
            name=name,
            credit_code=plan.credit_code,
            region=region,
            industry=Industry.objects.get(code=industry),
            contact_name=contact,
            contact_phone=plan.phone,
            address=ADDRESSES.get(username) or f"{_place(region)}{plan.street}",
            username=username,
            password=None,
        )
        self.set_password(member)
        enterprise = member.enterprise
        staff = self.staff_for(region_code)
        if status == VERIFIED:
            enterprise_set_status(enterprise, Enterprise.Status.VERIFIED, by=staff)
        elif status == REJECTED:
            enterprise_set_status(
                enterprise, Enterprise.Status.REJECTED, by=staff, reason=ENTERPRISE_REJECTION
            )
        events = list(enterprise.events.order_by("pk"))
        for event, moment in zip(events, plan.times, strict=True):
            event.created_at = moment
        EnterpriseEvent.objects.bulk_update(events, ["created_at"])
        Enterprise.objects.filter(pk=enterprise.pk).update(
            created_at=plan.times[0],
            verified_at=plan.times[1] if status == VERIFIED else None,
        )
        User.objects.filter(pk=member.pk).update(date_joined=plan.times[0])
        self.created["enterprises"] += 1

    # campaigns --------------------------------------------------------------------------

    def campaigns(self) -> dict[str, Campaign]:
        campaigns = {}
        for spec in CAMPAIGNS:
            campaign = Campaign.objects.filter(title=spec.title).first()
            if campaign is None:
                campaign = self.campaign(spec)
            campaigns[spec.key] = campaign
        return campaigns

    def campaign(self, spec: CampaignSpec) -> Campaign:
        def day(value: int | date) -> date:
            return self.today + timedelta(days=value) if isinstance(value, int) else value

        by = self.users[spec.created_by]
        campaign = campaign_create(
            Campaign(
                title=spec.title,
                description=spec.description,
                region_id=spec.region,
                opens_on=day(spec.opens),
                closes_on=day(spec.closes),
                categories=spec.categories,
                cap_per_unit=3,
            ),
            by=by,
        )
        campaign = campaign_set_status(campaign, Campaign.Status.PUBLISHED, by=by)
        if spec.status == Campaign.Status.CLOSED:
            campaign = campaign_set_status(campaign, Campaign.Status.CLOSED, by=by)
        # Drafted a few days before it opened (a fixed offset keeps reruns identical).
        created_at = timezone.make_aware(
            datetime.combine(campaign.opens_on - timedelta(days=6), time(10, 30))
        )
        Campaign.objects.filter(pk=campaign.pk).update(created_at=created_at)
        # The history follows: drafted, published the day before opening, closed after.
        moments = {
            Campaign.Status.DRAFT: created_at,
            Campaign.Status.PUBLISHED: created_at + timedelta(days=5),
            Campaign.Status.CLOSED: created_at
            + timedelta(days=(campaign.closes_on - campaign.opens_on).days + 7),
        }
        for status, moment in moments.items():
            campaign.events.filter(to_status=status).update(created_at=moment)
        self.created["campaigns"] += 1
        return campaign

    # problems ---------------------------------------------------------------------------

    def problems(self, campaigns: dict[str, Campaign]) -> None:
        recent = self.today - timedelta(days=3)
        windows = {
            key: (campaign.opens_on, min(campaign.closes_on, recent))
            for key, campaign in campaigns.items()
        }
        windows[None] = (self.today - timedelta(days=240), self.today - timedelta(days=14))
        plans = plan_problems(self.rng, windows, self.now - timedelta(hours=1))
        existing = set(
            Problem.objects.filter(ref__startswith=REF_PREFIX).values_list("ref", flat=True)
        )
        # Submit in date order so that numbers increase with the submission dates.
        plans.sort(key=lambda plan: plan.submitted_at or plan.times[0])
        for plan in plans:
            if plan.ref not in existing:
                self.problem(plan, campaigns)

    def problem(self, plan: ProblemPlan, campaigns: dict[str, Campaign]) -> None:
        spec = plan.spec
        member = self.users[spec.enterprise]
        campaign = campaigns[spec.campaign] if spec.campaign else None
        problem = Problem(
            ref=plan.ref,
            # A closed campaign accepts nothing: such problems are attached after the workflow.
            campaign=campaign if campaign and campaign.is_open(self.today) else None,
            title=spec.title,
            category=spec.category,
            background=spec.background,
            bottleneck=spec.bottleneck,
            indicators=spec.indicators,
            import_source=spec.import_source,
            import_share=spec.import_share,
            expected_goal=spec.goal,
            contact_name=member.enterprise.contact_name,
            contact_phone=member.enterprise.contact_phone,
            **plan.fields,
        )
        problem = problem_save_draft(problem, by=member)
        submitted_at = plan.submitted_at
        if submitted_at and submitted_at.year != self.today.year:
            # Numbers carry the year of submission; this one is backdated into another year.
            problem.number = problem_number_allocate(submitted_at.year)
            problem = problem_save_draft(problem, by=member)
        for step in plan.steps:
            problem = self.step(problem, step, plan)
        self.backdate(problem, plan, campaign)
        self.created["problems"] += 1

    def step(self, problem: Problem, step: str, plan: ProblemPlan) -> Problem:
        member = self.users[plan.spec.enterprise]
        if step == EDIT:
            problem.indicators = f"{problem.indicators}\n{plan.revision}"
            return problem_save_draft(problem, by=member)
        if step == NOTE:
            problem_note(problem, by=self.staff_for(problem.region_id), note=NOTES[plan.number])
            return problem
        if actor_kind((problem.status, step)) == ENTERPRISE:
            actor = member
        elif problem.status in {S.ACCEPTED, S.CONFIDENTIALITY, S.READY}:
            # Confidentiality review and closing are done at the autonomous-region level.
            actor = self.users["staff_xj"]
        else:
            actor = self.staff_for(problem.region_id)
        reason = REASONS[plan.number] if step in REASON_REQUIRED else ""
        return problem_transition(problem, step, by=actor, reason=reason)

    def backdate(self, problem: Problem, plan: ProblemPlan, campaign: Campaign | None) -> None:
        events = list(problem.events.order_by("pk"))
        for event, moment in zip(events, plan.times, strict=True):
            event.created_at = moment
        ProblemEvent.objects.bulk_update(events, ["created_at"])
        Problem.objects.filter(pk=problem.pk).update(
            campaign=campaign,
            created_at=plan.times[0],
            submitted_at=plan.submitted_at,
            updated_at=plan.times[-1],
        )

    # experts and societies --------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue()

    @cached_property
    def pool(self) -> list[PoolPlan]:
        return plan_pool(self.today)

    def experts(self) -> None:
        plans = plan_experts(self.rng, self.today)
        refs = [spec.ref for spec in EXPERTS]
        existing = set(Expert.objects.filter(ref__in=refs).values_list("ref", flat=True))
        for spec, plan in zip(EXPERTS, plans, strict=True):
            if spec.ref not in existing:
                self.expert(spec, plan)
            if spec.username:
                self.users[spec.username] = User.objects.get(username=spec.username)
        self.created["experts"] += pool_seed(
            self.pool, verified_by=self.users["staff_xj"], catalogue=self.catalogue
        )

    def expert(self, spec: ExpertSpec, plan: ExpertPlan) -> None:
        profile = Expert(
            ref=spec.ref,
            name=spec.name,
            gender=spec.gender,
            employer=spec.employer,
            title=spec.title,
            research_directions="\n".join(spec.directions),
            region_id=spec.region,
            email=spec.email,
            mobile=plan.mobile,
        )
        if spec.username:
            user = expert_register(username=spec.username, password=None, profile=profile)
            self.set_password(user)
            User.objects.filter(pk=user.pk).update(date_joined=plan.created)
        else:  # imported from a talent-pool spreadsheet rather than self-registered
            expert_index(profile)
            profile.save()
        profile.disciplines.set(self.catalogue.codes(spec.disciplines))
        if spec.verified:
            expert_verify(profile, by=self.users["staff_xj"])
        Expert.objects.filter(pk=profile.pk).update(
            created_at=plan.created,
            updated_at=plan.verified if spec.verified else plan.created,
            verified_at=plan.verified if spec.verified else None,
        )
        self.created["experts"] += 1

    def societies(self) -> None:
        self.created["societies"] += societies_seed(
            self.pool, users=self.users, catalogue=self.catalogue
        )
