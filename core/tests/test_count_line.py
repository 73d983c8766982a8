"""The count line of a big list (``core.admin.lists``): an estimate says 约, a count
past the cap says 以上, an exact count reads as Django writes it.

The paths are forced by the list's settings rather than by 10,001 rows: a margin
of 0 shows every list's estimate (the planner's, asked here of PostgreSQL with
EXPLAIN); a cap of 2 with a margin too wide for any estimate counts the search's
three rows and stops past two."""

import json
import re

import pytest
from django.db import connection
from django.utils import translation

from accounts.tests.factories import make_person, make_user
from core.admin import lists

PERSONS = "/admin/accounts/insuredperson/"


@pytest.fixture
def six_persons(db):
    """李明, 李华, 李强 (three with 李), 王芳, 王伟, 张伟."""
    for name in ("李明", "李华", "李强", "王芳", "王伟", "张伟"):
        make_person(name=name)


def _planned_persons() -> int:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) SELECT id FROM accounts_insuredperson")
        plan = cursor.fetchone()[0]
    return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


def _count_line(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<p class="paginator">')
    line = re.sub(
        r"<span[^>]*>\d+</span>|<a [^>]*>[^<]*</a>", "", html[start : html.index("</p>", start)]
    )
    return " ".join(re.sub(r"<[^>]+>", "", line).split())


def test_oracle_the_count_texts_say_about_and_more_than():
    with translation.override("zh-hans"):
        assert lists.count_text(727_119, estimated=True) == "约 727,119 条"
        assert lists.count_text(10_001, estimated=False) == "10,000 条以上"
        assert lists.count_text(10_000, estimated=False) is None


def test_oracle_an_estimated_list_says_about(client, six_persons, monkeypatch):
    monkeypatch.setattr(lists, "ESTIMATE_MARGIN", 0)
    client.force_login(make_user(None, is_superuser=True))
    assert _count_line(client, PERSONS) == f"约 {_planned_persons():,} 条"


def test_oracle_a_search_past_the_cap_says_more_than(client, six_persons, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    monkeypatch.setattr(lists, "ESTIMATE_MARGIN", 10**9)
    client.force_login(make_user(None, is_superuser=True))
    response = client.get(PERSONS, {"q": "李"})
    assert '<span class="small quiet">2 条以上' in response.content.decode()
    assert _count_line(client, f"{PERSONS}?q=李") == "2 条以上"


def test_oracle_an_exact_count_reads_as_before(client, six_persons, monkeypatch):
    client.force_login(make_user(None, is_superuser=True))
    assert _count_line(client, PERSONS) == "6 参保人员"
    assert "3 条结果" in client.get(PERSONS, {"q": "李"}).content.decode()


@pytest.fixture
def two_a_page(monkeypatch):
    from django.contrib import admin

    from accounts.models import InsuredPerson

    monkeypatch.setattr(admin.site._registry[InsuredPerson], "list_per_page", 2)


def _names_shown(client, url) -> set[str]:
    html = client.get(url).content.decode()
    return {name for name in ("李明", "李华", "李强", "王芳", "王伟", "张伟") if name in html}


def test_oracle_a_searched_list_pages_its_matches_once_each(client, six_persons, two_a_page):
    """The count and a page's rows come from one query (``_count_and_keys``): each
    page shows its own matches, the count line counts them all."""
    client.force_login(make_user(None, is_superuser=True))
    first = _names_shown(client, f"{PERSONS}?q=李")
    second = _names_shown(client, f"{PERSONS}?q=李&p=2")
    assert len(first) == 2 and len(second) == 1
    assert first | second == {"李明", "李华", "李强"}
    assert "3 条结果" in client.get(PERSONS, {"q": "李", "p": 2}).content.decode()


def test_oracle_a_search_past_the_cap_still_shows_its_page(
    client, six_persons, two_a_page, monkeypatch
):
    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    monkeypatch.setattr(lists, "ESTIMATE_MARGIN", 10**9)
    client.force_login(make_user(None, is_superuser=True))
    assert len(_names_shown(client, f"{PERSONS}?q=李")) == 2
    assert _count_line(client, f"{PERSONS}?q=李") == "2 条以上"


@pytest.mark.parametrize("page", ["0", "-1", "99"])
def test_a_searched_list_asked_for_a_page_it_has_not_says_so(client, six_persons, two_a_page, page):
    """A page number typed into the address that the search has no page for
    (before the first, past the last) is answered as Django's lists answer it:
    back to the list with the error flag, not a server error."""
    client.force_login(make_user(None, is_superuser=True))
    response = client.get(PERSONS, {"q": "李", "p": page})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
