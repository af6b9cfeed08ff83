"""Backup and restore (RELIABILITY B1/B2): a committed world is backed up and restored into an
empty database; every row, file and balance comes back, and bad restores change nothing.

The databases are real and separate from the rolled-back test database (see conftest.py): SQLite
files, or on the PostgreSQL pass databases created on that server and dropped afterwards.
"""
import hashlib
import json
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from propmgmt.backup import BackupError
from propmgmt.backup import Progress
from propmgmt.backup import archive
from propmgmt.backup import restore
from propmgmt.backup import rows
from propmgmt.billing import payments
from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Payment
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.db import utcnow
from tests import realdb
from tests.backup.conftest import Databases
from tests.backup.conftest import World
from tests.backup.conftest import build_world
from tests.backup.conftest import committing
from tests.backup.conftest import engine_of
from tests.backup.conftest import files_in
from tests.backup.conftest import money_of
from tests.backup.conftest import table_rows
from tests.backup.conftest import uploads_of
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory


# --- round trip --------------------------------------------------------------------------------

def assert_same_world(world, target):
    source_rows, target_rows = table_rows(world.app), table_rows(target)
    assert source_rows.keys() == target_rows.keys() == {t.name for t in rows.tables()}
    for name, found in source_rows.items():
        assert target_rows[name] == found, name
    source_files = files_in(Path(uploads_of(world.app)))
    assert files_in(Path(uploads_of(target))) == source_files
    assert money_of(target, world.dwelling_id) == money_of(world.app, world.dwelling_id)
    return source_rows, source_files


def test_restore_into_an_empty_database_brings_back_every_row_file_and_balance(world, databases):
    target = databases.app("roundtrip")
    summary = restore.restore_backup(world.archive, engine=engine_of(target),
                                     upload_dir=uploads_of(target))
    source_rows, source_files = assert_same_world(world, target)
    counts = {t["name"]: t["rows"] for t in world.manifest["tables"]}
    assert counts == {name: len(found) for name, found in source_rows.items()}
    assert world.manifest["other_tables"] == []
    for table in ("ledger_entry", "payment", "refund", "ticket_photo", "ballot",
                  "renovation_report", "inspection_finding", "audit_entry", "alembic_version"):
        assert counts[table] > 0, table
    assert {f["path"].split("/")[0] for f in world.manifest["files"]} == {"tickets", "renovation"}
    assert len(source_files) >= 3  # the ticket's photo, the inspection's photo, the report
    credit, open_fen, ledger = money_of(target, world.dwelling_id)
    assert credit >= 0 and open_fen > 0 and sum(ledger.values()) == 0
    with engine_of(target).connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert (summary.tables, summary.rows, summary.files) == (
        len(counts), sum(counts.values()), len(source_files))
    filled = sum(1 for found in source_rows.values() if found)
    print(f"\nbackup/restore ({world.manifest['dialect']}): {summary.tables} tables "
          f"({filled} with rows), {summary.rows} rows, {summary.files} files "
          f"({summary.bytes} bytes) equal; dwelling balance {open_fen} fen open, {credit} fen "
          f"credit; ledger {ledger}; restore {summary.seconds:.2f} s")


def test_the_restored_database_takes_new_rows(world, databases):
    target = databases.app("writable")
    restore.restore_backup(world.archive, engine=engine_of(target), upload_dir=uploads_of(target))
    with committing(target):
        home = db.session.get(Dwelling, world.dwelling_id)
        largest = db.session.scalar(sa.select(sa.func.max(Payment.id)))
        payment = payments.record_payment(dwelling=home, amount_fen=100, method="cash",
                                          reference="after-restore")
        assert payment.id == largest + 1


