"""The escalation job: one set-based pass that moves every overdue ticket one level up.

Each missed deadline is recorded once in ticket_breach (unique per ticket, deadline and due time);
the INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING tells which breaches are new, so two
runs at once, or a run after a crash, never escalate the same breach twice.
"""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from propmgmt import scoping
from propmgmt.auth.models import Membership
from propmgmt.communities import modes
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.notifications.models import Notification
from propmgmt.notifications.models import OutboxMessage
from propmgmt.notifications.services import OUTBOX_KINDS
from propmgmt.tickets import routing
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent
from propmgmt.tickets.queries import awaiting_response
from propmgmt.tickets.queries import due_clause
from propmgmt.tickets.queries import overdue_clause

CHUNK = 500


def _insert(dialect):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TicketBreach)


def _next_handler():
    whens = [(sa.and_(Ticket.mode == mode, Ticket.handler_kind == org),
              routing.next_handler(mode, org)) for mode in modes.ALL for org in modes.ORG_KINDS]
    return sa.case(*whens, else_=modes.PARTY)


def _record_breaches(now, community_id=None):
    """Insert the new breaches; returns [(breach id, ticket id, community id, from, to)]."""
    awaiting = awaiting_response(now)
    candidates = sa.select(
        Ticket.community_id, Ticket.id,
        sa.case((awaiting, "response"), else_="resolution"),
        due_clause(now),
        Ticket.handler_kind, _next_handler(), sa.literal(now, UTCDateTime()),
    ).where(overdue_clause(now)).order_by(Ticket.id)  # one lock order for runs that overlap
    if community_id is not None:
        candidates = candidates.where(Ticket.community_id == community_id)
    candidates = scoping.unscoped(candidates, reason="escalation job covers every community")
    stmt = (_insert(db.session.get_bind().dialect.name)
            .from_select(["community_id", "ticket_id", "deadline", "due_at", "from_handler",
                          "to_handler", "at"], candidates)
            .on_conflict_do_nothing()
            .returning(TicketBreach.id, TicketBreach.ticket_id, TicketBreach.community_id,
                       TicketBreach.from_handler, TicketBreach.to_handler))
    return list(db.session.execute(stmt))


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _move_tickets(breaches, now):
    """One UPDATE per (new handler) group: bounded, not one per ticket. A ticket already at the
    end of its path stays with its handler, but its timeline gained an event, so it is stamped."""
    by_target, stay = {}, set()
    for _bid, ticket_id, _cid, source, target in breaches:
        if source != target:
            by_target.setdefault(target, set()).add(ticket_id)
        else:
            stay.add(ticket_id)
    for target, ids in by_target.items():
        for chunk in _chunks(sorted(ids)):
            db.session.execute(
                sa.update(Ticket).where(Ticket.id.in_(chunk)).values(
                    handler_kind=target, escalations=Ticket.escalations + 1,
                    version=Ticket.version + 1, updated_at=now)
                .execution_options(synchronize_session=False))
    for chunk in _chunks(sorted(stay)):
        db.session.execute(
            sa.update(Ticket).where(Ticket.id.in_(chunk)).values(
                version=Ticket.version + 1, updated_at=now)
            .execution_options(synchronize_session=False))


def _recipients(breaches):
    """{(community id, handler kind): [user ids]} in one query."""
    communities = {cid for _b, _t, cid, _s, _to in breaches}
    rows = db.session.execute(sa.select(Membership.community_id, Membership.role,
                                        Membership.user_id)
                              .where(Membership.community_id.in_(communities)))
    found = {}
    for cid, role, user_id in rows:
        for org in modes.ORG_KINDS:
            if role in routing.handler_roles(org):
                found.setdefault((cid, org), set()).add(user_id)
    return found


def _write_facts(breaches, now):
    """Timeline events, notifications and outbox rows, each as one bulk insert."""
    rows = db.session.execute(sa.select(Ticket.id, Ticket.title, Ticket.status).where(
        Ticket.id.in_([t for _b, t, _c, _s, _to in breaches])))
    titles, statuses = {}, {}
    for ticket_id, title, status in rows:
        titles[ticket_id], statuses[ticket_id] = title, status
    recipients = _recipients(breaches)
    events, notes, outbox = [], [], []
    for _bid, ticket_id, cid, _source, target in breaches:
        events.append({"community_id": cid, "ticket_id": ticket_id, "at": now,
                       "action": "overdue_escalation", "from_status": statuses[ticket_id],
                       "to_status": statuses[ticket_id], "handler_kind": target})
        params = {"ticket_id": ticket_id, "title": titles[ticket_id],
                  "reason": "overdue_escalation"}
        for user_id in sorted(recipients.get((cid, target), ())):
            row = {"community_id": cid, "user_id": user_id, "kind": "ticket.escalated",
                   "params": params, "created_at": now}
            notes.append({**row, "ticket_id": ticket_id})
            if "ticket.escalated" in OUTBOX_KINDS:
                outbox.append(row)
    for table, rows in ((TicketEvent, events), (Notification, notes), (OutboxMessage, outbox)):
        for chunk in _chunks(rows):
            db.session.execute(sa.insert(table), chunk)


def escalate_overdue(*, now=None, community_id=None):
    """Escalate every ticket past its deadline one level; returns how many breaches were new."""
    now = now or utcnow()
    breaches = _record_breaches(now, community_id)
    if breaches:
        _move_tickets(breaches, now)
        _write_facts(breaches, now)
    db.session.commit()
    return len(breaches)
