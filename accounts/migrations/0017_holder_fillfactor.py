"""Room on the holders' pages for their balance updates to stay HOT.

A posting rewrites its holder's row (balance, last sequence; no indexed column), and
PostgreSQL keeps the new version on the same page, with no index touched, only when
the page has room (a HOT update). At the default fillfactor of 100 it has none: every
balance update wrote all six of the account's indexes. A credit file updates 1,000
accounts in id order in one transaction, every row of ~15 pages, so an account page
is filled to half (each row's next version fits beside it); wallets are updated one
at a time (transfers, spendings), so a tenth free is room enough
(docs/BENCHMARKS.md, ledger-indexes).

Pages already full keep their rows until these move once (the first credit month),
or at once by ``VACUUM FULL accounts_personalaccount`` (an exclusive lock, seconds
for 350,000 accounts).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_ledger_fewer_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE accounts_personalaccount SET (fillfactor = 50);"
            "ALTER TABLE accounts_wallet SET (fillfactor = 90)",
            "ALTER TABLE accounts_personalaccount RESET (fillfactor);"
            "ALTER TABLE accounts_wallet RESET (fillfactor)",
        ),
    ]
