"""`flask backup create|restore FILE`: the database and the uploaded files in one archive."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from propmgmt.backup import BackupError
from propmgmt.backup import Progress

backup_cli = AppGroup("backup", help="Back up and restore every table and uploaded file.")


class ProgressBars(Progress):
    """On a terminal, one progress bar per phase labelled with the table (n/total) at work;
    otherwise (cron, logs) one line per finished phase."""

    def __init__(self):
        self.stream = sys.stderr  # progress to stderr: stdout keeps only the result line
        self.bar = None
        self.phase = None

    def start(self, phase, total):
        self.finish()
        self.phase, self.total, self.done = phase, total, 0
        if self.stream.isatty():
            self.bar = click.progressbar(length=max(total, 1), label=phase, show_pos=True,
                                         file=self.stream)
            self.bar.__enter__()

    def advance(self, label, count):
        self.done += count
        if self.bar is not None:
            self.bar.label = f"{self.phase}: {label}"
            self.bar.update(count)

    def finish(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        elif self.phase is not None:
            click.echo(f"{self.phase}: {self.done} of {self.total} done.", file=self.stream)
        self.phase = None


def _run(work):
    progress = ProgressBars()
    try:
        return work(progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        progress.finish()


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False))
def create_command(file):
    """Write every table (one consistent snapshot) and every uploaded file to FILE (a zip)."""
    from propmgmt.backup import archive  # noqa: PLC0415
    from propmgmt.db import db  # noqa: PLC0415

    manifest = _run(lambda progress: archive.create_backup(
        file, engine=db.engine, upload_dir=current_app.config["UPLOAD_DIR"], progress=progress))
    tables = manifest["tables"]
    click.echo(f"Backed up {len(tables)} tables ({sum(t['rows'] for t in tables)} rows) and "
               f"{len(manifest['files'])} files ({sum(f['size'] for f in manifest['files'])} "
               f"bytes) from {manifest['dialect']} at revision {manifest['alembic_revision']} "
               f"to {file}.")
    if manifest["other_tables"]:
        click.echo(f"Not backed up (not tables of the app): {', '.join(manifest['other_tables'])}.",
                   err=True)


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Delete every row in the database first (it must still be at the backup's "
                   "revision).")
def restore_command(file, force):
    """Restore FILE into an empty database at the backup's revision (run `flask db upgrade`
    first) and its files into the upload folder; then check every row count and checksum."""
    from propmgmt.backup import restore  # noqa: PLC0415
    from propmgmt.db import db  # noqa: PLC0415

    summary = _run(lambda progress: restore.restore_backup(
        file, engine=db.engine, upload_dir=current_app.config["UPLOAD_DIR"], force=force,
        progress=progress))
    click.echo(f"Restored {summary} from {file} in {summary.seconds:.1f} s; every row count, "
               "table checksum and file checksum matches the backup.")
