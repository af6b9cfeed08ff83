"""`flask monitoring plan-inspections [--today YYYY-MM-DD]`: the inspection task run by hand."""
import click

from propmgmt.monitoring.cli import monitoring_cli


@monitoring_cli.command("plan-inspections")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Plan as of this date (default: each community's own date today).")
@click.option("--community", "community_name", metavar="NAME_OR_ID",
              help="Only this community (default: every community).")
def plan_inspections_command(today, community_name):
    """Create the inspection tasks whose period has begun and mark the overdue ones missed
    (idempotent: a second run creates and changes nothing)."""
    from propmgmt.communities import services  # noqa: PLC0415
    from propmgmt.communities.cli import fail  # noqa: PLC0415
    from propmgmt.errors import DomainError  # noqa: PLC0415
    from propmgmt.monitoring import inspections  # noqa: PLC0415

    day = today.date() if today else None
    try:
        community = services.find_community(community_name) if community_name else None
    except DomainError as error:
        fail(error)
    click.echo(f"Planning inspections as of {day.isoformat() if day else 'today'}"
               f"{' in ' + community.name if community else ''}…")
    result = inspections.plan_inspections(today=day, community_id=getattr(community, "id", None))
    click.echo(f"{result.plans} active plans: created {result.created} tasks, "
               f"marked {result.missed} missed.")