def invoke(app, *args):
    """Run `flask ARGS` against this app (its own context first: the test's app context, pushed
    by the rolled-back session fixture, would otherwise be the one the command sees)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_the_commands_back_up_refuse_a_second_restore_and_force_one(world, databases,
                                                                     tmp_path):
    path = tmp_path / "cli.zip"
    result = invoke(world.app, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    rows_total = sum(t["rows"] for t in world.manifest["tables"])
    assert (f"Backed up {len(world.manifest['tables'])} tables ({rows_total} rows) and "
            f"{len(world.manifest['files'])} files") in result.output
    assert path.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    again = invoke(world.app, "backup", "create", str(path))
    assert again.exit_code == 1 and "already exists; choose a new file name" in again.output
    target = databases.app("cli")
    result = invoke(target, "backup", "restore", str(path))
    assert result.exit_code == 0, result.output
    assert f"Restored {len(world.manifest['tables'])} tables, {rows_total} rows" in result.output
    assert "every row count, table checksum and file checksum matches" in result.output
    refused = invoke(target, "backup", "restore", str(path))
    assert refused.exit_code == 1 and "The database is not empty" in refused.output
    assert "--force" in refused.output
    # --force deletes every row with Core statements: the ORM's append-only guards on the
    # ledger, bills, refunds and audit entries do not fire; the result is the same world again.
    forced = invoke(target, "backup", "restore", "--force", str(path))
    assert forced.exit_code == 0, forced.output
    assert_same_world(world, target)


# --- refusals ----------------------------------------------------------------------------------

def test_restore_into_a_non_empty_database_is_refused_and_changes_nothing(world, databases):
    target = databases.app("busy")
    with committing(target):
        CommunityFactory(name="Already here")
        db.session.commit()
    before = table_rows(target)
    with pytest.raises(BackupError, match="The database is not empty: 2 tables have rows "
                                          r"\(community, mode_change\)"):
        restore.restore_backup(world.archive, engine=engine_of(target),
                               upload_dir=uploads_of(target))
    assert table_rows(target) == before
    assert files_in(Path(uploads_of(target))) == {}


def test_restore_needs_the_same_schema_revision(world, databases):
    unmigrated = databases.app("unmigrated", migrate=False)
    with pytest.raises(BackupError, match="no schema: run `flask db upgrade` first"):
        restore.restore_backup(world.archive, engine=engine_of(unmigrated),
                               upload_dir=uploads_of(unmigrated))
    older = databases.app("older")
    with engine_of(older).begin() as conn:
        conn.execute(sa.update(rows.ALEMBIC).values(version_num="0001"))
    revision = world.manifest["alembic_revision"]
    with pytest.raises(BackupError, match=f"at revision 0001, the backup at {revision}"):
        restore.restore_backup(world.archive, engine=engine_of(older), upload_dir=uploads_of(older),
                               force=True)


def rewrite(source, target, change):
    """Copy a zip archive, passing each member through change(name, data) -> [(name, data)]."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            for name, data in change(info.filename, old.read(info.filename)):
                new.writestr(name, data)
    return target


def assert_untouched(target):
    """Still an empty, migrated database and an empty upload folder."""
    assert [name for name, found in table_rows(target).items() if found] == ["alembic_version"]
    assert files_in(Path(uploads_of(target))) == {}


