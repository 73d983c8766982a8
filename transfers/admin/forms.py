"""Counter forms. Their fields are named as the services' keyword arguments, so a
view passes ``cleaned_data`` straight on; every business rule stays in the service."""

import secrets
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin.lookup import IdNumberInput
from accounts.models import Use
from transfers.models import PaymentSource

ID_NUMBER = {"max_length": 18, "min_length": 18}
AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class SettlementCorrectionForm(forms.Form):
    """A clerk keys in a settlement the file did not bring, or brought wrongly, paid
    from the grantor's account or from the beneficiary's wallet."""

    settlement_id = forms.CharField(label=_("settlement ID"), max_length=30)
    settled_at = forms.DateTimeField(
        label=_("settlement time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    use = forms.ChoiceField(label=_("use"), choices=Use.choices)
    institution_code = forms.CharField(
        label=_("institution code"),
        max_length=12,
        required=False,
        help_text=_("H or P followed by 11 digits, e.g. H32050000012."),
    )
    institution_name = forms.CharField(label=_("institution name"), max_length=100, required=False)
    beneficiary_id_number = forms.CharField(
        label=_("beneficiary's ID number"), widget=IdNumberInput(), **ID_NUMBER
    )
    paid_from = forms.ChoiceField(
        label=_("paid from"),
        choices=PaymentSource.choices,
        initial=PaymentSource.ACCOUNT,
        widget=forms.RadioSelect,
    )
    grantor_id_number = forms.CharField(
        label=_("grantor's ID number"),
        required=False,
        widget=IdNumberInput(role="grantor"),
        help_text=_("Leave empty when the beneficiary's wallet pays."),
        **ID_NUMBER,
    )
    amount = forms.DecimalField(label=_("amount (yuan)"), **AMOUNT)
    note = forms.CharField(label=_("reason for the manual entry"), max_length=200)


def new_counter_number() -> str:
    """A 转账流水号 for a counter transfer, fixed when the form is shown so that a
    double submission of the same form is the same transfer."""
    return f"CT{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


class CounterTransferForm(forms.Form):
    transfer_number = forms.CharField(
        label=_("transfer number"), max_length=30, widget=forms.HiddenInput
    )
    sender_id_number = forms.CharField(
        label=_("sender's ID number (grantor)"), widget=IdNumberInput(role="grantor"), **ID_NUMBER
    )
    recipient_id_number = forms.CharField(
        label=_("recipient's ID number"), widget=IdNumberInput(), **ID_NUMBER
    )
    amount = forms.DecimalField(label=_("amount (yuan)"), **AMOUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transfer_number"].initial = new_counter_number()
