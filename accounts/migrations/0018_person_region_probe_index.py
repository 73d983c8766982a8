from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """The persons' ids with their region, built without locking the table for
    writes (a province's deployment holds millions of persons): outside a
    transaction, as ``CREATE INDEX CONCURRENTLY`` must be."""

    atomic = False

    dependencies = [
        ("accounts", "0017_holder_fillfactor"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="insuredperson",
            index=models.Index(fields=["id"], include=["region"], name="person_region_probe_idx"),
        ),
    ]
