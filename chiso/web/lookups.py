"""``field__any_of=ids``: the field's value is one of many, given to the database as ONE parameter.

Django's ``__in`` resolves, prepares, binds and (psycopg, client-side binding) quotes each value: a list of 3.321
unit ids cost more in Python than the query did in the database, and had to be cut into chunks under SQLite's
parameter limit. Here the values are one array literal (PostgreSQL ``= ANY(%s::<the column's type>[])``, compared
with a hash when long) or one JSON text (SQLite ``IN (SELECT value FROM json_each(%s))``). For ids and short texts
(codes, periods), not dates. Give a set or a frozenset: Django walks a list or a tuple value by value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, str | bytes) or not isinstance(self.rhs, Iterable):
            raise TypeError("__any_of takes a set of values")
        values = sorted(self.rhs)  # the same text for the same values
        if not values:
            raise EmptyResultSet  # as ``__in`` with nothing: no row
        if connection.vendor == "postgresql":  # the column's own type: bigint = ANY(smallint[]) is not hashed
            return f"{lhs} = ANY(%s::{self.lhs.output_field.cast_db_type(connection)}[])", [*params, _array(values)]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(values)]


def _array(values: list[Any]) -> str:
    """A PostgreSQL array literal: ``{1,2,3}``, or ``{"2025-12","a\\"b"}`` for texts."""
    if all(isinstance(v, int) for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def register() -> None:
    """Called once by ``web.apps.WebConfig.ready``; a foreign key keeps its own lookups (not Field's)."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)
