"""Printed documents of the accounts app: what goes on the page, read from selectors.

Each function returns the context of one template of ``accounts/print/``;
``core.printing.render_print`` makes it a print view or a PDF. Nothing here
writes. Personal data is masked with the one scheme of ``core.masking``.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import InsuredPerson, PersonalAccount, SharingAgreement
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


# 承诺书 of the confirmation form: the grantor signs it; DOMAIN.md requires it as
# evidence of the agreement.
UNDERTAKING = [
    # Translators: 承诺书 item 1 of the sharing agreement confirmation form.
    gettext_lazy("The relationship between the grantor and the beneficiary stated above is true."),
    # Translators: 承诺书 item 2.
    gettext_lazy(
        "The shared money pays only the beneficiary's own medical costs, drugs and "
        "contributions, never cash or anything else."
    ),
    # Translators: 承诺书 item 3; "钱可以共济，卡不能共用".
    gettext_lazy(
        "The medical insurance card or code is not lent to anyone: money can be shared, "
        "the card cannot."
    ),
    # Translators: 承诺书 item 4.
    gettext_lazy(
        "I accept the consequences under the law and the insurance rules if this "
        "undertaking is untrue."
    ),
]


def agreement_confirmation_document(*, agreement: SharingAgreement) -> dict:
    """共济关系确认单: both parties (masked ID numbers), the agreement, the undertaking."""
    return {
        "title": _("Sharing agreement confirmation form"),
        "agreement": agreement,
        "parties": [(_("Grantor"), agreement.grantor), (_("Beneficiary"), agreement.beneficiary)],
        "undertaking": UNDERTAKING,
    }
