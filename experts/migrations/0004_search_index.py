"""Recompute every expert's search text (now with its bigram line) and, on PostgreSQL, build
the GIN index the talent search uses (see experts/search.py)."""

from django.db import migrations

from experts.search import GIN_INDEX, search_text_for


def reindex(apps, schema_editor):
    Expert = apps.get_model("experts", "Expert")
    batch = []
    for expert in Expert.objects.only("pk", "name", "employer", "title", "research_directions"):
        expert.search_text = search_text_for(
            expert.name, expert.employer, expert.title, expert.research_directions
        )
        batch.append(expert)
        if len(batch) >= 2000:
            Expert.objects.bulk_update(batch, ["search_text"])
            batch = []
    Expert.objects.bulk_update(batch, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON experts_expert "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0003_load_disciplines"),
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
