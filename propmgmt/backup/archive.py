"""The backup archive: a zip holding manifest.json, tables/<table>.jsonl and files/<path>.

The manifest names the format and its version, when and from which dialect the backup was taken,
the Alembic revision, each table with its columns, row count and sha256, and each uploaded file
(path under UPLOAD_DIR, size, sha256). Writing goes to FILE.partial (mode 0600: the archive holds
password hashes) and becomes FILE only when complete.
"""
import contextlib
import hashlib
import json
import os
import time
import zipfile
from pathlib import Path
from pathlib import PurePosixPath

import sqlalchemy as sa

from propmgmt.backup import CHUNK_ROWS
from propmgmt.backup import FORMAT
from propmgmt.backup import FORMAT_VERSION
from propmgmt.backup import BackupError
from propmgmt.backup import Progress
from propmgmt.backup import rows
from propmgmt.backup import snapshot
from propmgmt.db import utcnow

MANIFEST = "manifest.json"
COPY_BYTES = 1 << 20


def table_member(name):
    return f"tables/{name}.jsonl"


def file_member(path):
    return f"files/{path}"


def create_backup(path, *, engine, upload_dir, progress=None):
    """Write one archive of every table (one consistent snapshot) and every uploaded file."""
    progress = progress or Progress()
    path, root = Path(path), Path(upload_dir)
    _check_destination(path, root)
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{partial} exists: another backup is running, or one failed (then "
                          "delete it).") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            manifest = _write_archive(stream, engine, root, progress)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _check_destination(path, root):
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if root.is_dir() and path.parent.resolve().is_relative_to(root.resolve()):
        raise BackupError(f"Write the backup outside the upload folder {root}.")


def _write_archive(stream, engine, root, progress):
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": utcnow().isoformat(), "dialect": engine.dialect.name}
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with snapshot.read_snapshot(engine) as conn:
            manifest["other_tables"] = _other_tables(conn)
            manifest["alembic_revision"] = revision_of(conn)
            manifest["tables"] = _write_tables(archive, conn, progress)
        # Files after the rows: a file is stored before its row commits, so every file the
        # snapshot names is already on disk (later uploads may come along; they do no harm).
        manifest["files"] = _write_files(archive, root, progress)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _other_tables(conn):
    """Refuse a database without the app's tables; name the tables it has beyond them (they are
    not the app's, so not backed up)."""
    present = set(sa.inspect(conn).get_table_names())
    ours = {t.name for t in rows.tables()}
    missing = sorted(ours - present)
    if missing:
        raise BackupError("The database schema is not complete (missing: "
                          f"{', '.join(missing[:5])}): run `flask db upgrade` first.")
    return sorted(present - ours - {"sqlite_sequence"})


def revision_of(conn):
    """The Alembic revision the database is at (heads joined by commas), or None."""
    heads = sorted(conn.scalars(sa.select(rows.ALEMBIC.c.version_num)))
    return ",".join(heads) or None


def _write_tables(archive, conn, progress):
    todo = rows.tables()
    progress.start("Backing up tables", sum(rows.count_rows(conn, t) for t in todo))
    entries = []
    for index, table in enumerate(todo, 1):
        digest = rows.Digest()
        info = zipfile.ZipInfo(table_member(table.name), time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            for chunk in rows.encoded_chunks(conn, table):
                for line in chunk:
                    digest.add(line)
                member.write(b"".join(chunk))
                progress.advance(f"{index}/{len(todo)} {table.name}", len(chunk))
        entries.append({"name": table.name, "columns": [c.name for c in table.columns],
                        "rows": digest.rows, "sha256": digest.sha256})
    progress.finish()
    return entries


def uploaded_files(root):
    """Relative POSIX paths of the regular files under root (symbolic links are not followed)."""
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def _write_files(archive, root, progress):
    found = uploaded_files(root)
    progress.start("Backing up files", len(found))
    entries = []
    for relative in found:
        info = zipfile.ZipInfo.from_file(root / relative, file_member(relative))
        info.compress_type = zipfile.ZIP_STORED  # photos and documents are compressed already
        sha, size = hashlib.sha256(), 0
        with open(root / relative, "rb") as source, archive.open(info, "w") as member:
            while block := source.read(COPY_BYTES):
                sha.update(block)
                size += len(block)
                member.write(block)
        entries.append({"path": relative, "size": size, "sha256": sha.hexdigest()})
        progress.advance(relative, 1)
    progress.finish()
    return entries


def sha256_of(path):
    """(size, sha256 hex) of a file on disk."""
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while block := stream.read(COPY_BYTES):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


# --- reading ---------------------------------------------------------------------------------

@contextlib.contextmanager
def open_archive(path):
    """Yield (zip, manifest) of a backup archive, refusing what is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive, read_manifest(archive)
    except zipfile.BadZipFile as error:
        raise BackupError(f"{path} is damaged or not a backup archive ({error}).") from None


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("The archive has no manifest.json: it is not a propmgmt backup.") from None
    except ValueError:
        raise BackupError("The archive's manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a propmgmt backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"The archive has format version {manifest.get('format_version')}; "
                          f"this version of propmgmt reads version {FORMAT_VERSION}.")
    if not _well_formed(manifest):
        raise BackupError("The archive's manifest.json is incomplete or malformed.")
    return manifest


def _entries_have(entries, keys):
    return isinstance(entries, list) and all(
        isinstance(e, dict) and keys <= e.keys() for e in entries)


def _well_formed(manifest):
    return (_entries_have(manifest.get("tables"), {"name", "columns", "rows", "sha256"})
            and _entries_have(manifest.get("files"), {"path", "size", "sha256"})
            and "alembic_revision" in manifest)


def safe_path(root, relative):
    """Where a file of the archive goes under root; refused when the path could leave root."""
    parts = relative.split("/") if isinstance(relative, str) else [""]
    if (not relative or "\\" in relative or ":" in parts[0] or PurePosixPath(relative).is_absolute()
            or any(part in ("", ".", "..") for part in parts)):
        raise BackupError(f"Refusing the file path {relative!r} in the archive: it is absolute "
                          "or leaves the upload folder.")
    target = Path(root).resolve() / relative
    if not target.resolve().is_relative_to(Path(root).resolve()):
        raise BackupError(f"Refusing the file path {relative!r}: it leads outside the upload "
                          "folder.")
    return target


def check_archive(archive, manifest, root, progress=None):
    """Refuse an archive that does not fit this schema, holds unsafe paths or fails a checksum;
    reads every member once and writes nothing."""
    progress = progress or Progress()
    _check_schema(manifest)
    for entry in manifest["files"]:
        safe_path(root, entry["path"])
    _check_members(archive, manifest)
    _check_tables(archive, manifest, progress)
    _check_files(archive, manifest, progress)


def _check_schema(manifest):
    expected = {t.name: [c.name for c in t.columns] for t in rows.tables()}
    found = {e["name"]: e["columns"] for e in manifest["tables"]}
    differ = sorted(n for n in expected.keys() | found.keys() if expected.get(n) != found.get(n))
    if differ:
        raise BackupError("The archive's tables do not match this version's schema (differ: "
                          f"{', '.join(differ[:8])}); restore it with the version that wrote it.")


def _check_members(archive, manifest):
    expected = {MANIFEST} | {table_member(e["name"]) for e in manifest["tables"]}
    expected |= {file_member(e["path"]) for e in manifest["files"]}
    names = set(archive.namelist())
    if names != expected:
        extra, missing = sorted(names - expected), sorted(expected - names)
        raise BackupError("The archive's contents do not match its manifest (unexpected: "
                          f"{extra[:5]}, missing: {missing[:5]}).")


def _check_tables(archive, manifest, progress):
    progress.start("Checking tables", sum(e["rows"] for e in manifest["tables"]))
    for entry in manifest["tables"]:
        digest = rows.Digest()
        with archive.open(table_member(entry["name"])) as member:
            for line in member:
                digest.add(line)
                if digest.rows % CHUNK_ROWS == 0:
                    progress.advance(entry["name"], CHUNK_ROWS)
        progress.advance(entry["name"], digest.rows % CHUNK_ROWS)
        if (digest.rows, digest.sha256) != (entry["rows"], entry["sha256"]):
            raise BackupError(f"The archive is damaged: table {entry['name']} has "
                              f"{digest.rows} rows and checksum {digest.sha256[:12]}…, the "
                              f"manifest says {entry['rows']} and {entry['sha256'][:12]}….")
    progress.finish()


def _check_files(archive, manifest, progress):
    progress.start("Checking files", len(manifest["files"]))
    for entry in manifest["files"]:
        sha, size = hashlib.sha256(), 0
        with archive.open(file_member(entry["path"])) as member:
            while block := member.read(COPY_BYTES):
                sha.update(block)
                size += len(block)
        if (size, sha.hexdigest()) != (entry["size"], entry["sha256"]):
            raise BackupError(f"The archive is damaged: file {entry['path']} does not match its "
                              "size or checksum in the manifest.")
        progress.advance(entry["path"], 1)
    progress.finish()
