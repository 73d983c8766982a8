"""A service's refusal on the form that called it: next to the field named by the
error's ``argument`` (``core.errors.DomainError``), or above the form.

The one error→field mapping of the admin; the imports name the column by the same
attribute (``core.importing``).
"""

from core.errors import DomainError


def add_domain_error(form, error: DomainError, fields: dict | None = None) -> None:
    """Put ``error`` on its field; ``fields`` maps a service argument to the form's
    name for it where the two differ (``None``: shown above the form)."""
    argument = error.argument
    field = (fields or {}).get(argument, argument)
    form.add_error(field if field in form.fields else None, str(error))


def form_service_call(form, service, fields: dict | None = None, **kwargs):
    """Call ``service``; return its result, or ``None`` when it refused (the form then
    carries the error, by ``add_domain_error``)."""
    try:
        return service(**kwargs)
    except DomainError as error:
        add_domain_error(form, error, fields)
        return None
