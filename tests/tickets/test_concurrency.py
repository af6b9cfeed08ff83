"""Races between real transactions on PostgreSQL: N threads, each with its own app context and
session on a fresh engine, so commits are real (the rolled-back test session cannot show races).

Data is committed for real and deleted afterwards (the community cascades; users by id).
"""
import dataclasses
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt.communities import modes
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.jobs import by_name
from propmgmt.jobs import runner
from propmgmt.notifications.models import Notification
from propmgmt.tickets import escalation
from propmgmt.tickets import services
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent
from tests import realdb
from tests.realdb import real_sessions
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member
from tests.tickets.conftest import Cast

pytestmark = realdb.postgresql_only

THREADS = 8
CAST_ROLES = {"resident": roles.RESIDENT, "manager": roles.PROPERTY_MANAGER,
              "staff": roles.PROPERTY_STAFF, "technician": roles.TECHNICIAN,
              "residents_committee": roles.RESIDENTS_COMMITTEE,
              "owners_committee": roles.OWNERS_COMMITTEE, "secretary": roles.PARTY_SECRETARY}


@dataclasses.dataclass
class Committed:
    """What a test committed for real, so it can be deleted afterwards."""

    community_ids: list = dataclasses.field(default_factory=list)
    user_ids: list = dataclasses.field(default_factory=list)

    def cast(self, mode):
        """A community in `mode` with one member per role (unique names), committed."""
        tag = uuid.uuid4().hex[:10]
        community = CommunityFactory(name=f"Race {tag}", initial_mode=mode)
        dwelling = DwellingFactory(building=BuildingFactory(community=community, name="1"),
                                   number="101")
        people = {field: member(community, role, username=f"race-{tag}-{field}",
                                dwelling=dwelling if role == roles.RESIDENT else None)
                  for field, role in CAST_ROLES.items()}
        db.session.commit()
        self.community_ids.append(community.id)
        self.user_ids.extend(user.id for user in people.values())
        return Cast(community=community, dwelling=dwelling, **people)

    def delete(self, engine):
        with engine.begin() as conn:
            conn.execute(sa.delete(Community).where(Community.id.in_(self.community_ids)))
            conn.execute(sa.delete(User).where(User.id.in_(self.user_ids)))
        with engine.connect() as conn:
            left = conn.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
                Ticket.community_id.in_(self.community_ids)))
        assert left == 0


@pytest.fixture
def committed(app, session):
    """db.session becomes one real session per thread on a fresh engine, for this test only.

    `app` has migrated the schema; the autouse rolled-back `session` is put back afterwards.
    """
    record = Committed()
    with real_sessions(THREADS) as engine:
        try:
            yield record
        finally:
            db.session.remove()
            record.delete(engine)


def race(app, work, n=THREADS):
    return realdb.race(app, work, n)


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_concurrent_accepts_one_wins_the_others_conflict(app, committed):
    cast = committed.cast(modes.PROFESSIONAL)
    ticket_id, manager_id = cast.file().id, cast.manager.id

    def accept(barrier):
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(User, manager_id)
        assert actor.roles_in(ticket.community_id)  # memberships loaded before the race
        barrier.wait()
        try:
            services.transition(ticket=ticket, action="accept", actor=actor)
        except Conflict:
            return "conflict"
        return "accepted"

    results = race(app, accept)
    print(f"{THREADS} threads accepting one ticket: {sorted(map(str, results))}")
    assert sorted(map(str, results)) == ["accepted"] + ["conflict"] * (THREADS - 1)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    assert (ticket.status, ticket.version) == ("accepted", 2)
    assert count(TicketEvent, TicketEvent.ticket_id == ticket_id,
                 TicketEvent.action == "accept") == 1


def test_concurrent_escalation_runs_escalate_each_ticket_once(app, committed):
    casts = [committed.cast(modes.PROFESSIONAL), committed.cast(modes.SELF_GOVERNED)]
    tickets = [cast.file(title=f"Leak {i}") for cast in casts for i in range(5)]
    ids = [ticket.id for ticket in tickets]
    later = max(t.response_due_at for t in tickets) + dt.timedelta(minutes=1)

    def escalate(barrier):
        barrier.wait()
        return escalation.escalate_overdue(now=later)

    results = race(app, escalate)
    print(f"{THREADS} concurrent escalation runs over {len(ids)} overdue tickets: "
          f"new breaches per run {results}")
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(ids)
    db.session.expire_all()
    moved = db.session.execute(sa.select(Ticket.handler_kind, Ticket.escalations)
                               .where(Ticket.id.in_(ids))).all()
    assert moved == [(modes.RESIDENTS, 1)] * len(ids)
    assert count(TicketBreach, TicketBreach.ticket_id.in_(ids)) == len(ids)
    assert count(TicketEvent, TicketEvent.ticket_id.in_(ids),
                 TicketEvent.action == "overdue_escalation") == len(ids)
    assert count(Notification, Notification.ticket_id.in_(ids),
                 Notification.kind == "ticket.escalated") == len(ids)  # one committee member


def test_the_escalation_job_run_from_many_processes_at_once_escalates_once(app, committed):
    """RELIABILITY "Scheduler": a run by the scheduler, `flask jobs run` by hand and more, all at
    once, through the job runner (its own app context each) -> 0 duplicate escalations."""
    cast = committed.cast(modes.QUASI)
    tickets = [cast.file(title=f"Light {i}") for i in range(6)]
    for ticket in tickets:
        ticket.response_due_at = ticket.created_at - dt.timedelta(minutes=1)
    db.session.commit()
    ids = [ticket.id for ticket in tickets]
    job = by_name("tickets.escalate")

    def run_the_job(barrier):
        barrier.wait()
        return runner.run_job(app, job)

    outcomes = race(app, run_the_job)
    print(f"{THREADS} concurrent runs of {job.name}: {[o.summary for o in outcomes]}")
    assert all(o.ok for o in outcomes), outcomes
    assert sum(int(o.summary.split()[1]) for o in outcomes) == len(ids)
    db.session.expire_all()
    assert db.session.execute(sa.select(Ticket.handler_kind, Ticket.escalations)
                              .where(Ticket.id.in_(ids))).all() == [(modes.PARTY, 1)] * len(ids)
