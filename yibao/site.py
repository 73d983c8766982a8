"""The back office's admin site: Django's admin, titled for the product, with a
home page that is a worklist (``yibao.home``) and a menu grouped by task."""

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from staff.services import has_second_factor
from yibao import home
from yibao.search import search_view

# The menu by task, in a clerk's order; a model not named here is 系统设置.
# Reference tables (省份, 统筹区, 政策) sit at the end, out of the clerk's way.
TASKS = [
    (
        _("Counter"),
        [
            "accounts.insuredperson",
            "accounts.sharingagreement",
            "transfers.wallettransfer",
            "transfers.sharingpayment",
            "accounts.personalaccount",
        ],
    ),
    (
        _("Review"),
        [
            "accounts.pendingsharingagreement",
            "transfers.heldpayment",
            "transfers.heldwalletspending",
            "transfers.requestedreversal",
        ],
    ),
    (
        _("Search and print"),
        [
            "accounts.ledgerentry",
            "accounts.wallet",
            "transfers.walletspending",
            "transfers.reversal",
            "core.disclosurelog",
        ],
    ),
    (_("Import and export"), ["jobs.job"]),
    (_("Statistics"), ["reports.sharingstatistics"]),
]
SETTINGS = _("Settings")
REFERENCE = ["accounts.province", "accounts.poolingregion", "accounts.provincepolicy"]
APP_LISTS_KEPT = 256  # app lists a process keeps (one per kind of user and language)


class YibaoAdminSite(admin.AdminSite):
    site_header = _("Personal account family sharing back office")
    site_title = _("Family sharing back office")
    index_title = _("Service hall")
    # One sidebar at most: the lists' filters. The menu is the header's task bar.
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_lists = {}  # ``get_app_list``'s, by ``_app_list_key``

    def get_urls(self):
        return [
            path("search/", self.admin_view(lambda r: search_view(self, r)), name="search"),
            *super().get_urls(),
        ]

    def each_context(self, request):
        """The task menu and the user's hall on every page of the admin."""
        from accounts.scope import staff_placement

        context = super().each_context(request)
        if request.user.is_authenticated and request.user.is_staff:
            context["task_menu"] = self.task_menu(context["available_apps"])
            placement = staff_placement(request.user)
            context["staff_hall"] = placement.hall if placement else None
        return context

    def index(self, request, extra_context=None):
        """The worklist: queues, today's figures, shortcuts, the search box, the menu."""
        user = request.user
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "subtitle": None,
            "queues": home.home_queues(user),
            "today": home.home_today(user),
            "shortcuts": home.home_shortcuts(user),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/index.html", context)

    def task_menu(self, app_list) -> list[dict]:
        """The models of ``app_list`` (those the user may see), grouped by task
        (``TASKS``), settings last."""
        models = {
            f"{app['app_label']}.{m['object_name'].lower()}": m
            for app in app_list
            for m in app["models"]
        }
        groups = []
        for name, keys in TASKS:
            entries = [models.pop(k) for k in keys if k in models]
            if entries:
                groups.append({"name": name, "models": entries})
        reference = [models.pop(k) for k in REFERENCE if k in models]
        rest = [*models.values(), *reference]
        if rest:
            groups.append({"name": SETTINGS, "models": rest})
        return groups

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin of a model limited by regional scope gets the scope's mixin
        (``accounts.admin.scope``), so no admin class can leave it out."""
        from django.contrib.admin import ModelAdmin
        from django.db.models.base import ModelBase

        from accounts.admin.scope import scoped_admin_class
        from accounts.scope import is_scoped

        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            chosen = admin_class or ModelAdmin
            if is_scoped(model):
                chosen = scoped_admin_class(chosen)
            super().register(model, chosen, **options)

    def password_change(self, request, extra_context=None):
        """Django's page, with the form that also ends a "must change" after a reset."""
        from staff.forms import OwnPasswordChangeForm

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def get_app_list(self, request, app_label=None):
        """The app list (``_build_app_list``), built once a process for each set of
        what it depends on (``_app_list_key``): built, it asked 52 permissions,
        reversed 52 URLs and translated and sorted the names on every page, an
        eighth of an exact search's CPU (cProfile, docs/BENCHMARKS.md). The same
        list is given to every request with the key: its callers only read it."""
        key = self._app_list_key(request, app_label)
        apps = self._app_lists.get(key)
        if apps is None:
            if len(self._app_lists) >= APP_LISTS_KEPT:
                self._app_lists.clear()
            apps = self._app_lists[key] = self._build_app_list(request, app_label)
        return apps

    def _app_list_key(self, request, app_label) -> tuple:
        """What the app list depends on: the user's flags and permissions (an active
        superuser has them all, unread), the second factor's set-up, the language,
        the URLs' configuration and prefix, and the models registered with their
        admins (whose ``has_*_permission`` read no more of the user than these)."""
        user = request.user
        everything = user.is_active and user.is_superuser
        return (
            app_label,
            user.is_active,
            user.is_staff,
            user.is_superuser,
            None if everything else frozenset(user.get_all_permissions()),
            app_label is None and has_second_factor(user),
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            tuple(self._registry.items()),
        )

    def _build_app_list(self, request, app_label=None):
        """Django's app list with its names translated once (they sort as text), the
        reports (统计) for those who may read the ledger, and the second factor's
        set-up for a user who has none."""
        app_dict = self._build_app_dict(request, app_label)
        for app in app_dict.values():
            app["name"] = str(app["name"])
            for model in app["models"]:
                model["name"] = str(model["name"])
            app["models"].sort(key=lambda model: model["name"])
        apps = sorted(app_dict.values(), key=lambda app: app["name"].lower())
        if app_label is None and not has_second_factor(request.user):
            url = reverse("staff:second_factor_enrol")
            apps.append(
                {
                    "name": _("Sign-in security"),
                    "app_label": "sign_in",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": _("Set up an authenticator app"),
                            "object_name": "SecondFactor",
                            "admin_url": url,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        if app_label is None and request.user.has_perm("accounts.view_ledgerentry"):
            url = reverse("reports:sharing_report")
            apps.append(
                {
                    "name": _("Reports"),
                    "app_label": "reports",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": _("Sharing statistics"),
                            "object_name": "SharingStatistics",
                            "admin_url": url,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        if app_label is None and request.user.has_perm("core.view_trail"):
            apps.append(
                {
                    "name": _("Audit"),
                    "app_label": "audit",
                    "app_url": reverse("audit:trail"),
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": name,
                            "object_name": object_name,
                            "admin_url": reverse(url),
                            "view_only": True,
                            "perms": {"view": True},
                        }
                        for name, object_name, url in (
                            (_("Audit trail"), "AuditTrail", "audit:trail"),
                            (
                                _("Disclosures of personal information"),
                                "Disclosures",
                                "audit:disclosures",
                            ),
                        )
                    ],
                }
            )
        return apps
