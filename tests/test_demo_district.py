"""What `flask demo load` builds: one load shared by this module's tests (it takes seconds)."""
import datetime as dt
import types

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.services import authenticate
from propmgmt.auth.services import find_user
from propmgmt.billing.models import Bill
from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Payment
from propmgmt.communities import modes
from propmgmt.communities import people
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Organization
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.demo import data
from propmgmt.disclosure.models import Notice
from propmgmt.extensions import limiter
from propmgmt.governance.models import Ballot
from propmgmt.governance.models import Vote
from propmgmt.meetings.models import ActionItem
from propmgmt.meetings.models import Meeting
from propmgmt.meetings.services import local_today
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.notifications.models import Notification
from propmgmt.tickets import deadlines
from propmgmt.tickets import vocab
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent
from propmgmt.tickets.queries import overdue_clause
from tests.conftest import bound_session
from tests.test_demo import count
from tests.test_demo import demo_communities
from tests.test_demo import run


@pytest.fixture(scope="module")
def loaded(app):
    """The demo, loaded once for this module's tests by `flask demo load`, in a transaction that
    is rolled back after the last of them: its connection and the command's result."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        try:
            with bound_session(connection):
                result = run(app, "load")
            assert result.exit_code == 0, result.output
            yield types.SimpleNamespace(connection=connection, result=result)
        finally:
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def session(app, loaded):
    """Each test sees the loaded demo; what it writes is rolled back to a savepoint."""
    connection = loaded.connection
    with app.app_context():
        nested = connection.begin_nested()
        limiter.reset()
        try:
            with bound_session(connection) as bound:
                yield bound
        finally:
            nested.rollback()


def test_load_builds_the_district_and_every_login_works(loaded):
    result = loaded.result
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



def test_load_files_two_months_of_tickets_in_every_status():
    now = utcnow()
    communities = {c.name: c for c in demo_communities()}
    per_community = {name: count(Ticket, Ticket.community_id == c.id,
                                 Ticket.channel != "inspection")  # failed inspections add some
                     for name, c in communities.items()}
    assert all(15 <= n <= 30 for n in per_community.values()), per_community
    assert max(per_community, key=per_community.get) == "和平里小区"

    ids = [c.id for c in communities.values()]
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.community_id.in_(ids))).all()
    assert {t.status for t in tickets} == set(vocab.STATUSES)
    assert {t.kind for t in tickets} == set(vocab.KINDS)
    assert len({t.category for t in tickets if t.kind == vocab.REPAIR}) >= 8
    assert len({t.category for t in tickets if t.kind == vocab.COMPLAINT}) >= 5
    assert {"phone", "walk_in", "hotline_12345", "app"} <= {t.channel for t in tickets}
    assert all(t.external_ref for t in tickets if t.channel == "hotline_12345")
    assert all(now - dt.timedelta(days=61) < t.created_at < now for t in tickets)
    assert any(t.assignee_id == find_user("tech").id for t in tickets)

    # Overdue now, escalated by the job and by hand; the secretary has some.
    assert count(Ticket, Ticket.community_id.in_(ids), overdue_clause(now)) >= 3
    assert all(t.escalations for t in tickets if t.is_overdue(now))
    assert count(TicketEvent, TicketEvent.action == "overdue_escalation") >= 3
    assert count(TicketEvent, TicketEvent.action == "escalate") >= 3
    assert count(TicketBreach) == count(TicketEvent, TicketEvent.action == "overdue_escalation")
    secretary = find_user("secretary")
    assert any(t.handler_kind == modes.PARTY and t.is_open
               and t.community_id in secretary.community_ids() for t in tickets)

    ratings = [t.rating for t in tickets if t.rating is not None]
    assert len(ratings) >= 8 and sum(r >= 4 for r in ratings) > 2 * sum(r <= 3 for r in ratings)
    assert all(t.rating_comment for t in tickets if t.rating is not None and t.rating <= 3)
    assert all(t.status == vocab.CLOSED for t in tickets if t.rating is not None)

    for ticket in tickets:  # back-dated consistently: deadlines, stamps and the timeline
        response, _resolution = deadlines.limits(ticket.community_id, ticket.kind,
                                                 ticket.category, ticket.priority)
        assert ticket.response_due_at == ticket.created_at + dt.timedelta(minutes=response)
        events = db.session.scalars(sa.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
        moments = [e.at for e in events]
        assert moments == sorted(moments), ticket.title
        assert events[0].action == "submit" and moments[0] == ticket.created_at
        assert moments[-1] == ticket.updated_at < now
        if ticket.status == vocab.CLOSED:
            assert ticket.created_at < ticket.closed_at <= ticket.updated_at
        if ticket.rating is not None:
            assert ticket.rated_at == moments[-1]
    assert count(Notification, Notification.created_at > now) == 0



def test_demo_bills_a_year_and_most_dwellings_paid():
    dwellings = db.session.scalar(sa.select(sa.func.count()).select_from(Dwelling))
    bills = db.session.scalar(sa.select(sa.func.count()).select_from(Bill))
    assert bills == dwellings * 12
    paying = db.session.scalar(sa.select(sa.func.count(sa.distinct(Payment.dwelling_id))))
    assert 0.6 * dwellings < paying < dwellings
    assert db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_fen))) == 0



def test_demo_has_an_open_owners_vote_with_paper_ballots():
    vote = db.session.scalars(sa.select(Vote)).one()
    ballots = db.session.scalars(sa.select(Ballot).where(Ballot.vote_id == vote.id)).all()
    assert vote.matter == "ordinary" and len(ballots) > 20
    assert all(b.paper_ref for b in ballots)



def test_demo_posts_notices_and_last_years_disclosure():
    kinds = sorted(db.session.scalars(sa.select(Notice.kind)))
    # the vote's announcement is one of the notices
    assert kinds == ["income_spending", "meeting_minutes", "notice", "notice"]



def test_demo_holds_a_joint_meeting_with_an_overdue_action_item():
    statuses = sorted(db.session.scalars(sa.select(Meeting.status)))
    assert statuses == ["held", "scheduled"]
    held = db.session.scalar(sa.select(Meeting).where(Meeting.status == "held"))
    assert held.minutes_notice_id is not None
    items = db.session.scalars(sa.select(ActionItem)).all()
    today = local_today(held.community)
    assert sorted(i.status for i in items) == ["done", "open", "open"]
    assert [i.title for i in items if i.is_overdue(today)] == ["清理3号楼前消防通道占用车辆"]

    months = db.session.execute(sa.select(CommunityIndicators.community_id,
                                          sa.func.count()).group_by(
        CommunityIndicators.community_id)).all()
    assert months and all(n == 12 for _cid, n in months)  # a year of trends for the dashboard
    with_index = db.session.scalar(sa.select(sa.func.count()).where(
        CommunityIndicators.index_x100.is_not(None)))
    assert with_index > 0
