"""`flask tickets ...`: the escalation job by hand."""
import datetime as dt

import click
from flask.cli import AppGroup

tickets_cli = AppGroup("tickets", help="Ticket jobs.")


def _moment(ctx, param, value):
    """An ISO 8601 moment; without an offset it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2025-03-01T08:00:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


@tickets_cli.command("escalate")
@click.option("--now", callback=_moment, metavar="ISO8601",
              help="Judge deadlines as of this moment instead of now (UTC unless it has an offset).")
def escalate(now):
    """Escalate every ticket past its deadline one level (safe to run at any time, twice)."""
    from propmgmt.tickets.escalation import escalate_overdue  # noqa: PLC0415

    click.echo(f"Escalated {escalate_overdue(now=now)} missed deadlines.")
