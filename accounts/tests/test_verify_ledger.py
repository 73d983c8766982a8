"""verify_ledger names the accounts whose balance disagrees with the ledger."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection


def test_verify_ledger_passes_on_a_consistent_ledger(li_ming, capsys):
    call_command("verify_ledger")
    assert "verified" in capsys.readouterr().out


def test_verify_ledger_fails_and_names_the_account_changed_behind_the_ledger(li_ming, capsys):
    # A balance changed by raw SQL, skipping the posting function.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_personalaccount SET balance = balance + 1 WHERE id = %s",
            [li_ming.account.pk],
        )
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    assert li_ming.account.number in capsys.readouterr().err
