from accounts.imports import ImportCommand
from accounts.models import ImportJob


class Command(ImportCommand):
    help = "Import experts from an XLSX or CSV file (see the template on the import page)."
    kind = ImportJob.Kind.EXPERTS
