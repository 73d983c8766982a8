"""The admin URLs the project adds for one record (a receipt, a status change).

A mistyped id (``abc``) in such a URL must never reach a query, where it fails as
a server error. Every record of the project has a numeric key, so these URLs take
it with the ``int`` converter (``object_path``): a wrong id falls through to
Django's own record URL, which answers that the record does not exist, in
Chinese; a number without a record is the view's 404 (``get_object_or_404``).
simple-history's pages: ``core.admin.history``.

A list links each of its rows (the record's page, a receipt): ``record_url``
builds those links from one ``reverse`` of the URL, not one a row (a reverse
walks the URL patterns: a tenth of a review queue's rows' time, cProfile), and
``record_urls`` looks that up once a page.
"""

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, path, reverse
from django.utils.http import RFC3986_SUBDELIMS

# The key reversed once in place of a record's (digits: the int converter takes it).
_KEY = "918273645546372819"


def object_path(modeladmin, suffix: str, view, name: str):
    """``<int:object_id>/<suffix>`` of ``modeladmin``, behind the admin's login check."""
    return path(f"<int:object_id>/{suffix}", modeladmin.admin_site.admin_view(view), name=name)


def record_url(name: str, key, *, current_app: str | None = None) -> str:
    """``reverse(name, args=[key])`` for a URL whose one argument is a record's key."""
    return record_urls(name, current_app=current_app)(key)


def record_urls(name: str, *, current_app: str | None = None) -> Callable[[object], str]:
    """``record_url`` of ``name`` as a function of the key: the URL's prefix, patterns
    and the place of its key looked up once (a page's rows)."""
    resolver = get_resolver(get_urlconf())  # a new one when the URLs change (tests)
    before, after = _around_key(name, current_app, get_script_prefix(), resolver)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda key: f"{before}{quote(str(key), safe=safe)}{after}"


@lru_cache(maxsize=512)
def _around_key(name: str, current_app, _script_prefix: str, resolver) -> tuple[str, str]:
    """The URL ``name`` reversed once, around the place of its key (the URL's prefix
    and its patterns are part of the cache's key, as they are of the URL)."""
    before, _key, after = reverse(
        name, args=[_KEY], urlconf=resolver.urlconf_name, current_app=current_app
    ).partition(_KEY)
    return before, after
