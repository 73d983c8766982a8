"""Printed documents of the accounts app: what goes on the page, read from selectors.

Each function returns the context of one template of ``accounts/print/``;
``yibao.printing.render_print`` makes it a print view or a PDF. Nothing here
writes. Personal data is masked with the one scheme of ``accounts.masking``.
"""

import datetime as dt

from django.utils.translation import gettext as _

from accounts.models import InsuredPerson, PersonalAccount
from accounts.selectors import beneficiary_statement, ledger_statement


def account_statement_document(*, account: PersonalAccount, start: dt.date, end: dt.date) -> dict:
    """对账单: opening balance, every entry with its running balance, totals, closing."""
    return {
        "title": _("Personal account statement"),
        "person": account.person,
        "account": account,
        "statement": ledger_statement(holder=account, start=start, end=end),
    }


def beneficiary_statement_document(*, person: InsuredPerson, start: dt.date, end: dt.date) -> dict:
    """What relatives paid for ``person`` from their accounts or into the wallet."""
    return {
        "title": _("Statement of family sharing received"),
        "person": person,
        "statement": beneficiary_statement(person=person, start=start, end=end),
    }
