"""The zh_Hans catalogue is complete: every message of the code has a Chinese translation,
and the rendered pages of every role show no English.

Marked ``translations`` (``pytest -m translations``): on a branch that adds UI
strings these fail, listing the new msgids, until the translator has run
makemessages and filled them in; that is intended (STYLE: nobody but the
translator edits locale/*.po).
"""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from yibao.tests.routes import url_routes

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
# Not source: makemessages must not walk into these (the copy leaves them out).
NOT_SOURCE = (".git", ".venv", "var", "staticfiles", "artifacts", "*.pyc", "__pycache__", ".*cache")

pytestmark = pytest.mark.translations


def _keys(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}


def _listing(entries) -> str:
    return "\n".join(
        f"  {e.msgid!r} ({', '.join(f for f, _ in e.occurrences[:2])})" for e in entries
    )


def test_every_message_in_the_catalogue_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(BASE_DIR / CATALOGUE))
    untranslated = catalogue.untranslated_entries()
    fuzzy = catalogue.fuzzy_entries()
    assert not untranslated, f"msgids without msgstr in {CATALOGUE}:\n{_listing(untranslated)}"
    assert not fuzzy, f"fuzzy entries in {CATALOGUE}:\n{_listing(fuzzy)}"


def test_makemessages_finds_no_message_missing_from_the_catalogue(tmp_path):
    """Runs makemessages in a copy of the source, so the real catalogue is never touched."""
    copy = tmp_path / "src"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    env = {
        **os.environ,
        # Settings are loaded, but makemessages needs no database: none is started.
        "DATABASE_URL": "postgresql://unused@/unused",
        "YIBAO_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        timeout=120,
    )
    before = _keys(polib.pofile(str(BASE_DIR / CATALOGUE)))
    after = polib.pofile(str(copy / CATALOGUE))
    new = [e for e in after if not e.obsolete and (e.msgctxt, e.msgid) not in before]
    assert not new, f"messages in the code but not in {CATALOGUE}:\n{_listing(new)}"


# The rendered pages: every admin URL as every role, no English on screen.

VISIBLE_SKIP_TAGS = {"script", "style", "template", "noscript", "option", "head"}
# Classes whose content is not on screen (screen-reader text, hidden form parts).
HIDDEN_CLASSES = {"visually-hidden", "hidden", "hiddenfields", "help-tooltip"}
# Routes not rendered as a page: files, PDFs, sign-out (POST), the JS catalogue, and
# Django's "view on site" redirect.
NOT_PAGES = re.compile(
    r"(download|evidence|logout|jsi18n|export|template|^admin/r/|autocomplete|lookup"
    r"|second-factor)"  # the authenticator key in base32 letters is not English
)
# File types a page names, Django's own word for a directory service, and the
# letters of a date format (YYYY-MM-DD) the upload page shows.
PAGE_ENGLISH = ("xlsx", "csv", "UTF", "LDAP", "YYYY-MM-DD", "YYYY-MM", "YYYY", "HH", "MM", "SS")
# Masked values (110101********1234, a password hash's first letters): data.
MASKED = re.compile(r"\S*\*{3,}\S*")
# The user list and sign-in locks show usernames, which are data there (and only there).
USERNAME_PAGES = re.compile(r"^/admin/(auth/user|staff/loginlock)/")
DEMO_USERNAMES = ("clerk", "reviewer", "supervisor", "auditor", "national")
MODEL_ROUTE = re.compile(r"^admin/(\w+)/(\w+)/<(?:path|int):(?:object_id|pk)>/")
ROLES = ("clerk", "reviewer", "supervisor", "auditor")


class _VisibleText(HTMLParser):
    """The text a person sees on a server-rendered page, roughly as a browser lays it
    out: the title, text outside hidden elements, button values, placeholders and
    the chosen option of a select."""

    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "col", "wbr", "area"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._in_title = False

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        classes = set((attrs.get("class") or "").split())
        hidden = (
            tag in VISIBLE_SKIP_TAGS
            or "hidden" in attrs
            or bool(classes & HIDDEN_CLASSES)
            or (attrs.get("type") == "hidden")
        )
        if tag == "option" and "selected" in attrs and not self._hidden():
            self._selected = True
        if not self._hidden() and not hidden:
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.parts.append(attrs.get("value") or "")
            if attrs.get("placeholder"):
                self.parts.append(attrs["placeholder"])
        if tag not in self.VOID:
            self._stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._in_title:
            self.parts.append(data)
        elif getattr(self, "_selected", False):
            self.parts.append(data)
            self._selected = False
        elif not self._hidden():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def _admin_pages() -> list[str]:
    """Every admin page that takes no value, and each record page of a model with its
    first record (as the demo data leaves it)."""
    from django.apps import apps

    urls = []
    for route in sorted({route for route, _view in url_routes()}):
        if not route.startswith("admin/") or "^" in route or NOT_PAGES.search(route):
            continue
        if "<" not in route:
            urls.append("/" + route)
            continue
        match = MODEL_ROUTE.match(route)
        if match is None or route.count("<") > 1:
            continue
        try:
            model = apps.get_model(match[1], match[2])
        except LookupError:  # the documents' own URLs: statements, receipts
            continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append("/" + re.sub(r"<(?:path|int):(?:object_id|pk)>", str(first.pk), route))
    return urls


@pytest.fixture
def demo_data(db):
    call_command("load_demo", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_of_every_role_shows_no_english(demo_data, client, role):
    """Each page the role can open, rendered as that role: no English word on screen
    (abbreviations and brand names allowed, tests/browser/support.py)."""
    from accounts.tests.factories import make_user
    from tests.browser.support import english_words

    client.force_login(make_user(role))
    client.raise_request_exception = False
    found, walked = {}, 0
    for url in _admin_pages():
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        walked += 1
        allow = PAGE_ENGLISH + (DEMO_USERNAMES if USERNAME_PAGES.match(url) else ())
        text = MASKED.sub("", visible_text(response.content.decode()))
        for _word, line in english_words(text, allow):
            found.setdefault(line[:120], url)
    assert walked > 40, f"only {walked} pages walked"
    assert not found, f"English on the pages of {role}:\n" + "\n".join(
        f"  {line!r} (first on {url})" for line, url in sorted(found.items())
    )
