from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup` into the configured database and MEDIA_ROOT, both "
        "empty, and check row counts and file checksums against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory (zhiku-backup-...).")

    def handle(self, *args, source, **options):
        try:
            result = restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result.problems:
            raise CommandError(
                "Restored, but it does not match the backup:\n" + "\n".join(result.problems)
            )
        self.stdout.write(
            f"Restored and verified: {result.tables} tables, {result.rows} rows, "
            f"{result.files} files."
        )
