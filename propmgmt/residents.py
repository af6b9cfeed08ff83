"""What waits for a resident, for the home page: what is owed per dwelling, tickets waiting for
them, votes they have not cast. Three statements whatever the number of bills or tickets; tickets
and votes only of the communities the user's memberships still show."""
import dataclasses
import datetime as dt

import sqlalchemy as sa

from propmgmt import scoping
from propmgmt.billing import balances
from propmgmt.billing.models import Bill
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.governance.models import Ballot
from propmgmt.governance.models import Vote
from propmgmt.tickets import vocab as tickets
from propmgmt.tickets.models import Ticket

RATING_DAYS = 30


@dataclasses.dataclass
class Owed:
    balance_fen: int
    bills: int
    oldest_due_on: object


def owed_by_dwelling(dwelling_ids):
    """{dwelling_id: Owed} for the dwellings with something left to pay (void bills aside)."""
    if not dwelling_ids:
        return {}
    bills = balances.with_balances(sa.select(Bill.dwelling_id, Bill.due_on)
                                   .where(Bill.dwelling_id.in_(dwelling_ids))).subquery()
    rows = db.session.execute(
        sa.select(bills.c.dwelling_id, sa.func.sum(bills.c.balance_fen), sa.func.count(),
                  sa.func.min(bills.c.due_on))
        .where(bills.c.balance_fen > 0, bills.c.void == 0)
        .group_by(bills.c.dwelling_id))
    return {dwelling_id: Owed(int(total), count, oldest)
            for dwelling_id, total, count, oldest in rows}


def my_tickets(user, now=None):
    """(open, waiting for the reporter: a fix to confirm, or a ticket closed in the last
    RATING_DAYS days to rate) among the tickets the user filed."""
    since = (now or utcnow()) - dt.timedelta(days=RATING_DAYS)
    waiting = sa.or_(Ticket.status == tickets.RESOLVED,
                     sa.and_(Ticket.status == tickets.CLOSED, Ticket.rating.is_(None),
                             Ticket.closed_at > since))
    row = db.session.execute(scoping.visible(
        sa.select(sa.func.count().filter(Ticket.status.in_(tickets.OPEN_STATUSES)),
                  sa.func.count().filter(waiting))
        .where(Ticket.reporter_id == user.id), user, Ticket)).one()
    return int(row[0] or 0), int(row[1] or 0)


def votes_waiting(user, now=None):
    """Votes open now in communities where the user owns a dwelling and has cast no ballot."""
    now = now or utcnow()
    persons = (sa.select(Person.id).join(Occupancy, Occupancy.person_id == Person.id)
               .where(Person.user_id == user.id, Occupancy.kind == "owner",
                      Person.community_id == Vote.community_id))
    return list(db.session.scalars(scoping.visible(
        sa.select(Vote).where(Vote.opens_at <= now, Vote.closes_at > now,
                              sa.exists(persons),
                              ~sa.exists(sa.select(Ballot.id).where(
                                  Ballot.vote_id == Vote.id,
                                  Ballot.person_id.in_(persons.scalar_subquery()))))
        .order_by(Vote.closes_at), user, Vote)))
