"""The normalisation now also converts Taiwan technical words (矽 → 硅, 軟體 → 软件): recompute
the stored search text of every expert with it, so that stored text and queries agree."""

from django.db import migrations

BATCH = 2000


def renormalise(apps, schema_editor):
    from experts.search import search_text_for

    Expert = apps.get_model("experts", "Expert")
    batch = []
    fields = ("pk", "name", "employer", "title", "research_directions", "search_text")
    for expert in Expert.objects.only(*fields[1:]).iterator(chunk_size=BATCH):
        text = search_text_for(
            expert.name, expert.employer, expert.title, expert.research_directions
        )
        if text != expert.search_text:
            expert.search_text = text
            batch.append(expert)
        if len(batch) >= BATCH:
            Expert.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Expert.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("experts", "0005_assignments")]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
