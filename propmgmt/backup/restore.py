"""Restore an archive: only into an empty database at the backup's Alembic revision.

Order: check the whole archive (schema, paths, checksums) before touching anything; check the
database (revision, emptiness); then in one transaction insert every table in dependency order
with Core bulk insert() (so the ORM's append-only guards, which watch ORM updates and deletes,
neither fire nor need to), reset PostgreSQL sequences and write the files; finally read everything
back and compare row counts and checksums with the manifest.
"""
import dataclasses
import itertools
import os
import shutil
import time
from pathlib import Path

import sqlalchemy as sa

from propmgmt.backup import CHUNK_ROWS
from propmgmt.backup import BackupError
from propmgmt.backup import Progress
from propmgmt.backup import archive
from propmgmt.backup import rows


@dataclasses.dataclass
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int
    seconds: float = 0.0

    def __str__(self):
        return (f"{self.tables} tables, {self.rows} rows and {self.files} files "
                f"({self.bytes} bytes)")


def restore_backup(path, *, engine, upload_dir, force=False, progress=None):
    """Load the archive at `path` into the database and UPLOAD_DIR, then verify every row and file."""
    progress = progress or Progress()
    started = time.monotonic()
    root = Path(upload_dir)
    with archive.open_archive(path) as (zipped, manifest):
        with engine.connect() as conn:  # fail fast, before reading the whole archive
            check_target(conn, manifest, force=force)
        archive.check_archive(zipped, manifest, root, progress)
        with engine.begin() as conn:
            check_target(conn, manifest, force=force)
            if force:
                _empty(conn)
            _insert_tables(conn, zipped, manifest, progress)
            if conn.dialect.name == "postgresql":
                reset_sequences(conn)
            _restore_files(zipped, manifest, root, progress)
    summary = verify(engine, manifest, root, progress)
    summary.seconds = time.monotonic() - started
    return summary


def check_target(conn, manifest, *, force=False):
    """Refuse a database at another revision, or one with rows (unless force)."""
    wanted = manifest["alembic_revision"]
    if not sa.inspect(conn).has_table(rows.ALEMBIC.name):
        raise BackupError(f"The database has no schema: run `flask db upgrade` first (the backup "
                          f"is at revision {wanted}).")
    revision = archive.revision_of(conn)
    if revision != wanted:
        raise BackupError(f"The database is at revision {revision}, the backup at {wanted}: "
                          f"bring the database to {wanted} first (`flask db upgrade {wanted}`); "
                          "a restore never changes the schema.")
    busy = [t.name for t in rows.data_tables()
            if conn.scalar(sa.select(sa.literal(1)).select_from(t).limit(1)) is not None]
    if busy and not force:
        raise BackupError(f"The database is not empty: {len(busy)} tables have rows "
                          f"({', '.join(busy[:5])}{', …' if len(busy) > 5 else ''}). Restore "
                          "into an empty database (create it, run `flask db upgrade`), or pass "
                          "--force to delete every row in this one first.")


def _empty(conn):
    """Delete every row (Core statements: the ORM's append-only guards are not involved)."""
    tables = rows.data_tables()
    if conn.dialect.name == "postgresql":
        quote = conn.dialect.identifier_preparer.format_table
        conn.exec_driver_sql(f"TRUNCATE TABLE {', '.join(quote(t) for t in tables)} "
                             "RESTART IDENTITY")
    else:
        for table in reversed(tables):
            conn.execute(table.delete())


def _batches(lines, size):
    iterator = iter(lines)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert_tables(conn, zipped, manifest, progress):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # until commit: self-references
    tables = rows.data_tables()
    counts = {e["name"]: e["rows"] for e in manifest["tables"]}
    progress.start("Restoring tables", sum(counts[t.name] for t in tables))
    for index, table in enumerate(tables, 1):
        decode = rows.decoder(table)
        with zipped.open(archive.table_member(table.name)) as member:
            for batch in _batches(member, CHUNK_ROWS):
                _insert(conn, table, [decode(line) for line in batch])
                progress.advance(f"{index}/{len(tables)} {table.name}", len(batch))
    progress.finish()


def _insert(conn, table, values):
    try:
        conn.execute(table.insert(), values)
    except sa.exc.DBAPIError as error:
        raise BackupError(f"Restoring table {table.name} failed, so nothing was restored: "
                          f"{error.orig}") from error


def reset_sequences(conn):
    """PostgreSQL: set every serial/identity sequence past the largest restored id."""
    preparer = conn.dialect.identifier_preparer
    for table in rows.data_tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        quoted = preparer.format_table(table)
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                               {"table": quoted, "column": keys[0].name})
        if sequence:
            conn.execute(sa.text(
                f"SELECT setval(CAST(:sequence AS regclass), COALESCE((SELECT MAX("
                f"{preparer.quote(keys[0].name)}) FROM {quoted}), 0) + 1, false)"),
                {"sequence": sequence})


def _restore_files(zipped, manifest, root, progress):
    progress.start("Restoring files", len(manifest["files"]))
    for entry in manifest["files"]:
        target = archive.safe_path(root, entry["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        with zipped.open(archive.file_member(entry["path"])) as source, open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink, archive.COPY_BYTES)
        os.replace(partial, target)
        progress.advance(entry["path"], 1)
    progress.finish()


def verify(engine, manifest, root, progress=None):
    """Read every table and file back and compare with the manifest; BackupError on a difference."""
    progress = progress or Progress()
    expected = {e["name"]: (e["rows"], e["sha256"]) for e in manifest["tables"]}
    progress.start("Verifying tables", sum(n for n, _sha in expected.values()))
    found = {}
    with engine.connect() as conn:
        for table in rows.tables():
            digest = rows.Digest()
            for chunk in rows.encoded_chunks(conn, table):
                for line in chunk:
                    digest.add(line)
                progress.advance(table.name, len(chunk))
            found[table.name] = (digest.rows, digest.sha256)
    progress.finish()
    differ = [f"table {name}: {found.get(name, (0, ''))[0]} rows, expected {count}"
              for name, (count, sha) in expected.items() if found.get(name) != (count, sha)]
    differ += [f"file {e['path']}" for e in manifest["files"]
               if not _file_matches(root, e)]
    if differ:
        raise BackupError("The restored data does not match the backup: " + "; ".join(differ[:10]))
    return Summary(tables=len(expected), rows=sum(n for n, _sha in expected.values()),
                   files=len(manifest["files"]), bytes=sum(e["size"] for e in manifest["files"]))


def _file_matches(root, entry):
    path = archive.safe_path(root, entry["path"])
    return path.is_file() and archive.sha256_of(path) == (entry["size"], entry["sha256"])
