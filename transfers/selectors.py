"""Reads of the transfers app: what an account can share and a wallet can spend now;
wallets against their transfers."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import EntryKind, InsuredPerson, PersonalAccount, Wallet
from accounts.selectors import looks_like_id_number
from core.dates import local_days
from core.prepared import queried

from .models import PaymentStatus, SharingPayment, TransferStatus, WalletSpending, WalletTransfer
from .models.settlements import INSTITUTION_CODE

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Shareable:
    balance: Decimal
    held: Decimal
    available: Decimal


def held_total(account: PersonalAccount) -> Decimal:
    """Money reserved on ``account`` by payments waiting for a reviewer."""
    total = SharingPayment.objects.filter(account=account, status=PaymentStatus.HELD).aggregate(
        s=Sum("amount")
    )["s"]
    return total or ZERO


def accounts_for_sharing(account_ids, *, lock: bool) -> dict[int, PersonalAccount]:
    """The accounts, by id, each with its held reservations (``held_amount``) read in
    the same query, and its person's region, which ``account_shareable`` reads;
    ``lock``: locked in id order, as ``ledger_lock`` does (the caller's transaction)."""
    return {a.pk: a for a in queried(_accounts_query, set(account_ids), lock)}


def _accounts_query(account_ids, lock: bool):
    held = (
        SharingPayment.objects.filter(account=OuterRef("pk"), status=PaymentStatus.HELD)
        .values("account")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    accounts = PersonalAccount.objects.select_related("person__region").annotate(
        held_amount=Coalesce(Subquery(held), Value(ZERO))
    )
    if lock:
        accounts = accounts.select_for_update(of=("self",))
    return accounts.filter(pk__any=account_ids).order_by("pk")


def account_shareable(account: PersonalAccount, on_date: dt.date) -> Shareable:
    """What ``account`` can pay or transfer now, held reservations deducted.

    Where the region shares only earlier years' balance (Zhejiang's 历年账户 rule),
    this year's credits are not shareable: the balance less the credits for the
    year of ``on_date`` or later, never below zero. A credit's year is that of its
    划入年月 (the entry's ``value_date``), not of its posting: November's credit
    imported in January is last year's money. Call under the account's lock to
    act on it. An account read by ``accounts_for_sharing`` brings its reservations.
    """
    base = account.balance
    if account.person.region.share_prior_years_only:
        credits = account.entries.filter(
            kind=EntryKind.CREDIT, value_date__year__gte=on_date.year
        ).aggregate(s=Sum("amount"))["s"]
        base = max(ZERO, base - (credits or ZERO))
    held = getattr(account, "held_amount", None)
    if held is None:
        held = held_total(account)
    return Shareable(balance=account.balance, held=held, available=max(ZERO, base - held))


def spendable_transfers(wallet: Wallet | None):
    """The transfers whose money the wallet can spend: accepted, not used up, oldest
    accepted first (the order spending takes them in)."""
    return WalletTransfer.objects.filter(
        wallet=wallet, status=TransferStatus.ACCEPTED, unspent__gt=0
    ).order_by("accepted_at", "pk")


def wallet_spendable(wallet: Wallet | None) -> Decimal:
    """What the wallet can pay now: the unspent money of its accepted transfers."""
    total = spendable_transfers(wallet).aggregate(s=Sum("unspent"))["s"]
    return total or ZERO


def wallet_mismatches() -> list[Wallet]:
    """Wallets whose balance is not the unspent money of their transfers and the
    money held spendings reserved (taken from ``unspent``, not yet posted).

    Each yuan in a wallet came from one transfer and is spent or returned from
    that transfer's ``unspent``; when they disagree, an agreement's end would
    return the wrong amount to a grantor. Each wallet carries ``unspent_total``
    (reservations included).
    """
    unspent = (
        WalletTransfer.objects.filter(wallet=OuterRef("pk"))
        .values("wallet")
        .annotate(s=Sum("unspent"))
        .values("s")
    )
    held = (
        WalletSpending.objects.filter(wallet=OuterRef("pk"), status=PaymentStatus.HELD)
        .values("wallet")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return list(
        Wallet.objects.annotate(
            unspent_total=Coalesce(Subquery(unspent), Value(ZERO))
            + Coalesce(Subquery(held), Value(ZERO))
        ).exclude(balance=F("unspent_total"))
    )


def settlements_by_number(term: str) -> dict:
    """Records whose own number is ``term``: sharing payments and wallet spendings by
    结算ID, wallet transfers by 转账流水号 (the home page's search)."""
    term = term.strip()
    return {
        "payments": SharingPayment.objects.filter(settlement_id=term),
        "spendings": WalletSpending.objects.filter(settlement_id=term),
        "transfers": WalletTransfer.objects.filter(transfer_number=term),
    }


@dataclass(frozen=True)
class PaymentBalances:
    before: Decimal
    after: Decimal


def payment_balances(payment: SharingPayment | WalletSpending) -> PaymentBalances:
    """The balance that pays ``payment`` (the grantor's account, or the wallet of a
    spending) before and after it: from its ledger entry once posted, else
    today's balance and what it would be if approved now."""
    if payment.ledger_entry_id is not None:
        after = payment.ledger_entry.balance_after
        return PaymentBalances(before=after + payment.amount, after=after)
    holder = payment.wallet if isinstance(payment, WalletSpending) else payment.account
    return PaymentBalances(before=holder.balance, after=holder.balance - payment.amount)


def payments_earlier_that_day(payment: SharingPayment):
    """The grantor's other payments settled earlier on the local day of ``payment``,
    in order: what a reviewer weighs a held payment against (the daily limit)."""
    start, _end = local_days(timezone.localdate(payment.settled_at))
    return (
        SharingPayment.objects.filter(account=payment.account, settled_at__gte=start)
        .filter(settled_at__lte=payment.settled_at)
        .exclude(pk=payment.pk)
        .select_related("beneficiary")
        .order_by("settled_at", "pk")
    )


def payment_search(queryset, term: str):
    """Payments of an exact ID number (grantor or beneficiary), an institution code,
    else of that exact 结算ID; a term with other characters (a name) is looked for
    in the institution names. One field each (an OR with an unindexed field reads
    every payment).

    The person is looked up first, so the payments are read by the grantor and
    beneficiary indexes (a join under an OR would read every payment).
    """
    term = term.strip()
    if looks_like_id_number(term):
        people = list(
            InsuredPerson.objects.filter(id_number=term.upper()).values_list("pk", flat=True)
        )
        return queryset.filter(Q(grantor__in=people) | Q(beneficiary__in=people))
    if re.match(INSTITUTION_CODE, term):
        return queryset.filter(institution_code=term)
    if term.isascii() and " " not in term:
        return queryset.filter(settlement_id=term)
    return queryset.filter(institution_name__icontains=term)
