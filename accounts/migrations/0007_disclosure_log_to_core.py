"""``DisclosureLog`` now belongs to the shared layer (core 0001); the table stays."""

from django.db import migrations


def content_type_to_core(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="accounts", model="disclosurelog").update(
        app_label="core"
    )


def content_type_to_accounts(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="core", model="disclosurelog").update(
        app_label="accounts"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_ledger_value_date"),
        ("core", "0001_disclosure_log_from_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DisclosureLog")],
        ),
        migrations.RunPython(content_type_to_core, content_type_to_accounts),
    ]
