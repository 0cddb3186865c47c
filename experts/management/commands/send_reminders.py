from datetime import date

from django.core.management.base import BaseCommand, CommandError

from experts.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Expire unanswered invitations past their due date and send the reminders owed "
        "(the job Celery beat runs daily). Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were YYYY-MM-DD.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from exc
        counts = reminders_send(today)
        self.stdout.write(" ".join(f"{kind}={n}" for kind, n in counts.items()))
