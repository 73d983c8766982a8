"""Forms of the sign-in steps and of the user admin."""

from django import forms

# Two Django forms share a name: the admin's own-password form, auth's set-a-password form.
from django.contrib.admin.forms import AdminPasswordChangeForm as AdminOwnPasswordForm
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from staff.services import user_password_change, user_password_reset


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("code from the authenticator app"),
        min_length=6,
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("Enter the 6 digits the app shows."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OwnPasswordChangeForm(AdminOwnPasswordForm):
    """The admin's "change my password": the password is the user's own again."""

    def save(self, commit=True):
        user_password_change(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class PasswordResetForm(AdminPasswordChangeForm):
    """The user admin's "set password" of another user, through ``user_password_reset``
    (checked, recorded, and due for a change at that user's next sign-in)."""

    def __init__(self, user, *args, operator, **kwargs):
        self.operator = operator
        super().__init__(user, *args, **kwargs)

    def save(self, commit=True):
        if not self.cleaned_data["set_usable_password"]:
            return super().save(commit)  # "disable password sign-in": nothing to change later
        user_password_reset(
            user=self.user, password=self.cleaned_data["password1"], operator=self.operator
        )
        return self.user
