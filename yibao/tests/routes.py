"""Every route of the URL conf, for the tests that walk them all (admin URLs, the
scope matrix, the rendered pages), so that a new page cannot be forgotten."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:\w+:)?\w+>")


def url_routes(patterns=None, prefix=""):
    """(route, pattern) of each view of the URL conf, its full route as a string."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern
