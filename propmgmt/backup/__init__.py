"""Backup and restore: one zip archive holding a manifest, every table as JSON lines in
primary-key order, and every uploaded file; database-neutral (SQLite and PostgreSQL).

`archive.create_backup` writes one (from a consistent snapshot, see `snapshot`), `restore.
restore_backup` loads one into an empty database at the same Alembic revision, and `cli` wires
both to `flask backup create|restore FILE`.
"""

FORMAT = "propmgmt-backup"
FORMAT_VERSION = 1
CHUNK_ROWS = 1000


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


class Progress:
    """What a long step reports: a phase with its total, then counts done. Ignored by default;
    the CLI draws it as progress bars."""

    def start(self, phase, total):
        pass

    def advance(self, label, count):
        pass

    def finish(self):
        pass
