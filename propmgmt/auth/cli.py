"""`flask users ...`: create users and grant or revoke their roles."""
import click
from flask.cli import AppGroup

from propmgmt import roles
from propmgmt.auth import services
from propmgmt.communities import services as community_services
from propmgmt.errors import DomainError

users_cli = AppGroup("users", help="Create users and manage their roles.")


def _fail(error):
    details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in (error.fields or {}).items())
    raise click.ClickException(" ".join(filter(None, [error.message, details])) or str(error))


def _target(community, dwelling):
    found = community_services.find_community(community) if community else None
    unit = community_services.get_dwelling_by_label(found, dwelling) if dwelling and found else None
    if dwelling and not found:
        raise click.UsageError("--dwelling needs --community")
    return found, unit


role_option = click.option("--role", type=click.Choice(roles.ALL), help="Role to grant.")
community_option = click.option("--community", "community", metavar="NAME_OR_ID")
dwelling_option = click.option("--dwelling", metavar="BUILDING-DWELLING",
                               help="Bind a resident to this dwelling, e.g. 3-502.")
occupancy_option = click.option("--occupancy", type=click.Choice(list(roles.OCCUPANCY_KINDS)),
                                default="owner", show_default=True)


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", help="Leave out to generate a one-time password.")
@click.option("--name", "display_name")
@click.option("--phone")
@role_option
@community_option
@dwelling_option
@occupancy_option
def create(username, password, display_name, phone, role, community, dwelling, occupancy):
    """Create a user, optionally with a role in a community."""
    one_time = password is None
    password = password or services.one_time_password()
    try:
        found, unit = _target(community, dwelling)
        user = services.create_user(username=username, password=password, display_name=display_name,
                                    phone=phone, role=role, community=found, dwelling=unit,
                                    occupancy=occupancy, must_change_password=one_time)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created user {user.username}" + (f" ({role} in {found.name})" if found else ""))
    if one_time:
        click.echo(f"One-time password (shown once): {password}")


@users_cli.command("grant")
@click.argument("username")
@role_option
@community_option
@dwelling_option
@occupancy_option
def grant(username, role, community, dwelling, occupancy):
    """Give USERNAME a role in a community."""
    if not role:
        raise click.UsageError("--role is required")
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    try:
        found, unit = _target(community, dwelling)
        created = services.grant_role(user=user, role=role, community=found, dwelling=unit,
                                      occupancy=occupancy)
    except DomainError as error:
        _fail(error)
    where = f" in {found.name}" if found else ""
    click.echo(f"{'Granted' if created else 'Already held'}: {user.username} {role}{where}"
               + (f", {occupancy} of {unit.label}" if unit else ""))


@users_cli.command("revoke")
@click.argument("username")
@role_option
@community_option
def revoke(username, role, community):
    """Take a role away from USERNAME."""
    if not role:
        raise click.UsageError("--role is required")
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    try:
        found = community_services.find_community(community) if community else None
        services.revoke_role(user=user, role=role, community=found)
    except DomainError as error:
        _fail(error)
    click.echo(f"Revoked: {user.username} {role}" + (f" in {found.name}" if found else ""))
