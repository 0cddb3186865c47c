from accounts.imports import ImportCommand
from accounts.models import ImportJob


class Command(ImportCommand):
    help = "Import bottleneck problems from an XLSX or CSV file; they enter the pool as accepted."
    kind = ImportJob.Kind.PROBLEMS
