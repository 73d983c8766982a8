"""The zh_Hans catalogue is complete: every message of the code has a Chinese translation.

Marked ``translations`` (``pytest -m translations``): on a branch that adds UI
strings these fail, listing the new msgids, until the translator has run
makemessages and filled them in; that is intended (STYLE: nobody but the
translator edits locale/*.po).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

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
