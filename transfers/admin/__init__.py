"""Admin screens of the transfers app: lists, review queues, counter forms, receipts."""

from . import exceptions, payments, reversals, spendings, wallets  # noqa: F401  (registers the ModelAdmins)
