from django.db import migrations

SERIES = (
    ("智库专报", "zkzb", "新疆维吾尔自治区科学技术协会", "新疆维吾尔自治区科协办公室", 1),
    ("决策参考", "jcck", "新疆维吾尔自治区科协智库", "新疆维吾尔自治区科协办公室", 2),
)


def create(apps, schema_editor):
    Series = apps.get_model("consult", "Series")
    for name, code, issuing_body, printing_office, ordering in SERIES:
        Series.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "issuing_body": issuing_body,
                "printing_office": printing_office,
                "ordering": ordering,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("consult", "0001_topics_reports")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
