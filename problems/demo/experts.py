"""The demo talent pool and learned societies, created in bulk.

The pool's people come from talent.PersonGenerator (plain data, shared with bench/pool.py);
here they get references, verification state and timestamps, and are written with
bulk_create, as a talent-pool import would. Disciplines are resolved against the Discipline
table at run time, so the pool follows whatever GB/T 13745 entries are loaded.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from accounts.models import Region, User
from experts.models import Discipline, Expert, Society
from experts.search import expert_index

from .common import random_day, random_mobile, random_moment
from .data import AREA_CODES, EXPERTS, POOL_SIZE, SEED, SOCIETIES, SOCIETY_SIZES, SocietySpec
from .talent import Person, PersonGenerator, resolve_discipline

POOL_SEED = SEED + 1  # the pool and the societies draw from their own generators, so adding
SOCIETY_SEED = SEED + 2  # people never shifts the rest of the demo world's random choices


def expert_ref(number: int) -> str:
    return f"ZJ-DEMO-{number:03d}"


def society_ref(number: int) -> str:
    return f"XH-{number:04d}"


# --- disciplines --------------------------------------------------------------------------------


class Catalogue:
    """The Discipline table as plain dicts, for resolving talent.py's discipline references."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        for code, name, parent in Discipline.objects.order_by("code").values_list(
            "code", "name", "parent_id"
        ):
            self.names[code] = name
            if parent:
                self.children[parent].append(code)

    def codes(self, refs: Iterable[str]) -> list[str]:
        """The existing codes for `refs`, without duplicates; missing ones are left out."""
        codes = (resolve_discipline(ref, self.names, self.children) for ref in refs)
        return list(dict.fromkeys(code for code in codes if code))


def first_levels(refs: Iterable[str]) -> set[str]:
    return {ref.split()[0][:3] for ref in refs}


# --- the pool -----------------------------------------------------------------------------------


@dataclass
class PoolPlan:
    ref: str
    person: Person
    verified: bool
    accepting: bool
    max_assignments: int
    created: datetime
    verified_at: datetime | None


def plan_pool(today: date) -> list[PoolPlan]:
    rng = random.Random(POOL_SEED)
    counties = Region.objects.filter(level=Region.Level.COUNTY, code__startswith="65").exclude(
        code__startswith="659"
    )
    people = PersonGenerator(rng, list(counties.order_by("code").values_list("code", "name")))
    plans = []
    for number in range(len(EXPERTS) + 1, len(EXPERTS) + POOL_SIZE + 1):
        person = people.person()
        verified = rng.random() < 0.88
        if verified:  # imported from earlier talent-pool lists, then checked by staff
            created = random_moment(random_day(date(2024, 3, 1), date(2025, 9, 30), rng), rng)
            verified_at = random_moment(created.date() + timedelta(days=rng.randint(1, 20)), rng)
        else:  # imported recently, not yet checked
            created = random_moment(today - timedelta(days=rng.randint(2, 45)), rng)
            verified_at = None
        plans.append(
            PoolPlan(
                ref=expert_ref(number),
                person=person,
                verified=verified,
                accepting=rng.random() < 0.9,
                max_assignments=rng.choices(range(1, 7), weights=(6, 18, 40, 16, 14, 6))[0],
                created=created,
                verified_at=verified_at,
            )
        )
    return plans


