"""Rows as JSON lines: which tables a backup holds, and how values are written and read back.

One line per row, keys sorted, no spaces, UTF-8. Datetimes are ISO 8601 with their offset, dates
ISO, JSON columns as they are, bytes base64, decimals as strings. The same encoding of the same
rows gives the same bytes, so a table's checksum (sha256 of its lines) compares a database
with an archive whatever the dialect.
"""
import base64
import datetime as dt
import decimal
import hashlib
import json

import sqlalchemy as sa

from propmgmt.backup import CHUNK_ROWS
from propmgmt.db import db

# Alembic's own table is not a model, but a backup records (and a restore checks) the revision.
ALEMBIC = sa.Table("alembic_version", sa.MetaData(),
                   sa.Column("version_num", sa.String(32), primary_key=True))


def tables():
    """Every table a backup holds: the models' tables in dependency order, then alembic_version."""
    return [*db.metadata.sorted_tables, ALEMBIC]


def data_tables():
    """The tables a restore fills (alembic_version is already there, written by the migrations)."""
    return list(db.metadata.sorted_tables)


def _encode(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def encode_row(names, row):
    """One row as one canonical JSON line (bytes, newline included)."""
    record = {name: _encode(value) for name, value in zip(names, row, strict=True)}
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _python_type(column):
    kind = column.type
    while isinstance(kind, sa.TypeDecorator):  # UTCDateTime and friends: ask what they wrap
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _json_null(column):
    """None in a nullable JSON column comes back as SQL NULL (as the ORM writes an unset value)."""
    return sa.null() if column.nullable else sa.JSON.NULL


DECODERS = {
    dt.datetime: dt.datetime.fromisoformat,
    dt.date: dt.date.fromisoformat,
    dt.time: dt.time.fromisoformat,
    bytes: base64.b64decode,
    decimal.Decimal: decimal.Decimal,
}


def decoder(table):
    """A function turning one JSON line of `table` into insert() parameters (by column key)."""
    plans = []
    for column in table.columns:
        if isinstance(column.type, sa.JSON):
            plans.append((column.name, column.key, None, _json_null(column)))
        else:
            plans.append((column.name, column.key, DECODERS.get(_python_type(column)), None))

    def decode(line):
        record = json.loads(line)
        values = {}
        for name, key, convert, none in plans:
            value = record[name]
            if value is None:
                values[key] = none
            else:
                values[key] = convert(value) if convert else value
        return values

    return decode


def select_in_key_order(table):
    return sa.select(*table.columns).order_by(*table.primary_key.columns)


def encoded_chunks(conn, table, chunk_rows=CHUNK_ROWS):
    """The table's rows as JSON lines in primary-key order, a list of at most chunk_rows at a time
    (a server-side cursor on PostgreSQL: never the whole table in memory)."""
    names = [c.name for c in table.columns]
    result = conn.execution_options(yield_per=chunk_rows).execute(select_in_key_order(table))
    for part in result.partitions():
        yield [encode_row(names, row) for row in part]


def count_rows(conn, table):
    return conn.scalar(sa.select(sa.func.count()).select_from(table))


class Digest:
    """Row count and sha256 of a table's JSON lines."""

    def __init__(self):
        self.rows = 0
        self._sha = hashlib.sha256()

    def add(self, line):
        self.rows += 1
        self._sha.update(line)

    @property
    def sha256(self):
        return self._sha.hexdigest()
