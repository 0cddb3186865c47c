"""Load the GB/T 4754-2017 industry reference data from problems/data/industries.csv.

Idempotent: rows are upserted by code, in code order so that doors (A–T) come before
their 2-digit major categories (A01 … T97).
"""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "industries.csv"


def load_industries(apps, schema_editor):
    Industry = apps.get_model("problems", "Industry")
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda row: row["code"])
    for row in rows:
        Industry.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "parent_id": row["parent"] or None},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_industries, migrations.RunPython.noop),
    ]
