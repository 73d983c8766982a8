"""The review queue's actions, one component for agreements, held payments and
requested reversals (``core.review`` is the services' side).

Each selected row is decided on its own, in the service's own transaction: a
refusal of one row (already decided, entered by the reviewer, a rule that no
longer holds) leaves the others decided. The user is told which rows were
decided and, row by row, which were refused and why (docs/DESIGN.md,
"Maker-checker"). A record waiting for review shows the same two decisions as
buttons on its own page, beside the facts that decide it (``review_facts``):
a page to confirm (approve; where money moves, the amount ticked as checked)
or give the reason (reject), each with an optional comment kept as a
``core.models.ReviewComment`` and a cancel link back. After a decision the
reviewer goes on to the next record of the queue that they may decide.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin.forms import form_service_call
from core.admin.records import object_path
from core.errors import DomainError
from core.models import ReviewComment

DONE = {
    "approve": gettext_lazy("%(count)d approved: %(names)s."),
    "reject": gettext_lazy("%(count)d rejected: %(names)s."),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    """A decision on a record's page: an optional comment; to reject, the reason
    first; to approve a movement of money, the amount ticked as checked."""

    comment = forms.CharField(
        label=gettext_lazy("comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data=None, *, decision: str, amount=None, comment: bool = True):
        super().__init__(data)
        if not comment:  # a batch from the list: one comment would not fit every row
            del self.fields["comment"]
        if decision == "reject":
            self.fields = {"reason": ReasonForm.base_fields["reason"], **self.fields}
        elif amount is not None:
            self.fields["amount_checked"] = forms.BooleanField(
                label=_("I have checked the amount: ¥%(amount)s") % {"amount": amount}
            )

    def decision_kwargs(self) -> dict:
        """What the service takes (the reason to reject); the comment is kept apart."""
        return {k: v for k, v in self.cleaned_data.items() if k == "reason"}


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
    review_entered_by = "created_by"  # who entered it; the next in queue is never theirs
    actions = ["approve", "reject"]
    change_form_template = "admin/review/change_form.html"

    def has_review_permission(self, request):
        return request.user.has_perm(self.review_permission)

    @admin.action(
        description=gettext_lazy("Approve the selected %(verbose_name_plural)s"),
        permissions=["review"],
    )
    def approve(self, request, queryset):
        return self._decide_selected(request, queryset, "approve")

    @admin.action(
        description=gettext_lazy("Reject the selected %(verbose_name_plural)s"),
        permissions=["review"],
    )
    def reject(self, request, queryset):
        return self._decide_selected(request, queryset, "reject")

    def _decide_selected(self, request, queryset, decision):
        """The selected rows decided, after the page that asks what the record's page
        asks: the reason to reject, the total amount checked where money moves."""
        amounts = [self.review_amount(obj) for obj in queryset] if decision == "approve" else []
        total = sum(amounts) if amounts and None not in amounts else None
        service = self.reject_service if decision == "reject" else self.approve_service
        if decision == "approve" and total is None:  # nothing to check: decided at once
            decide_each(request, queryset, service, self.review_label, DONE[decision])
            return None
        posted = request.POST if "apply" in request.POST else None
        form = DecisionForm(posted, decision=decision, amount=total, comment=False)
        if form.is_valid():
            kwargs = form.decision_kwargs()
            decide_each(request, queryset, service, self.review_label, DONE[decision], **kwargs)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Approve") if decision == "approve" else _("Reject"),
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

    def review_facts(self, obj) -> list[tuple[str, list[tuple[str, object]]]]:
        """What decides it, side by side: (heading, [(label, value), …]) per block."""
        return []

    def review_amount(self, obj):
        """The money that moves when ``obj`` is approved (asked to be checked), or None."""
        return None

    def next_in_queue(self, request, obj):
        """The oldest other record still waiting that ``request.user`` did not enter."""
        waiting = self.get_queryset(request).filter(status=self.review_waiting)
        return (
            waiting.exclude(pk=obj.pk)
            .exclude(**{self.review_entered_by: request.user})
            .order_by("pk")
            .first()
        )

    def decide_view(self, request, object_id, decision):
        """One record's decision from its page, through the same service, with the
        optional comment in the same transaction; then on to the next in the queue."""
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_review_permission(request):
            raise Http404
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        back = reverse(f"{prefix}_change", args=[obj.pk])
        posted = request.POST if request.method == "POST" else None
        form = DecisionForm(posted, decision=decision, amount=self.review_amount(obj))
        if form.is_valid():
            service = self.reject_service if decision == "reject" else self.approve_service
            with transaction.atomic():
                kwargs = {self.review_label: obj, **form.decision_kwargs()}
                decided = form_service_call(form, service, operator=request.user, **kwargs)
                if decided is not None and form.cleaned_data["comment"].strip():
                    ReviewComment.objects.create(
                        content_type=ContentType.objects.get_for_model(
                            obj, for_concrete_model=True
                        ),
                        object_id=obj.pk,
                        decision=decision,
                        comment=form.cleaned_data["comment"].strip(),
                        by=request.user,
                    )
            if decided is not None:
                messages.success(request, DONE[decision] % {"count": 1, "names": obj})
                following = self.next_in_queue(request, obj)
                if following is None:
                    messages.info(request, _("Nothing else waits for your review here."))
                    return redirect(f"{prefix}_changelist")
                messages.info(request, _("Next in the queue: %(record)s") % {"record": following})
                return redirect(f"{prefix}_change", following.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Approve") if decision == "approve" else _("Reject"),
            "original": obj,
            "form": form,
            "cancel_url": back,
            "review_facts": self.review_facts(obj),
        }
        return TemplateResponse(request, "admin/review/decide.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["review_facts"] = self.review_facts(obj)
            context["review_comments"] = ReviewComment.objects.filter(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                object_id=obj.pk,
            ).select_related("by")
        if obj is not None and obj.status == self.review_waiting:
            if self.has_review_permission(request):
                prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
                context["review_buttons"] = [
                    (reverse(f"{prefix}_approve", args=[obj.pk]), _("Approve")),
                    (reverse(f"{prefix}_reject", args=[obj.pk]), _("Reject")),
                ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
