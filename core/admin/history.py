"""A record's history page: its audit trail, read-only, as sentences.

Why: the history page of django-simple-history (before issue 11) was a "revert"
form that saved for anyone who could view. The trail is now the database's
(django-pghistory triggers, ``core.trail``): this page only reads it, answers
405 to anything but GET, and shows the same sentences as the auditor's screen,
newest first, paginated, masked unless a viewer allowed to asks for the
unmasked data (``?unmasked=1``, written to the disclosure log).
``check_history_admins`` (a system check) refuses an admin of a tracked model
that is not a ``HistoryAdmin``, so a new page cannot show Django's own change
log instead. A value in the URL that is not a key is a 404.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.audit import can_see_unmasked
from core.trail import trail_disclose, trail_events, trail_lines

SAFE_METHODS = ("GET", "HEAD")
PER_PAGE = 50


def trail_page(request, events, *, where: str, per_page: int = PER_PAGE) -> dict:
    """One page of ``events`` as lines, for the viewer of ``request``: unmasked only
    when asked for and permitted, and then recorded as a disclosure."""
    allowed = can_see_unmasked(request.user)
    unmasked = allowed and request.GET.get("unmasked") == "1"
    page = Paginator(events, per_page).get_page(request.GET.get("p"))
    lines = trail_lines(page.object_list, unmasked=unmasked)
    if unmasked:
        trail_disclose(lines, user=request.user, where=where)
    return {"page": page, "lines": lines, "may_unmask": allowed, "unmasked": unmasked}


class HistoryAdmin(admin.ModelAdmin):
    """A ModelAdmin whose history page is the record's audit trail, read-only."""

    object_history_template = "admin/trail_history.html"

    def history_view(self, request, object_id, extra_context=None):
        if request.method not in SAFE_METHODS:
            return HttpResponseNotAllowed(SAFE_METHODS)
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        concrete = self.opts.concrete_model
        events = trail_events().tracks(concrete._default_manager.filter(pk=obj.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            **trail_page(request, events, where=_("history of %s") % obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def check_history_admins(app_configs=None, site=None, **kwargs):
    """Every registered admin of a tracked model must be a ``HistoryAdmin``."""
    site = site or admin.site
    return [
        checks.Error(
            f"{type(model_admin).__name__} shows Django's change log, not the audit trail.",
            hint="Derive it from core.admin.history.HistoryAdmin.",
            obj=type(model_admin),
            id="yibao.E001",
        )
        for model, model_admin in site._registry.items()
        if hasattr(model._meta.concrete_model, "pgh_event_models")
        and not isinstance(model_admin, HistoryAdmin)
    ]