def test_a_corrupted_archive_is_refused(world, empty, tmp_path):
    def alter_a_payment(name, data):
        if name == "tables/payment.jsonl":
            data = data.replace(b'"amount_fen":5000', b'"amount_fen":50000', 1)
        return [(name, data)]

    damaged = rewrite(world.archive, tmp_path / "damaged.zip", alter_a_payment)
    target = empty
    with pytest.raises(BackupError, match="The archive is damaged: table payment"):
        restore.restore_backup(damaged, engine=engine_of(target), upload_dir=uploads_of(target))
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(world.archive.read_bytes()[: world.archive.stat().st_size // 2])
    with pytest.raises(BackupError, match="damaged or not a backup archive"):
        restore.restore_backup(truncated, engine=engine_of(target), upload_dir=uploads_of(target))
    assert_untouched(target)


@pytest.mark.parametrize("bad", ["../escaped.txt", "tickets/../../escaped.txt", "/tmp/escaped.txt",
                                 "..\\escaped.txt", "tickets/./x.txt", ""])
def test_a_path_escaping_the_upload_folder_is_refused(world, empty, tmp_path, bad):
    payload = b"should never be written"

    def smuggle(name, data):
        if name != archive.MANIFEST:
            return [(name, data)]
        manifest = json.loads(data)
        manifest["files"].append({"path": bad, "size": len(payload),
                                  "sha256": hashlib.sha256(payload).hexdigest()})
        return [(name, json.dumps(manifest)), (archive.file_member(bad), payload)]

    evil = rewrite(world.archive, tmp_path / "evil.zip", smuggle)
    target = empty
    with pytest.raises(BackupError, match="Refusing the file path"):
        restore.restore_backup(evil, engine=engine_of(target), upload_dir=uploads_of(target))
    assert_untouched(target)
    assert not (Path(uploads_of(target)).parent / "escaped.txt").exists()


# --- consistency -------------------------------------------------------------------------------

class WriteDuringBackup(Progress):
    """Commits new rows from another connection once the backup has started reading."""

    def __init__(self, engine, community_id):
        self.engine, self.community_id, self.wrote = engine, community_id, False

    def advance(self, label, count):
        if self.wrote:
            return
        self.wrote = True
        with self.engine.begin() as conn:  # community was read already, ledger_entry not yet
            conn.execute(sa.insert(LedgerEntry.__table__), [
                {"community_id": self.community_id, "account": account, "amount_fen": amount,
                 "memo": "during backup", "at": utcnow()}
                for account, amount in (("cash", 700), ("receivable", -700))])
            conn.execute(sa.insert(db.metadata.tables["community"]).values(
                name="Founded during backup", district="Dongcheng", timezone="Asia/Shanghai",
                created_at=utcnow()))


def test_a_backup_taken_while_the_app_writes_is_one_snapshot(databases, tmp_path):
    live = databases.app("live")
    with committing(live):
        estate = make_estate()
        payments.record_payment(dwelling=estate.dwellings[0], amount_fen=900, method="cash",
                                reference="R-9")
        community_id = estate.community.id
    before = {name: len(found) for name, found in table_rows(live).items()}
    writer = WriteDuringBackup(engine_of(live), community_id)
    started = time.monotonic()
    manifest = archive.create_backup(tmp_path / "live.zip", engine=engine_of(live),
                                     upload_dir=uploads_of(live), progress=writer)
    after = {name: len(found) for name, found in table_rows(live).items()}
    assert writer.wrote and after["ledger_entry"] == before["ledger_entry"] + 2
    assert after["community"] == before["community"] + 1
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == before
    copy = databases.app("live-copy")
    summary = restore.restore_backup(tmp_path / "live.zip", engine=engine_of(copy),
                                     upload_dir=uploads_of(copy))
    assert {name: len(found) for name, found in table_rows(copy).items()} == before
    print(f"\nsnapshot ({manifest['dialect']}): 3 rows committed during the backup, none in it; "
          f"{summary.rows} rows restored; {time.monotonic() - started:.2f} s")


# --- PostgreSQL --------------------------------------------------------------------------------

@realdb.postgresql_only
def test_postgresql_sequences_continue_after_restore_and_a_sqlite_backup_restores(
        world, databases, tmp_path):
    target = databases.app("sequences")
    restore.restore_backup(world.archive, engine=engine_of(target), upload_dir=uploads_of(target))
    checked = 0
    serial = [(t, key) for t in rows.data_tables() for key in t.primary_key.columns
              if len(t.primary_key.columns) == 1 and isinstance(key.type, sa.Integer)]
    assert serial
    with engine_of(target).connect() as conn:
        for table, key in serial:
            sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {
                "t": conn.dialect.identifier_preparer.format_table(table), "c": key.name})
            assert sequence, table.name
            largest = conn.scalar(sa.select(sa.func.max(key))) or 0
            assert conn.execute(sa.text(f"SELECT last_value, is_called FROM {sequence}")).one() \
                == (largest + 1, False), table.name
            checked += 1
    sqlite = Databases(tmp_path, base_url=None)
    try:
        source = sqlite.app("sqlite-source")
        with committing(source):
            dwelling_id = build_world()
        path = tmp_path / "from-sqlite.zip"
        manifest = archive.create_backup(path, engine=engine_of(source),
                                         upload_dir=uploads_of(source))
        assert manifest["dialect"] == "sqlite"
        crossed = databases.app("from-sqlite")
        restore.restore_backup(path, engine=engine_of(crossed), upload_dir=uploads_of(crossed))
        assert_same_world(World(source, dwelling_id, path, manifest), crossed)
    finally:
        sqlite.close()
    print(f"\npostgresql: {checked} sequences past max(id); SQLite backup restored into "
          "PostgreSQL with every row equal")
