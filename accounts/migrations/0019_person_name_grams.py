import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

import accounts.models.people

# The characters and character pairs of a name, upper-cased as the trigram index
# is (``accounts.models.people.NameGrams``). IMMUTABLE, as an index expression
# must be: it reads nothing but its argument. In PL/pgSQL: about 6 µs a name,
# where the same in one SQL statement (a set-returning join and array_agg) took 60.
GRAMS_SQL = """
CREATE FUNCTION person_name_grams(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    upper_name text := upper(name);
    grams text[] := regexp_split_to_array(upper_name, '');
BEGIN
    FOR i IN 1 .. char_length(upper_name) - 1 LOOP
        grams := grams || substr(upper_name, i, 2);
    END LOOP;
    RETURN grams;
END
$$
"""


class Migration(migrations.Migration):
    """A GIN index of every name's characters and character pairs, for name parts
    of one or two characters (no trigram covers them), built without locking the
    persons for writes: outside a transaction, as ``CREATE INDEX CONCURRENTLY`` must be."""

    atomic = False

    dependencies = [
        ("accounts", "0018_person_region_probe_index"),
    ]

    operations = [
        migrations.RunSQL(GRAMS_SQL, "DROP FUNCTION person_name_grams(text)"),
        AddIndexConcurrently(
            model_name="insuredperson",
            index=django.contrib.postgres.indexes.GinIndex(
                accounts.models.people.NameGrams("name"), name="person_name_grams_idx"
            ),
        ),
    ]
