"""``DisclosureLog`` moves from the accounts app to the shared layer.

The table (``accounts_disclosurelog``, made by accounts 0003) stays as it is: this
migration only tells Django's state that the model now belongs here; accounts 0007
removes it from the accounts state and moves its content type, so its permissions
and admin log entries follow.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_disclosure_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DisclosureLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[("view", "viewed unmasked"), ("export", "exported unmasked")],
                                max_length=10,
                                verbose_name="action",
                            ),
                        ),
                        ("subject", models.CharField(max_length=200, verbose_name="what")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "disclosure of personal information",
                        "verbose_name_plural": "disclosures of personal information",
                        "ordering": ["-at"],
                        "db_table": "accounts_disclosurelog",
                    },
                ),
            ],
        ),
    ]
