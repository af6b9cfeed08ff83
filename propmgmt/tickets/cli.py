"""`flask tickets ...`: the escalation job by hand."""
import click
from flask.cli import AppGroup

tickets_cli = AppGroup("tickets", help="Ticket jobs.")


@tickets_cli.command("escalate")
def escalate():
    """Escalate every ticket past its deadline one level (safe to run at any time, twice)."""
    from propmgmt.tickets.escalation import escalate_overdue  # noqa: PLC0415

    click.echo(f"Escalated {escalate_overdue()} missed deadlines.")
