"""``field__any=values``: ``field = ANY(%s::type[])``, the values sent as one array.

Why: ``field__in`` of a file's chunk writes a placeholder per value (2,000 ID
numbers, 1,000 ids), which Django prepares value by value and psycopg then
splits again on the client; for a settlement file's check that was a tenth of
its time. An array is one parameter whatever its length, and PostgreSQL uses
the same index for it. The values go as they are: ids and text, as the
database compares them (no ``get_prep_value`` of each); none, as for ``__in``,
matches nothing without a query.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
@ForeignObject.register_lookup  # a foreign key has lookups of its own
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as ``__in``: nothing matches, no query is sent
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(self.rhs)]
