"""The payments without the account's and the beneficiary's own foreign-key indexes:
``payment_account_status_idx`` and ``payment_beneficiary_day_idx`` lead with them
and serve every lookup by either (docs/BENCHMARKS.md, ledger-indexes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_ledger_fewer_indexes"),
        ("transfers", "0012_wallet_spending_review"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sharingpayment",
            name="account",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sharing_payments",
                to="accounts.personalaccount",
                verbose_name="personal account",
            ),
        ),
        migrations.AlterField(
            model_name="sharingpayment",
            name="beneficiary",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.insuredperson",
                verbose_name="beneficiary",
            ),
        ),
    ]
