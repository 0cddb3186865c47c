"""Rank experts for problems from the command line (the same matcher as the staff pages).

python manage.py suggest_experts --problem KBZ-2026-0007 --top 10
python manage.py suggest_experts --all --format json > suggestions.json
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from experts.matching import suggest_experts
from experts.matching.pool import problems_for_matching
from experts.models import Expert
from problems.models import Problem


class Command(BaseCommand):
    help = "Suggest experts for one problem (--problem REF) or for every open one (--all)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--problem", metavar="REF", help="the problem's 编号 or number")
        which.add_argument(
            "--all", action="store_true", help="every problem accepted into the pool, not closed"
        )
        parser.add_argument("--top", type=int, default=10, help="experts per problem (10)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, problem=None, all=False, top=10, format="table", **options):
        if top < 1:
            raise CommandError("--top must be at least 1")
        if problem:
            found = Problem.objects.filter(Q(ref=problem) | Q(number=problem)).first()
            if found is None:
                raise CommandError(f"no problem with 编号 or number {problem!r}")
            problems = [found]
        else:
            problems = list(problems_for_matching().order_by("ref", "number", "pk"))
        results = {(p.ref or p.number or str(p.pk)): suggest_experts(p, top=top) for p in problems}
        if format == "json":
            payload = {ref: [s.as_dict() for s in rows] for ref, rows in results.items()}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        names = dict(
            Expert.objects.filter(
                pk__in=[s.expert_id for rows in results.values() for s in rows]
            ).values_list("pk", "name")
        )
        by_ref = {p.ref or p.number or str(p.pk): p for p in problems}
        for ref, rows in results.items():
            self.stdout.write(self.style.MIGRATE_HEADING(f"{ref}  {by_ref[ref].title}"))
            if not rows:
                self.stdout.write("  —")
            for rank, s in enumerate(rows, 1):
                flags = f"  ⚠ {'；'.join(s.flags)}" if s.flags else ""
                self.stdout.write(
                    f"  {rank:>2}. {s.score:6.3f}  {s.expert_ref:<14} {names.get(s.expert_id, '')}"
                    f"  {' | '.join(s.reasons)}{flags}"
                )
