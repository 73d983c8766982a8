"""The search forms of the auditor's screen: what to look for, all optional."""

from django import forms
from django.utils.translation import gettext_lazy as _
from pghistory.core import event_models

from accounts.models import ServiceHall
from core.forms import date_in_range

CHANGE_KINDS = [
    ("", _("every change")),
    ("insert", _("added")),
    ("update", _("changed")),
    ("delete", _("deleted")),
]


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        validators=[date_in_range],
    )


def record_kinds() -> list[tuple[str, str]]:
    """Every tracked model by its name: the event model's label as the value."""
    kinds = sorted(
        (str(m.pgh_tracked_model._meta.verbose_name), m._meta.label)
        for m in event_models()
        if not m.pgh_tracked_model._meta.concrete_model._meta.auto_created
    )
    return [("", _("every kind of record"))] + [(label, name) for name, label in kinds]


class PeriodSearchForm(forms.Form):
    """Who and when, shared by the trail and the disclosure log."""

    user = forms.CharField(label=_("user"), required=False, help_text=_("username"))
    start = _date(_("from"))
    end = _date(_("to"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class TrailSearchForm(PeriodSearchForm):
    person = forms.CharField(
        label=_("insured person"), required=False, help_text=_("ID number or name")
    )
    hall = forms.ModelChoiceField(
        label=_("service hall"), queryset=ServiceHall.objects.all(), required=False
    )
    kind = forms.ChoiceField(label=_("kind of record"), required=False, choices=record_kinds)
    change = forms.ChoiceField(label=_("kind of change"), required=False, choices=CHANGE_KINDS)

    field_order = ["person", "user", "hall", "start", "end", "kind", "change"]


class DisclosureSearchForm(PeriodSearchForm):
    subject = forms.CharField(label=_("what"), required=False)
