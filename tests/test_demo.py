"""`flask demo load` and `flask demo logins`: the demo district loads once and its logins work."""

import sqlalchemy as sa

from propmgmt.audit import AuditEntry
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.auth.services import find_user
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import ModeChange
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Organization
from propmgmt.communities.models import Person
from propmgmt.communities.models import PropertyCompany
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from propmgmt.demo import data
from propmgmt.notifications.models import Notification
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent
from tests.factories import UserFactory

DEMO_NAMES = [spec.name for spec in data.COMMUNITIES]
COUNTED = (Community, ModeChange, Building, Dwelling, Person, Occupancy, Organization,
           PropertyCompany, ServiceContract, User, Membership, AuditEntry, Ticket, TicketEvent,
           TicketBreach, Notification)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["demo", *args])


def demo_communities(connection=None):
    stmt = sa.select(Community).where(Community.name.in_(DEMO_NAMES))
    if connection is not None:
        return connection.execute(stmt).all()
    return db.session.scalars(stmt).all()


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def counts():
    return {model.__name__: count(model) for model in COUNTED}


def test_load_runs_once_and_logins_lists_every_account(app):
    assert demo_communities() == []
    result = run(app, "logins")
    assert result.exit_code == 0 and "not loaded" in result.output

    assert run(app, "load").exit_code == 0
    before = counts()
    again = run(app, "load")
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Demo data already loaded."
    assert counts() == before

    result = run(app, "logins")
    assert result.exit_code == 0, result.output
    assert data.PASSWORD in result.output
    lines = result.output.splitlines()
    for username in data.USERNAMES:
        assert any(line.split()[:2] == [username, data.PASSWORD] for line in lines), username
    assert "resident (owner of 1-502, 3-201)" in result.output



def test_tickets_leave_out_what_needs_an_account_the_demo_did_not_make(app):
    UserFactory(username="tech")
    UserFactory(username="rescom")
    result = run(app, "load")
    assert result.exit_code == 0, result.output
    tech = find_user("tech")
    assert count(Ticket, Ticket.assignee_id == tech.id) == 0
    assert count(Ticket) >= 40