def pool_seed(plans: list[PoolPlan], *, verified_by: User, catalogue: Catalogue) -> int:
    """Create the planned experts that do not exist yet, with their disciplines; returns how
    many were created."""
    existing = set(
        Expert.objects.filter(ref__in=[plan.ref for plan in plans]).values_list("ref", flat=True)
    )
    new = [plan for plan in plans if plan.ref not in existing]
    experts = []
    for plan in new:
        person = plan.person
        expert = Expert(
            ref=plan.ref,
            name=person.name,
            gender=person.gender,
            employer=person.employer,
            title=person.title,
            research_directions="\n".join(person.directions),
            region_id=person.region,
            email=person.email,
            mobile=person.mobile,
            accepting=plan.accepting,
            max_assignments=plan.max_assignments,
            verified=plan.verified,
            verified_at=plan.verified_at,
            verified_by=verified_by if plan.verified else None,
            created_at=plan.created,
        )
        experts.append(expert_index(expert))
    Expert.objects.bulk_create(experts, batch_size=500)
    # bulk_create stamps updated_at (auto_now) with the current time; backdate it like the rest.
    pks = dict(Expert.objects.filter(ref__in=[plan.ref for plan in new]).values_list("ref", "pk"))
    for expert, plan in zip(experts, new, strict=True):
        expert.pk = pks[plan.ref]
        expert.updated_at = plan.verified_at or plan.created
    Expert.objects.bulk_update(experts, ["updated_at"], batch_size=500)
    Through = Expert.disciplines.through
    Through.objects.bulk_create(
        Through(expert_id=pks[plan.ref], discipline_id=code)
        for plan in new
        for code in catalogue.codes(plan.person.disciplines)
    )
    return len(experts)


# --- societies ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    ref: str
    employer: str
    region: str
    fields: set[str]  # first-level discipline codes


def candidates(pool: list[PoolPlan]) -> list[Candidate]:
    """Every demo expert, hand-written and generated, as society membership sees them."""
    people = [
        Candidate(spec.ref, spec.employer, spec.region, first_levels(spec.disciplines))
        for spec in EXPERTS
    ]
    people += [
        Candidate(plan.ref, plan.person.employer, plan.person.region,
                  first_levels(plan.person.disciplines))
        for plan in pool
    ]  # fmt: skip
    return people


def _is_own(spec: SocietySpec, person: Candidate) -> bool:
    """A unit's 科协 counts the unit's staff; a prefecture's society its prefecture's experts."""
    if spec.unit:
        return person.employer == spec.unit
    if spec.level == Society.Level.PREFECTURE:
        return person.region[:4] == spec.region[:4]
    return True


def choose_members(rng: random.Random, spec: SocietySpec, people: list[Candidate]) -> list[str]:
    """The refs of the society's members: its hand-picked demo experts, then experts whose
    disciplines overlap the society's, its own (see _is_own) before others, up to a size
    drawn from SOCIETY_SIZES."""
    lo, hi = SOCIETY_SIZES[spec.level]
    size = rng.randint(lo, hi)
    chosen = [expert_ref(number) for number in spec.members]
    fields = first_levels(spec.disciplines)
    overlapping = [p for p in people if p.fields & fields and p.ref not in chosen]
    own = [p.ref for p in overlapping if _is_own(spec, p)]
    others = [p.ref for p in overlapping if not _is_own(spec, p)]
    for group in (own, others):
        wanted = max(0, size - len(chosen))
        chosen += rng.sample(group, min(wanted, len(group)))
    return chosen


def societies_seed(pool: list[PoolPlan], *, users: dict[str, User], catalogue: Catalogue) -> int:
    """Create the societies that do not exist yet (looked up by ref or name); returns how many."""
    rng = random.Random(SOCIETY_SEED)
    people = candidates(pool)
    pks = dict(Expert.objects.filter(ref__startswith="ZJ-DEMO-").values_list("ref", "pk"))
    existing = Society.objects.values_list("ref", "name")
    taken = {value for pair in existing for value in pair}
    created = 0
    for number, spec in enumerate(SOCIETIES, start=1):
        # Every society's choices are drawn even when it exists, so the others stay the same.
        area = AREA_CODES.get(spec.region[:4])
        phone = f"{area}-{rng.randint(2000000, 8999999)}" if area else random_mobile(rng)
        members = choose_members(rng, spec, people)
        ref = society_ref(number)
        if ref in taken or spec.name in taken:
            continue
        society = Society.objects.create(
            ref=ref,
            name=spec.name,
            level=spec.level,
            region_id=spec.region,
            contact_name=spec.contact,
            contact_phone=phone,
            contact_email=spec.email,
            description=spec.description,
        )
        society.disciplines.set(catalogue.codes(spec.disciplines))
        society.members.set([pks[ref] for ref in members if ref in pks])
        if spec.admin:
            society.admins.add(users[spec.admin])
        created += 1
    return created
