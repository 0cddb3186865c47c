from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup (database snapshot + MEDIA_ROOT + manifest) to a directory."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Directory the backup is written in.")

    def handle(self, *args, output, **options):
        try:
            target = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
