"""Load GB/T 13745-2009 disciplines from experts/data/disciplines.csv.

Idempotent: rows are upserted by code, first-level (3-digit) codes before their children.
"""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "disciplines.csv"


def load_disciplines(apps, schema_editor):
    Discipline = apps.get_model("experts", "Discipline")
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda row: (len(row["code"]), row["code"]))
    for row in rows:
        Discipline.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": 1 if not row["parent"] else 2,
                "parent_id": row["parent"] or None,
                "former_names": row.get("former_names") or "",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0002_registry"),
    ]

    operations = [
        migrations.RunPython(load_disciplines, migrations.RunPython.noop),
    ]
