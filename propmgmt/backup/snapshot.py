"""A connection that sees one consistent state of the database while the app keeps writing.

PostgreSQL: one REPEATABLE READ, READ ONLY transaction (a snapshot; writers are not blocked).
SQLite: the sqlite3 online-backup API copies the file in one step under a shared lock (writers
wait only for that copy, never for the slower reading), and the backup reads the copy.
"""
import contextlib
import sqlite3
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from propmgmt.backup import BackupError


@contextlib.contextmanager
def read_snapshot(engine):
    """Yield a connection inside one read transaction over a consistent snapshot."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                yield conn
            finally:
                conn.rollback()
    elif engine.dialect.name == "sqlite":
        with _sqlite_copy(engine) as copy, copy.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine.dialect.name}.")


@contextlib.contextmanager
def _sqlite_copy(engine):
    """A throw-away engine on a page-for-page copy of the SQLite database taken in one step."""
    with tempfile.TemporaryDirectory(prefix="propmgmt-backup-") as folder:
        path = Path(folder) / "snapshot.sqlite3"
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            try:
                source.driver_connection.backup(target)  # pages=-1: all pages in one step
            finally:
                target.close()
        finally:
            source.close()
        copy = sa.create_engine(f"sqlite:///{path}", poolclass=NullPool)
        try:
            yield copy
        finally:
            copy.dispose()
