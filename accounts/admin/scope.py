"""Regional scope in the admin: one mixin the admin site puts on every scoped admin.

``yibao.site.YibaoAdminSite.register`` adds ``ScopedAdminMixin`` in front of the
admin of every model that ``accounts.scope`` limits, so no admin class can forget
it. The mixin limits:

- the queryset (lists, search, autocomplete, exports and export jobs, the actions'
  selection, every page that reads ``get_queryset``);
- every URL of the admin that names a record (``object_id``, ``pk``, ``id``): a
  record out of scope is a 404, the same answer as a number with no record, so no
  page tells that it exists; a request that is not a GET or HEAD needs the record
  to be one the user may act on (else 403);
- changing (the page is read-only for the other side of an agreement, without
  its account, entries and other agreements: ``OTHER_SIDE_HIDDEN``) and the
  actions (applied only to the selected records the user may act on);
- the form's choice of a person, or of the pooling region of a new record,
  refused next to its field when out of scope (registering a person elsewhere).

``UNSCOPED_MODELS`` says for each registered model that is not limited by region
why; the matrix test (``yibao/tests/test_scope_matrix.py``) fails for a model in
neither.
"""

import re
from functools import partial

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from django.urls import URLPattern

from accounts.models import InsuredPerson, PoolingRegion
from accounts.scope import (
    OutOfScope,
    can_act,
    require_person_in_scope,
    require_region_in_scope,
    scope_queryset,
    scope_regions,
    scope_share,
)

# A route that starts with the key of a record of the admin's model.
OBJECT_ROUTE = re.compile(r"<(?:\w+:)?(object_id|pk|id)>/")
SAFE_METHODS = ("GET", "HEAD")

UNSCOPED_MODELS = {
    "accounts.province": "reference data every hall reads",
    "accounts.poolingregion": "reference data every hall reads (its settings: superusers)",
    "accounts.provincepolicy": "reference data every hall reads",
    "transfers.holdrules": "one national settings row",
    "jobs.job": "each user sees only the jobs they started (jobs.admin)",
    "auth.group": "the roles, the same in every hall",
    "staff.passwordreset": "a record of users, read by supervisors and auditors",
    "staff.loginlock": "sign-in locks, keyed by username",
    "otp_totp.totpdevice": "a user's own second factor",
    "django_tasks_database.dbtaskresult": "the queue's own table, for superusers",
    "accounts.creditfileconfirmation": "who imported and who confirmed a file; no person",
    "transfers.importexception": "a file's refused rows, for supervisors and auditors only",
}


# What the page of a record seen only as the other side of an agreement leaves out:
# the person's account, entries and their agreements with others.
OTHER_SIDE_HIDDEN = {
    "accounts.insuredperson": (
        "account_summary",
        "latest_entries",
        "agreements_as_grantor",
        "agreements_as_beneficiary",
    ),
}


def request_can_act(request, obj: Model) -> bool:
    """``can_act`` for the user of ``request``, asked once per record by a request
    that reads: the change page asks it for each permission and section (nine
    queries of the same answer on the person page); a write asks it afresh."""
    if request.method not in SAFE_METHODS:
        return can_act(request.user, obj)
    answers = request.__dict__.setdefault("_can_act", {})
    key = (obj._meta.concrete_model._meta.label_lower, obj.pk)
    if key not in answers:
        answers[key] = can_act(request.user, obj)
    return answers[key]


class ScopedAdminMixin:
    """Limits a ModelAdmin to the requesting user's regional scope (module docstring)."""

    def get_queryset(self, request):
        """The admin's records in the user's scope; unscoped for the root of a big
        list, which scopes its filtered list itself (``BigChangeList``, once)."""
        if request.__dict__.pop("big_list_unscoped_root", False):
            return self.get_unscoped_queryset(request)
        return scope_queryset(self.get_unscoped_queryset(request), request.user)

    def get_unscoped_queryset(self, request):
        """The admin's records before the scope: a big list filters these and then
        narrows them to the scope (``core.admin.lists.BigChangeList``), so that its
        count is estimated from the list's own estimate and the scope's share."""
        return super().get_queryset(request)

    def scope_list(self, request, queryset):
        """``queryset`` narrowed to the user's scope, and what gives the scope's
        share of the persons (``scope_share``, asked only for an estimate)."""
        codes = scope_regions(request.user)
        if codes is None:
            return queryset, lambda: 1.0
        return scope_queryset(queryset, request.user), partial(scope_share, codes)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request_can_act(request, obj))

    def get_fieldsets(self, request, obj=None):
        """Also for an admin that declares its sections (the person page as a hub)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request_can_act(request, obj):
            return fieldsets
        hidden = OTHER_SIDE_HIDDEN.get(self.opts.label_lower, ())
        shown = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field not in hidden]
            if fields:
                shown.append((name, {**options, "fields": fields}))
        return shown

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or request_can_act(request, obj))

    def response_action(self, request, queryset):
        return super().response_action(request, scope_queryset(queryset, request.user, act=True))

    def get_urls(self):
        return [self._scoped_url(pattern) for pattern in super().get_urls()]

    def _scoped_url(self, pattern):
        """A URL that starts with the record's key (``<path:object_id>/change/``,
        ``<int:pk>/end/``), checked before its view runs."""
        match = OBJECT_ROUTE.match(str(pattern.pattern))
        if match is None or not isinstance(pattern, URLPattern):
            return pattern
        key = match.group(1)
        view = pattern.callback

        def scoped(request, *args, **kwargs):
            if self.admin_site.has_permission(request):  # else the view asks to sign in
                self._require_in_scope(request, kwargs[key])
            return view(request, *args, **kwargs)

        scoped.scope_checked = True
        return URLPattern(pattern.pattern, scoped, pattern.default_args, pattern.name)

    def _require_in_scope(self, request, value) -> None:
        try:
            pk = self.opts.pk.to_python(unquote(str(value)))
        except ValidationError:
            return  # not a key: the view answers that no such record exists
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            raise Http404
        if request.method not in SAFE_METHODS and not can_act(request.user, found):
            raise PermissionDenied
        request.__dict__.setdefault("_in_scope", {})[(self.opts.label_lower, pk)] = found

    def get_object(self, request, object_id, from_field=None):
        """The record the scope check just read from the same queryset (one query
        less a page), else Django's."""
        checked = request.__dict__.get("_in_scope", {})
        if from_field is None:
            try:
                pk = self.opts.pk.to_python(unquote(str(object_id)))
            except ValidationError:
                pk = None
            if (self.opts.label_lower, pk) in checked:
                return checked[(self.opts.label_lower, pk)]
        return super().get_object(request, object_id, from_field)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        user = request.user

        class ScopedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for name, value in list(cleaned.items()):
                    try:
                        if isinstance(value, PoolingRegion) and self._region_chosen(name):
                            require_region_in_scope(user, value, argument=name)
                        elif isinstance(value, InsuredPerson):
                            require_person_in_scope(user, value, argument=name)
                    except OutOfScope as error:
                        self.add_error(name, str(error))
                return cleaned

            def _region_chosen(self, name) -> bool:
                """A new record's region, or a hall's new one; a person's move out
                is their region's to make (``person_update``)."""
                if self.instance.pk is None:
                    return True
                return name in self.changed_data and not isinstance(self.instance, InsuredPerson)

        ScopedForm.__name__ = form_class.__name__
        return ScopedForm


def scoped_admin_class(admin_class):
    """``admin_class`` with the scope in front (``YibaoAdminSite.register``)."""
    if issubclass(admin_class, ScopedAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (ScopedAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )
