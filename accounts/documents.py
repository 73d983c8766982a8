"""Printed documents of the accounts app: what goes on the page, read from selectors.

Each function returns the context of one template of ``accounts/print/``;
``core.printing.render_print`` makes it a print view or a PDF. Nothing here
writes. Personal data is masked with the one scheme of ``core.masking``.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AgreementStatus, InsuredPerson, PersonalAccount, SharingAgreement
from accounts.selectors import beneficiary_statement, ledger_statement
from core.issued import Issue
from core.models import IssuedDocument

Kind = IssuedDocument.Kind


def _who(person: InsuredPerson) -> str:
    return f"{person.masked_name} {person.masked_id_number}"


def _period(start: dt.date, end: dt.date) -> tuple[str, str]:
    return _("Period"), f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def account_statement_document(*, account: PersonalAccount, start: dt.date, end: dt.date) -> dict:
    """对账单: opening balance, every entry with its running balance, totals, closing."""
    statement = ledger_statement(holder=account, start=start, end=end)
    facts = [
        (_("Account number"), account.number),
        _period(start, end),
        (_("Opening balance"), statement.opening_balance),
        (_("Closing balance"), statement.closing_balance),
    ]
    return {
        "title": _("Personal account statement"),
        "person": account.person,
        "account": account,
        "statement": statement,
        "issue": Issue(Kind.STATEMENT, _who(account.person), facts),
    }


def beneficiary_statement_document(*, person: InsuredPerson, start: dt.date, end: dt.date) -> dict:
    """What relatives paid for ``person`` from their accounts or into the wallet."""
    statement = beneficiary_statement(person=person, start=start, end=end)
    facts = [_period(start, end), (_("Total"), statement.total)]
    return {
        "title": _("Statement of family sharing received"),
        "person": person,
        "statement": statement,
        "issue": Issue(Kind.SHARING_RECEIVED, _who(person), facts),
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
    """共济关系确认单: both parties (masked ID numbers), the agreement, the undertaking.

    An agreement still pending or rejected is printed marked 未生效 (not in
    force): it is not yet, or never, what the parties may rely on."""
    facts = [
        (_("Agreement no."), agreement.pk),
        (_("Beneficiary"), _who(agreement.beneficiary)),
        (_("Relationship"), agreement.get_relationship_display()),
        (_("Scope"), agreement.get_scope_display()),
        (_("Status"), agreement.get_status_display()),
        (_("Effective from"), f"{agreement.effective_from:%Y-%m-%d}"),
    ]
    return {
        "title": _("Sharing agreement confirmation form"),
        "agreement": agreement,
        "parties": [(_("Grantor"), agreement.grantor), (_("Beneficiary"), agreement.beneficiary)],
        "undertaking": UNDERTAKING,
        "not_in_force": agreement.status in (AgreementStatus.PENDING, AgreementStatus.REJECTED),
        "issue": Issue(Kind.AGREEMENT, _who(agreement.grantor), facts),
    }
