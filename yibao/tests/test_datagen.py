"""generate_data: a generated database that the ledger check, the constraints and the
ID-number standard all accept, at the sizes asked."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import (
    EntryKind,
    InsuredPerson,
    LedgerEntry,
    PersonalAccount,
    Relationship,
    Scope,
    SharingAgreement,
)
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_person
from core.idnumbers import birth_date, normalize_id_number
from core.tests.oracles import gb11643_check_character
from reports.models import StatisticsDay
from reports.summary import statistics_differences
from transfers.models import (
    PaymentStatus,
    Reversal,
    SettlementKey,
    SharingPayment,
    WalletSpending,
    WalletTransfer,
)
from yibao.datagen.triggers import copying_triggers

# The generator drops and re-adds constraints: it runs as the owner (core/database.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("as_owner")]

PERSONS = 3000


@pytest.fixture
def generated():
    out = StringIO()
    call_command("generate_data", persons=PERSONS, stdout=out)
    return out.getvalue()


def test_oracle_generated_database_verifies_and_has_what_was_asked(generated):
    assert ledger_mismatches() == []
    assert statistics_differences(dt.date(2000, 1, 1), dt.date(2099, 12, 31)) == []
    assert StatisticsDay.objects.exists()
    assert InsuredPerson.objects.count() == PERSONS
    # 35 % with accounts, 15 % agreements (paced to the target), about ten entries
    # and two payments a person (payments the balance cannot cover are not made).
    assert abs(PersonalAccount.objects.count() - 0.35 * PERSONS) <= 0.02 * PERSONS
    assert abs(SharingAgreement.objects.count() - 0.15 * PERSONS) <= 0.02 * PERSONS
    assert 8 * PERSONS <= LedgerEntry.objects.count() <= 12 * PERSONS
    # Account 1 is the statement benchmark's, with 2,000 payments whatever the size.
    others = SharingPayment.objects.exclude(account_id=1).count()
    assert 1.5 * PERSONS <= others <= 2.5 * PERSONS
    assert "accounts_ledgerentry:" in generated

    _id_numbers_follow_gb11643()
    _every_kind_scope_and_status()
    _statement_account_has_2000_entries_in_the_last_year()
    _history_and_settlement_keys_as_the_triggers_make_them()
    _ids_continue_for_the_services()


def _id_numbers_follow_gb11643():
    for number, birth, gender in InsuredPerson.objects.values_list(
        "id_number", "birth_date", "gender"
    ):
        assert number[17] == gb11643_check_character(number[:17])
        assert normalize_id_number(number) == number  # division code known, date real
        assert birth_date(number) == birth
        assert gender == ("M" if int(number[16]) % 2 else "F")


def _every_kind_scope_and_status():
    assert set(LedgerEntry.objects.values_list("kind", flat=True)) == set(EntryKind.values) - {
        EntryKind.WALLET_RETURN
    }
    assert set(SharingAgreement.objects.values_list("scope", flat=True)) == set(Scope.values)
    relationships = set(SharingAgreement.objects.values_list("relationship", flat=True))
    assert relationships >= {r for r in Relationship.values if "grand" not in r} | {
        Relationship.PATERNAL_GRANDCHILD
    }
    assert set(SharingPayment.objects.values_list("status", flat=True)) == set(PaymentStatus.values)
    assert set(SharingPayment.objects.values_list("use", flat=True)) >= {"medical", "pharmacy"}
    assert Reversal.objects.filter(status="approved").exists()
    assert set(WalletTransfer.objects.values_list("status", flat=True)) >= {"accepted", "returned"}


def _statement_account_has_2000_entries_in_the_last_year():
    year_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    busiest = LedgerEntry.objects.filter(account_id=1, created_at__gte=year_ago).count()
    assert busiest >= 2000


def _ids_continue_for_the_services():
    """The id sequences were moved past the written rows: the next row gets a new id."""
    person = InsuredPerson.objects.order_by("-id").first()
    clone = InsuredPerson.objects.create(
        name="新人", id_number="110101199003074477", birth_date=dt.date(1990, 3, 7),
        gender="M", scheme="390", region_id=person.region_id,
    )  # fmt: skip
    assert clone.pk > person.pk


def _history_and_settlement_keys_as_the_triggers_make_them():
    """The copying triggers ran once per table: each payment and person has its one
    "insert" history row with its own values, each 结算ID its key."""
    events = SharingPayment.pgh_event_model.objects
    assert events.filter(pgh_label="insert").count() == SharingPayment.objects.count()
    payment = SharingPayment.objects.get(pk=7)
    event = events.get(pgh_obj_id=7)
    assert (event.settlement_id, event.amount, event.status) == (
        payment.settlement_id, payment.amount, payment.status,
    )  # fmt: skip
    assert InsuredPerson.pgh_event_model.objects.count() == PERSONS
    keys = dict(SettlementKey.objects.values_list("settlement_id", "paid_from"))
    assert len(keys) == SharingPayment.objects.count() + WalletSpending.objects.count()
    assert keys[payment.settlement_id] == "account"
    assert keys[WalletSpending.objects.first().settlement_id] == "wallet"


def test_copying_triggers_are_the_history_and_settlement_key_ones():
    """Only triggers that copy the row elsewhere are run once per table; the ledger's
    statement-level statistics trigger and append-only guard are not among them."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = copying_triggers(cursor, ["transfers_sharingpayment", "accounts_ledgerentry"])
    targets = sorted(target for _table, _name, target, _insert in found)
    assert targets == ["transfers_settlementkey", "transfers_sharingpaymentevent"]
    key = next(insert for *_, target, insert in found if target == "transfers_settlementkey")
    assert "SELECT t.settlement_id, 'account' FROM" in key


def test_generate_refuses_a_database_with_persons():
    make_person()
    with pytest.raises(CommandError, match="empty database"):
        call_command("generate_data", persons=200, stdout=StringIO())
