"""Which tickets a user may see, the queue with its filters, and a ticket's timeline."""
import dataclasses
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt import scoping
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import NotFound
from propmgmt.tickets import vocab
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketEvent
from propmgmt.tickets.models import TicketPhoto

SEES_WHOLE_COMMUNITY = set(roles.COMMUNITY_ROLES) - {roles.RESIDENT, roles.TECHNICIAN}


def awaiting_response(now):
    """SQL: still waiting to be accepted, and the resolution deadline has not passed yet.

    A ticket nobody accepts misses its response deadline first and its resolution deadline
    later: two breaches, two levels of escalation.
    """
    return sa.and_(Ticket.status.in_(vocab.AWAITING_RESPONSE), Ticket.resolution_due_at > now)


def due_clause(now):
    """SQL: the deadline that matters now (see Ticket.current_due_at)."""
    return sa.case((awaiting_response(now), Ticket.response_due_at),
                   else_=Ticket.resolution_due_at)


def overdue_clause(now=None):
    """SQL: the ticket is open and past the deadline that matters now."""
    now = now or utcnow()
    return sa.and_(Ticket.status.in_(vocab.OPEN_STATUSES), due_clause(now) < now)


def _own_rows(user):
    """Tickets a resident or technician sees: filed by them, on their dwellings, assigned to them."""
    mine = (sa.select(Occupancy.dwelling_id).join(Person, Person.id == Occupancy.person_id)
            .where(Person.user_id == user.id))
    return sa.or_(Ticket.reporter_id == user.id, Ticket.assignee_id == user.id,
                  Ticket.dwelling_id.in_(mine))


def visible(stmt, user):
    """Scope a ticket select: whole communities where the role allows it, own rows elsewhere."""
    stmt = scoping.visible(stmt, user, Ticket)
    if user.is_admin:
        return stmt
    whole = sorted({m.community_id for m in user.memberships
                    if m.role in SEES_WHOLE_COMMUNITY and m.community_id is not None})
    return stmt.where(sa.or_(Ticket.community_id.in_(whole) if whole else sa.false(),
                             _own_rows(user)))


def get_visible_or_404(ticket_id, user):
    ticket = db.session.scalar(visible(sa.select(Ticket).where(Ticket.id == ticket_id), user))
    if ticket is None:
        raise NotFound()
    return ticket


@dataclasses.dataclass
class Filters:
    status: Optional[str] = None
    kind: Optional[str] = None
    category: Optional[str] = None
    handler: Optional[str] = None
    overdue: bool = False
    mine: bool = False

    def apply(self, stmt, user):
        if self.status in vocab.STATUSES:
            stmt = stmt.where(Ticket.status == self.status)
        elif self.status == "open":
            stmt = stmt.where(Ticket.status.in_(vocab.OPEN_STATUSES))
        if self.kind in vocab.KINDS:
            stmt = stmt.where(Ticket.kind == self.kind)
        if self.category:
            stmt = stmt.where(Ticket.category == self.category)
        if self.handler:
            stmt = stmt.where(Ticket.handler_kind == self.handler)
        if self.overdue:
            stmt = stmt.where(overdue_clause())
        if self.mine:
            stmt = stmt.where(sa.or_(Ticket.reporter_id == user.id, Ticket.assignee_id == user.id))
        return stmt


def queue_stmt(community, user, filters):
    """A community's tickets the user may see, filtered, most urgent first, with what a row shows."""
    due = due_clause(utcnow())
    is_open = sa.case((Ticket.status.in_(vocab.OPEN_STATUSES), 0), else_=1)
    # The page's dwellings and people are loaded for its rows only (selectinload: one small
    # query each), not joined in before the sort: joined, the database joined every ticket of
    # the community (10,000 at district scale) to its dwelling, building and users before
    # sorting and keeping 25 (~0.2 s per page on SQLite).
    stmt = (sa.select(Ticket).where(Ticket.community_id == community.id)
            .options(selectinload(Ticket.dwelling).joinedload(Dwelling.building),
                     selectinload(Ticket.assignee).lazyload(User.memberships),
                     selectinload(Ticket.reporter).lazyload(User.memberships))
            .order_by(is_open, sa.case((Ticket.status.in_(vocab.OPEN_STATUSES), due)),
                      Ticket.created_at.desc(), Ticket.id.desc()))
    return filters.apply(visible(stmt, user), user)


def all_in_queue(community, user, filters):
    """Every ticket of the queue (for exports), in queue order."""
    return list(db.session.scalars(queue_stmt(community, user, filters)).unique())


def timeline(ticket):
    return list(db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.community_id == ticket.community_id,
                                     TicketEvent.ticket_id == ticket.id)
        .options(selectinload(TicketEvent.actor), selectinload(TicketEvent.assignee))
        .order_by(TicketEvent.at, TicketEvent.id)))


def photos(ticket):
    return list(db.session.scalars(
        sa.select(TicketPhoto).where(TicketPhoto.community_id == ticket.community_id,
                                     TicketPhoto.ticket_id == ticket.id)
        .order_by(TicketPhoto.id)))


def photo(ticket, photo_id):
    found = db.session.scalar(sa.select(TicketPhoto).where(
        TicketPhoto.community_id == ticket.community_id, TicketPhoto.ticket_id == ticket.id,
        TicketPhoto.id == photo_id))
    if found is None:
        raise NotFound()
    return found


def assignable_members(community):
    """(user id, name, roles) of members a ticket can be assigned to: everyone but residents."""
    from propmgmt.auth.models import Membership  # noqa: PLC0415

    rows = db.session.execute(
        sa.select(User.id, User.display_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, Membership.role != roles.RESIDENT)
        .order_by(Membership.role.desc(), User.display_name))
    found = {}
    for user_id, name, role in rows:
        found.setdefault(user_id, (user_id, name, []))[2].append(role)
    return list(found.values())
