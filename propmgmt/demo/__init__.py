"""`flask demo load` and `flask demo logins`: the demo district (data in `propmgmt.demo.data`)."""
import time
import unicodedata

import click
from flask.cli import AppGroup

from propmgmt.demo import data
from propmgmt.demo import loader
from propmgmt.errors import DomainError

demo_cli = AppGroup("demo", help="Load the demo district and print its logins.")


@demo_cli.command("load")
def load():
    """Load the demo data once (running it again changes nothing)."""
    state = loader.state()
    if state.loaded:
        click.echo("Demo data already loaded.")
        if not state.complete:
            click.echo(f"Warning: found {', '.join(state.present)} but no record of a finished "
                       "demo load (an earlier load was interrupted, or these communities were "
                       "made by hand), so nothing was loaded. For a fresh demo, delete the "
                       "database (e.g. instance/propmgmt.sqlite3), then run `flask db upgrade` "
                       "and `flask demo load`.", err=True)
        return
    started = time.perf_counter()
    try:
        loaded, users = loader.load(echo=click.echo)
    except DomainError as error:
        details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
        raise click.ClickException("Loading the demo failed: "
                                   + " ".join(filter(None, [error.message, details]))) from error
    dwellings = sum(len(c.dwellings) for c in loaded.values())
    buildings = sum(len(c.buildings) for c in loaded.values())
    tickets = sum(len(c.tickets) for c in loaded.values())
    click.echo(f"Demo data loaded in {time.perf_counter() - started:.1f} s: {len(loaded)} "
               f"communities, {buildings} buildings, {dwellings} dwellings, "
               f"{tickets} tickets, {len(users)} logins.")
    click.echo("See the logins with `flask --app propmgmt demo logins`.")


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def format_table(header, rows):
    """A plain text table whose columns line up with Chinese (double-width) text too."""
    widths = [max(_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(_pad(str(cell), w) for cell, w in zip(line, widths, strict=True)).rstrip()
                     for line in lines)


@demo_cli.command("logins")
def logins():
    """Print the demo logins."""
    rows = loader.login_rows()
    if not rows:
        click.echo("The demo data is not loaded; run `flask --app propmgmt demo load`.")
        return
    click.echo(f"Demo logins: a local demo, every account uses the password {data.PASSWORD} "
               "(never use these accounts on a real server).")
    click.echo("")
    click.echo(format_table(("username", "password", "role(s)", "community"), rows))
