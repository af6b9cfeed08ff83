"""`flask demo load` and `flask demo logins`: the demo district loads once and its logins work."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import roles
from propmgmt.audit import AuditEntry
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.auth.services import authenticate
from propmgmt.auth.services import find_user
from propmgmt.communities import modes
from propmgmt.communities import people
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

DEMO_NAMES = [spec.name for spec in data.COMMUNITIES]
COUNTED = (Community, ModeChange, Building, Dwelling, Person, Occupancy, Organization,
           PropertyCompany, ServiceContract, User, Membership, AuditEntry)


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


def test_load_builds_the_district_and_every_login_works(app):
    assert demo_communities() == []  # another test's load was rolled back
    result = run(app, "load")
    assert result.exit_code == 0, result.output
    assert "Loading 和平里小区 (professional): 3 buildings, 96 dwellings" in result.output
    # The CLI wrote through the test's rolled-back transaction: nothing is visible outside it.
    with db.engine.connect() as other:
        assert demo_communities(other) == []

    communities = demo_communities()
    ids = [c.id for c in communities]
    assert len(communities) >= 4
    assert {c.management_mode for c in communities} == set(modes.ALL)
    assert all(c.district == data.DISTRICT for c in communities)
    assert count(Building, Building.community_id.in_(ids)) >= 10
    assert 250 <= count(Dwelling, Dwelling.community_id.in_(ids)) <= 400
    assert db.session.scalar(sa.select(sa.func.min(Dwelling.area_x100))) >= 4000
    assert db.session.scalar(sa.select(sa.func.max(Dwelling.area_x100))) <= 9500
    assert count(Dwelling, ~Dwelling.occupancies.any(Occupancy.kind == "owner")) == 0
    assert count(Occupancy, Occupancy.kind == "tenant") >= 4
    assert any(len(c.mode_changes) > 1 for c in communities)

    professional = next(c for c in communities if c.management_mode == modes.PROFESSIONAL)
    contract = db.session.scalar(sa.select(ServiceContract).where(
        ServiceContract.community_id == professional.id))
    assert contract.in_force_on(dt.date(2026, 6, 1)) and contract.fee_fen_per_m2 > 0
    assert count(Organization, Organization.community_id == professional.id) == 4

    for username in data.USERNAMES:
        assert authenticate(username, data.PASSWORD) is not None, username
    assert authenticate("owner", "wrong-password") is None
    owner = find_user("owner")
    assert [d.label for d, _kind in people.dwellings_of(owner, professional.id)] == [
        "1-502", "3-201"]
    assert len(find_user("secretary").community_ids()) >= 2
    assert find_user("supervisor").community_ids() == set(ids)
    assert find_user("admin").is_admin
    assert find_user("tenant").roles_in(professional.id) == {roles.RESIDENT}
    assert not find_user("manager").must_change_password


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
