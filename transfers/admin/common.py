"""Thin adapters shared by the transfers screens: a service call from a form, bulk
review actions whose outcomes are messages, and the reason page of a rejection."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin.ledger import StatusReasonForm
from core.errors import DomainError, InvalidAmount

# Errors of the accounts app that belong next to a field of the counter forms.
ACCOUNTS_ERROR_FIELDS = {InvalidAmount: "amount"}


def form_service_call(form, service, **kwargs):
    """Call ``service``; a refusal is shown next to its field or above the form.

    Returns the service's result, or ``None`` when it refused (the form then
    carries the error).
    """
    try:
        return service(**kwargs)
    except DomainError as error:
        field = getattr(error, "argument", None) or ACCOUNTS_ERROR_FIELDS.get(type(error))
        form.add_error(field if field in form.fields else None, str(error))
        return None


def bulk_review(request, queryset, service, label, done, **kwargs):
    """Apply a service to each selected row: one error message per refusal, and ``done``
    (a message with ``%(count)d``) for the rows it succeeded on."""
    done_message, count = done, 0
    for obj in queryset:
        try:
            service(operator=request.user, **{label: obj}, **kwargs)
        except DomainError as error:
            messages.error(request, f"{obj}: {error}")
        else:
            count += 1
    if count:
        messages.success(request, done_message % {"count": count})


def reason_action(modeladmin, request, queryset, *, service, label, title, done):
    """A bulk rejection: first a page asking the reason, then the service per row."""
    form = StatusReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        bulk_review(request, queryset, service, label, done, reason=form.cleaned_data["reason"])
        return None
    return counter_page(
        modeladmin,
        request,
        form,
        title,
        template="admin/transfers/reason_action.html",
        queryset=queryset,
        action=request.POST.get("action"),
        action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
    )


def counter_page(
    modeladmin, request, form, title, template="admin/transfers/counter_form.html", **extra
):
    """A form page inside the admin (breadcrumbs, messages) for a counter action."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "form": form,
        **extra,
    }
    return TemplateResponse(request, template, context)


class ReviewActions:
    """Bulk approve and reject for a review queue (reject asks for the reason first).

    The admin class names the permission and the two services; each service
    takes the record as keyword ``review_label``, and ``operator``.
    """

    review_permission: str
    review_label: str
    actions = ["approve", "reject"]

    def has_review_permission(self, request):
        return request.user.has_perm(self.review_permission)

    @admin.action(
        description=gettext_lazy("Approve the selected %(verbose_name_plural)s"),
        permissions=["review"],
    )
    def approve(self, request, queryset):
        bulk_review(
            request, queryset, self.approve_service, self.review_label, _("%(count)d approved.")
        )

    @admin.action(
        description=gettext_lazy("Reject the selected %(verbose_name_plural)s"),
        permissions=["review"],
    )
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            service=self.reject_service,
            label=self.review_label,
            title=_("Reject"),
            done=_("%(count)d rejected."),
        )
