"""`flask monitoring indicators --period YYYY-MM`: the monthly indicator run by hand."""
import click

from propmgmt.monitoring.cli import monitoring_cli


@monitoring_cli.command("indicators")
@click.option("--period", metavar="YYYY-MM",
              help="The month to compute (default: this month; a past month is recomputed).")
def indicators_command(period):
    """Compute and store every community's indicators for a month and raise its alerts
    (idempotent: run it again and the figures are recomputed, no alert is raised twice)."""
    from propmgmt.errors import Invalid  # noqa: PLC0415
    from propmgmt.monitoring import indicators  # noqa: PLC0415

    period = period or indicators.this_month()
    try:
        indicators.run(period, echo=click.echo)
    except Invalid as error:
        raise click.BadParameter(" ".join(error.fields["period"]), param_hint="--period") \
            from None
