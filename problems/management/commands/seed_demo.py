"""`python manage.py seed_demo`: load the Xinjiang demo world (see problems/demo/)."""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from consult.demo.seed import ConsultSeeder, ReportFileError
from consult.models import Report, Topic
from experts.models import Discipline, Expert, Society
from problems.demo.data import PASSWORD, REF_PREFIX, S
from problems.demo.seed import Seeder
from problems.demo.workflow import WorkflowSeeder
from problems.models import (
    Campaign,
    Enterprise,
    Problem,
)

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load the Xinjiang demo data set (idempotent: existing rows are left as they are)."

    def handle(self, *args, **options):
        start = time.perf_counter()
        seeder = Seeder(today=timezone.localdate(), now=timezone.now())
        # Demo addresses are fictitious: the mail the workflow sends stays in memory.
        with override_settings(EMAIL_BACKEND=LOCMEM), transaction.atomic():
            seeder.government_bodies()
            seeder.accounts()
            seeder.enterprises()
            seeder.experts()
            seeder.societies()
            campaigns = seeder.campaigns()
            seeder.problems(campaigns)
            seeder.created["assignments"] += WorkflowSeeder(
                users=seeder.users,
                today=seeder.today,
                now=seeder.now,
                password_hash=seeder.password_hash,
            ).run()
            try:
                seeder.created.update(
                    ConsultSeeder(
                        users=seeder.users,
                        today=seeder.today,
                        now=seeder.now,
                        password_hash=seeder.password_hash,
                    ).run()
                )
            except ReportFileError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.summary(seeder.created, time.perf_counter() - start))

    def summary(self, created: Counter, seconds: float) -> str:
        made = ", ".join(f"{count} {what}" for what, count in created.items() if count)
        problems = Problem.objects.filter(ref__startswith=REF_PREFIX)
        by_status = Counter(problems.values_list("status", flat=True))
        in_use = Discipline.objects.filter(experts__isnull=False).distinct().count()
        lines = [
            f"Created: {made} in {seconds:.1f} s."
            if made
            else "Demo data already present; nothing created.",
            f"Demo problems: {problems.count()} "
            f"({', '.join(f'{status} {by_status[status]}' for status in S.values)}).",
            f"Enterprises: {Enterprise.objects.count()}, experts: {Expert.objects.count()}, "
            f"societies: {Society.objects.count()}, campaigns: {Campaign.objects.count()}.",
            f"Disciplines held by experts: {in_use} of {Discipline.objects.count()} loaded.",
            f"Research topics: {self.tally(Topic)}.",
            f"Advisory reports: {self.tally(Report)}.",
            f"Log in as admin, staff_xj, staff_tc, staff_ks, ent_a, ent_b, expert_a, expert_b, "
            f"society_a, official_a, official_b or official_c with the password {PASSWORD}.",
        ]
        return "\n".join(lines)

    @staticmethod
    def tally(model) -> str:
        """「10 (proposed 1, approved 1, ...)」 over the model's states."""
        by_status = Counter(model.objects.values_list("status", flat=True))
        states = ", ".join(
            f"{value} {by_status[value]}" for value in model.Status.values if by_status[value]
        )
        return f"{sum(by_status.values())} ({states})" if states else "0"
