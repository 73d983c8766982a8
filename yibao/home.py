"""The home page of the back office: a worklist per role.

What waits for the signed-in user (queues with counts), today's figures and the
day's shortcuts, each shown only when the user's permissions lead somewhere. The
project is the top layer, so this one module reads every app; it only counts.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from accounts.models import AgreementStatus, InsuredPerson, SharingAgreement
from accounts.scope import scope_queryset
from accounts.selectors import rejected_to_correct
from core.dates import local_days
from core.import_uploads import uploads_waiting
from jobs.models import Job, JobStatus
from transfers.models import (
    PaymentStatus,
    Reversal,
    ReversalStatus,
    SharingPayment,
    WalletSpending,
    WalletTransfer,
)


@dataclass(frozen=True)
class Tile:
    """One line of the home page: a label, a figure (count or amount), a link."""

    label: str
    value: object
    url: str = ""


def _can(user, *perms) -> bool:
    return any(user.has_perm(p) for p in perms)


def home_queues(user) -> list[Tile]:
    """What waits: for a reviewer the review queues, for the one who entered it the
    rejected entries to correct, for everyone their imports and running jobs. Each
    count is of the records the queue's list shows the user (their regional scope)."""
    queues = [
        (
            "accounts.review_sharingagreement",
            _("Agreements waiting for review"),
            SharingAgreement.objects.filter(status=AgreementStatus.PENDING),
            reverse("admin:accounts_pendingsharingagreement_changelist"),
        ),
        (
            "transfers.review_sharingpayment",
            _("Held payments"),
            SharingPayment.objects.filter(status=PaymentStatus.HELD),
            reverse("admin:transfers_heldpayment_changelist"),
        ),
        (
            "transfers.review_sharingpayment",
            _("Held wallet spendings"),
            WalletSpending.objects.filter(status=PaymentStatus.HELD),
            reverse("admin:transfers_heldwalletspending_changelist"),
        ),
        (
            "transfers.review_reversal",
            _("Requested reversals"),
            Reversal.objects.filter(status=ReversalStatus.REQUESTED),
            reverse("admin:transfers_requestedreversal_changelist"),
        ),
        (
            "accounts.add_sharingagreement",
            _("My rejected agreements to correct"),
            rejected_to_correct(SharingAgreement.objects.all(), user),
            reverse("admin:accounts_sharingagreement_changelist") + "?to_correct=1",
        ),
    ]
    tiles = [
        Tile(label, scope_queryset(records, user).count(), url)
        for permission, label, records, url in queues
        if _can(user, permission)
    ]
    if _can(user, "jobs.view_job"):
        jobs_url = reverse("admin:jobs_job_changelist")
        tiles.append(Tile(_("My imports waiting for confirmation"), len(uploads_waiting(user))))
        running = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        tiles.append(Tile(_("My running jobs"), running.filter(created_by=user).count(), jobs_url))
    return tiles


def home_today(user) -> list[Tile]:
    """Today's figures (the local day) of the user's regional scope: registrations,
    agreements, money moved."""
    start, end = local_days(localdate())
    tiles = []
    if _can(user, "accounts.view_insuredperson"):
        tiles.append(
            Tile(
                _("Persons registered today"),
                scope_queryset(InsuredPerson.objects.all(), user)
                .filter(created_at__gte=start, created_at__lt=end)
                .count(),
            )
        )
    if _can(user, "accounts.view_sharingagreement"):
        tiles.append(
            Tile(
                _("Agreements registered today"),
                scope_queryset(SharingAgreement.objects.all(), user)
                .filter(created_at__gte=start, created_at__lt=end)
                .count(),
            )
        )
    if _can(user, "transfers.view_sharingpayment"):
        paid = (
            scope_queryset(SharingPayment.objects.all(), user)
            .filter(status=PaymentStatus.POSTED, settled_at__gte=start, settled_at__lt=end)
            .aggregate(count=Count("id"), amount=Sum("amount"))
        )
        tiles.append(Tile(_("Sharing payments today"), paid["count"]))
        tiles.append(Tile(_("Paid today (yuan)"), paid["amount"] or Decimal("0.00")))
    if _can(user, "transfers.view_wallettransfer"):
        moved = (
            scope_queryset(WalletTransfer.objects.all(), user)
            .filter(transferred_at__gte=start, transferred_at__lt=end)
            .aggregate(count=Count("id"), amount=Sum("amount"))
        )
        tiles.append(Tile(_("Wallet transfers today"), moved["count"]))
        tiles.append(Tile(_("Transferred today (yuan)"), moved["amount"] or Decimal("0.00")))
    return tiles


def home_shortcuts(user) -> list[Tile]:
    """The day's tasks at the counter, for whoever may do them."""
    shortcuts = [
        ("accounts.add_insuredperson", _("Register a person"), "admin:accounts_insuredperson_add"),
        (
            "accounts.add_sharingagreement",
            _("Register a sharing agreement"),
            "admin:accounts_sharingagreement_counter",
        ),
        (
            "transfers.add_wallettransfer",
            _("Wallet transfer"),
            "admin:transfers_wallettransfer_add",
        ),
        (
            "transfers.add_sharingpayment",
            _("Enter a settlement"),
            "admin:transfers_sharingpayment_add",
        ),
        (
            "accounts.view_personalaccount",
            _("Print a statement"),
            "admin:accounts_personalaccount_changelist",
        ),
    ]
    return [Tile(label, None, reverse(url)) for perm, label, url in shortcuts if _can(user, perm)]
