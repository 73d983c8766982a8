"""simple-history's history pages, which never fail on a wrong key.

The package's history page queries the id of its URL as it stands (``abc`` is a
server error) and reads the history manager's name from the model's own options,
which a proxy (the review queue of agreements) lacks. ``HistoryAdmin`` checks the
key first (a 404 for one that is not a key) and gives a proxy its concrete
model's manager name.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin with simple-history's pages; a wrong id is a 404."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A proxy has its concrete model's history, under the same manager.
        opts, concrete = model._meta, model._meta.concrete_model._meta
        if opts.proxy and not hasattr(opts, "simple_history_manager_attribute"):
            opts.simple_history_manager_attribute = concrete.simple_history_manager_attribute

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)
