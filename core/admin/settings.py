"""Settings pages saved through their service: the form asks the service's check
(a refusal shown next to its field) and ``save_model`` calls the service with the
changed fields, so the page writes nothing the service would not."""

from core.errors import DomainError


class SettingsAdminMixin:
    """Set ``settings_check`` (``**fields``) and implement ``settings_update``."""

    settings_check = None

    def settings_update(self, obj, *, operator, **fields):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        check = type(self).settings_check

        class SettingsForm(kwargs.pop("form", self.form)):
            def clean(self):
                cleaned = super().clean()
                changed = {f: cleaned[f] for f in self.changed_data if f in cleaned}
                try:
                    check(**changed)
                except DomainError as error:
                    field = getattr(error, "argument", None)
                    self.add_error(field if field in self.fields else None, str(error))
                return cleaned

        return super().get_form(request, obj, change, form=SettingsForm, **kwargs)

    def save_model(self, request, obj, form, change):
        self.settings_update(
            obj, operator=request.user, **{f: form.cleaned_data[f] for f in form.changed_data}
        )
