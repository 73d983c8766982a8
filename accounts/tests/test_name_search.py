"""Finding persons by a part of their name, of any length: most Chinese names have
two or three characters, and a clerk types one, two or all of them."""

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import InsuredPerson
from accounts.selectors import person_search
from accounts.tests.factories import make_person

NAMES = ["李明", "李明华", "欧阳明", "王李", "明", "Li Ming", "Ölaf", "王五"]
PARTS = [
    "李",
    "明",
    "李明",
    "明华",
    "欧阳",
    "阳明",
    "王",
    "LI",
    "li",
    "i",
    "ö",
    "Ö",
    "李明华",
    "Li M",
]


@pytest.fixture
def named(db, clerk):
    return [make_person(name=name, operator=clerk) for name in NAMES]


@pytest.mark.parametrize("part", PARTS)
def test_oracle_a_name_part_finds_every_name_that_contains_it(named, part):
    # The oracle is Python's own substring test on the names written above.
    expected = sorted(n for n in NAMES if part.upper() in n.upper())
    found = sorted(person_search(InsuredPerson.objects.all(), part).values_list("name", flat=True))
    assert found == expected


def test_a_short_part_is_answered_from_the_index_of_characters_and_pairs(named):
    """Two characters have no whole trigram: the search must still be one an
    index can answer (its expression the index's own), not a read of every person."""
    query = person_search(InsuredPerson.objects.order_by(), "曾浩")
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # Reading every person (in table or key order) forbidden: what is left is
        # an index that answers the condition, if there is one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_name_grams_idx" in plan


def test_the_last_four_of_the_id_with_a_two_character_name(named):
    li_ming = named[0]
    found = person_search(InsuredPerson.objects.all(), f"{li_ming.id_number[-4:]} 李明")
    assert list(found) == [li_ming]


def test_clerk_finds_a_two_character_name_in_the_persons_list(client, clerk, named):
    client.force_login(clerk)
    page = client.get(reverse("admin:accounts_insuredperson_changelist"), {"q": "李明"})
    listed = re.findall(r'class="field-name"><a [^>]*>([^<]+)</a>', page.content.decode())
    assert listed == ["李明", "李明华"]
