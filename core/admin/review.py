"""The review queue's actions, one component for agreements, held payments and
requested reversals (``core.review`` is the services' side).

Each selected row is decided on its own, in the service's own transaction: a
refusal of one row (already decided, entered by the reviewer, a rule that no
longer holds) leaves the others decided. The user is told which rows were
decided and, row by row, which were refused and why (docs/DESIGN.md,
"Maker-checker").
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


def decide_each(request, queryset, service, label, done, **kwargs):
    """Call ``service(operator=…, <label>=row, **kwargs)`` for each row: one error
    message per refusal naming the row, and ``done`` (``%(count)d``, ``%(names)s``)
    for the rows decided."""
    decided = []
    for obj in queryset.order_by("pk"):
        try:
            service(operator=request.user, **{label: obj}, **kwargs)
        except DomainError as error:
            messages.error(request, f"{obj}: {error}")
        else:
            decided.append(str(obj))
    if decided:
        messages.success(request, done % {"count": len(decided), "names": "、".join(decided)})


class ReviewAdminMixin:
    """Approve and reject actions for a review queue; reject asks for the reason first.

    The admin class names the permission and the two services; each service takes
    the record as keyword ``review_label``, and ``operator`` (and ``reason``).
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
        decide_each(
            request,
            queryset,
            self.approve_service,
            self.review_label,
            _("%(count)d approved: %(names)s."),
        )

    @admin.action(
        description=gettext_lazy("Reject the selected %(verbose_name_plural)s"),
        permissions=["review"],
    )
    def reject(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            decide_each(
                request,
                queryset,
                self.reject_service,
                self.review_label,
                _("%(count)d rejected: %(names)s."),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reject"),
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/review/reject.html", context)
