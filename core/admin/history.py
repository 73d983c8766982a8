"""History pages that only show: simple-history's version page without its revert.

Why: simple-history's version page (``…/history/<version>/``) is a "revert" form
that saves the old version through the ModelAdmin for anyone who may *view* the
object — around the services, their checks and the second person's review (an
auditor could change a person, a clerk re-approve an ended agreement). Its
setting ``SIMPLE_HISTORY_REVERT_DISABLED`` (on in settings) only hides the
button: the POST still saves. ``HistoryAdmin`` refuses every method but GET on
that page and shows each field as text; ``check_history_admins`` (a system
check) refuses a simple-history admin that is not a ``HistoryAdmin``, so a new
one cannot reopen the hole. The package's pages also query the id of their URL as
it stands (``abc`` was a server error): a value that is not a key is a 404 here.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import checks
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

SAFE_METHODS = ("GET", "HEAD")


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin with read-only history pages (list of versions, each version)."""

    object_history_form_template = "admin/history_version.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A proxy (the review queue) has its concrete model's history, under the
        # same manager, but simple-history reads the manager's name from the
        # proxy's own options.
        opts, concrete = model._meta, model._meta.concrete_model._meta
        if opts.proxy and not hasattr(opts, "simple_history_manager_attribute"):
            opts.simple_history_manager_attribute = concrete.simple_history_manager_attribute

    def revert_disabled(self, request, obj=None):
        return True

    def _require_key(self, object_id) -> None:
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._require_key(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in SAFE_METHODS:
            return HttpResponseNotAllowed(SAFE_METHODS)
        self._require_key(object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        """The version page's form, every field shown as text (no input to send)."""
        form = context.get("adminform")
        if form is not None:
            fieldsets = list(form.fieldsets)
            context = {
                **context,
                "adminform": helpers.AdminForm(
                    form.form, fieldsets, {}, flatten_fieldsets(fieldsets), model_admin=self
                ),
                "has_change_permission": False,
            }
        return super().render_history_view(request, template, context, **kwargs)


def check_history_admins(app_configs=None, site=None, **kwargs):
    """Every registered simple-history admin must be a ``HistoryAdmin``."""
    site = site or admin.site
    return [
        checks.Error(
            f"{type(model_admin).__name__} uses SimpleHistoryAdmin, whose version page saves.",
            hint="Derive it from core.admin.history.HistoryAdmin.",
            obj=type(model_admin),
            id="yibao.E001",
        )
        for model_admin in site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
