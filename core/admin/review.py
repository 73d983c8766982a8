"""The review queue's actions, one component for agreements, held payments and
requested reversals (``core.review`` is the services' side).

Each selected row is decided on its own, in the service's own transaction: a
refusal of one row (already decided, entered by the reviewer, a rule that no
longer holds) leaves the others decided. The user is told which rows were
decided and, row by row, which were refused and why (docs/DESIGN.md,
"Maker-checker"). A record waiting for review shows the same two decisions as
buttons on its own page: a page to confirm (approve) or give the reason
(reject), with a cancel link back.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin.forms import form_service_call
from core.admin.records import object_path
from core.errors import DomainError

DONE = {
    "approve": gettext_lazy("%(count)d approved: %(names)s."),
    "reject": gettext_lazy("%(count)d rejected: %(names)s."),
}


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

    The admin class names the permission, the status of a record that waits
    (``review_waiting``) and the two services; each service takes the record as
    keyword ``review_label``, and ``operator`` (and ``reason``).
    """

    review_permission: str
    review_label: str
    review_waiting: str
    actions = ["approve", "reject"]
    change_form_template = "admin/review/change_form.html"

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
            DONE["approve"],
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
                DONE["reject"],
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
            "cancel_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/review/reject.html", context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            *(
                object_path(self, f"{d}/", self._decide(d), f"{prefix}_{d}")
                for d in ("approve", "reject")
            ),
            *super().get_urls(),
        ]

    def _decide(self, decision):
        def view(request, object_id):
            return self.decide_view(request, object_id, decision)

        return view

    def decide_view(self, request, object_id, decision):
        """One record's decision from its page, through the same service."""
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_review_permission(request):
            raise Http404
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        posted = request.POST if request.method == "POST" else None  # approve posts no field
        form = (ReasonForm if decision == "reject" else forms.Form)(posted)
        if form.is_valid():
            service = self.reject_service if decision == "reject" else self.approve_service
            kwargs = {self.review_label: obj, **form.cleaned_data}
            if form_service_call(form, service, operator=request.user, **kwargs) is not None:
                messages.success(request, DONE[decision] % {"count": 1, "names": obj})
                # To the list: a queue no longer holds the record once it is decided.
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Approve") if decision == "approve" else _("Reject"),
            "original": obj,
            "form": form,
            "cancel_url": back,
        }
        return TemplateResponse(request, "admin/form_page.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.status == self.review_waiting:
            if self.has_review_permission(request):
                prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
                context["review_buttons"] = [
                    (reverse(f"{prefix}_approve", args=[obj.pk]), _("Approve")),
                    (reverse(f"{prefix}_reject", args=[obj.pk]), _("Reject")),
                ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
