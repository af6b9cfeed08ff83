"""`flask communities ...`: create a community and import its roster."""
import click
from flask.cli import AppGroup

from propmgmt.communities import modes
from propmgmt.communities import roster
from propmgmt.communities import services
from propmgmt.errors import DomainError

communities_cli = AppGroup("communities", help="Create communities and import rosters.")


def fail(error):
    """Turn a domain error into a CLI error listing every field message."""
    lines = [error.message] if error.message else []
    for field, messages in (error.fields or {}).items():
        lines.extend(f"{field}: {m}" for m in messages)
    raise click.ClickException("\n".join(lines) or str(error))


@communities_cli.command("create")
@click.argument("name")
@click.option("--district", required=True)
@click.option("--mode", required=True, type=click.Choice(modes.ALL))
@click.option("--address")
def create(name, district, mode, address):
    """Create community NAME in DISTRICT under management MODE."""
    try:
        community = services.create_community(name=name, district=district, mode=mode,
                                              address=address)
    except DomainError as error:
        fail(error)
    click.echo(f"Created community {community.name} (id {community.id}, {mode}).")


@communities_cli.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_(name, file):
    """Import a roster FILE (.csv or .xlsx) into community NAME: all rows or none."""
    try:
        community = services.find_community(name)
        with open(file, "rb") as stream, click.progressbar(length=100, label="Importing") as bar:
            result = roster.import_roster(community=community, stream=stream, filename=file,
                                          progress=lambda done, total: bar.update(
                                              int(100 * done / max(total, 1)) - bar.pos))
    except DomainError as error:
        fail(error)
    click.echo(f"Imported {result.rows} rows into {community.name}: "
               f"{result.buildings_created} new buildings, {result.dwellings_created} new "
               f"dwellings, {result.owners_linked} owners linked.")
    if not (result.buildings_created or result.dwellings_created or result.owners_linked
            or result.accounts):
        click.echo("Nothing new: every row was already in the community.")
    for username, password in result.accounts:
        click.echo(f"  account {username}  one-time password: {password}")
