"""`flask demo load` and `flask demo logins`: the demo district."""
import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Load the demo district and print its logins.")


@demo_cli.command("load")
def load():
    """Load the demo data once (running it again changes nothing)."""
    click.echo("demo data: not implemented yet")


@demo_cli.command("logins")
def logins():
    """Print the demo logins."""
