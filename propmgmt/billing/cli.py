"""`flask billing ...`: the billing run by hand (the scheduler runs it on the 1st)."""
import click
from flask.cli import AppGroup

from propmgmt.errors import DomainError

billing_cli = AppGroup("billing", help="Billing runs and payment reconciliation.")


@billing_cli.command("run")
@click.option("--period", required=True, metavar="YYYY-MM")
@click.option("--community", "community_name", metavar="NAME_OR_ID",
              help="Only this community (default: every community).")
def run_command(period, community_name):
    """Bill PERIOD: one line per dwelling x fee item; running it again creates nothing."""
    from propmgmt.billing import run  # noqa: PLC0415
    from propmgmt.communities import services  # noqa: PLC0415
    from propmgmt.communities.cli import fail  # noqa: PLC0415

    try:
        community = services.find_community(community_name) if community_name else None
        with click.progressbar(length=1, label=f"Billing {period}") as bar:
            result = run.run_billing(period=period, community=community)
            bar.update(1)
    except DomainError as error:
        fail(error)
    if result.created:
        click.echo(f"Created {result.created} bill lines for {period}; {result.skipped} existed.")
    else:
        click.echo(f"Nothing to do: all {result.skipped} bill lines for {period} already exist.")


@billing_cli.command("reconcile")
@click.option("--minutes", default=10, show_default=True, type=click.IntRange(min=0),
              help="Ask about online payments still pending after this many minutes.")
def reconcile_command(minutes):
    """Ask the payment provider about pending online payments and apply their final state."""
    from propmgmt.billing import online  # noqa: PLC0415

    click.echo(online.reconcile(older_than_minutes=minutes).summary())
