"""Filing tickets, moving them through the workflow, rating them."""
import contextlib

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from propmgmt import audit
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.communities import people
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.notifications.services import notify
from propmgmt.tickets import deadlines
from propmgmt.tickets import photos as photo_store
from propmgmt.tickets import routing
from propmgmt.tickets import vocab
from propmgmt.tickets import workflow
from propmgmt.tickets.intake import TicketInput
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketEvent
from propmgmt.tickets.models import TicketPhoto


def handler_user_ids(community_id, org_kind):
    """Ids of the users who act for `org_kind` in a community."""
    wanted = routing.handler_roles(org_kind)
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(Membership.user_id).where(
        Membership.community_id == community_id, Membership.role.in_(wanted)).distinct()))


def open_ticket(*, community, actor, data: TicketInput, photos=()):
    """File a repair ticket or complaint; it goes to the first handler of the community's mode."""
    data.check(community=community, actor=actor)
    checked = photo_store.check_all(photos)
    now = utcnow()
    mode = community.management_mode
    response, resolution = deadlines.limits(community.id, data.kind, data.category, data.priority)
    ticket = Ticket(
        community_id=community.id, kind=data.kind, category=data.category,
        priority=data.priority, title=data.title, description=data.description,
        dwelling_id=getattr(data.dwelling, "id", None), location=data.location,
        about_org=data.about_org, channel=data.channel, external_ref=data.external_ref,
        reporter_id=getattr(data.reporter, "id", None), reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone, created_by_id=actor.id, mode=mode,
        handler_kind=routing.first_handler(mode, data.kind, data.category, data.about_org),
        created_at=now, updated_at=now, response_due_at=deadlines.due(now, response),
        resolution_due_at=deadlines.due(now, resolution))
    db.session.add(ticket)
    db.session.flush()
    event = _event(ticket, actor, "submit", None, vocab.SUBMITTED, note=None, at=now)
    _add_photos(ticket, event, actor, checked)
    notify(handler_user_ids(community.id, ticket.handler_kind), community_id=community.id,
           kind="ticket.new", ticket_id=ticket.id, title=ticket.title)
    audit.record("ticket.open", actor=actor, community_id=community.id, ticket_id=ticket.id,
                 kind=ticket.kind, handler=ticket.handler_kind)
    db.session.commit()
    return ticket


def _event(ticket, actor, action, from_status, to_status, note, assignee_id=None, at=None):
    event = TicketEvent(community_id=ticket.community_id, ticket_id=ticket.id,
                        actor_id=getattr(actor, "id", None), action=action,
                        from_status=from_status, to_status=to_status, note=note,
                        handler_kind=ticket.handler_kind, assignee_id=assignee_id,
                        at=at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def _add_photos(ticket, event, actor, checked):
    for data, content_type, extension in checked:
        name = photo_store.store(ticket.community_id, data, extension)
        db.session.add(TicketPhoto(community_id=ticket.community_id, ticket_id=ticket.id,
                                   event_id=event.id, stored_name=name,
                                   content_type=content_type, size=len(data),
                                   uploaded_by_id=actor.id))


def _refuse(actor, action, ticket):
    """403 when the role never allows the action, 409 when only the status is wrong."""
    if action not in workflow.TRANSITIONS:
        raise Invalid(fields={"action": [_("Unknown action.")]})
    if not workflow.may_by_role(actor, action, ticket):
        raise NotAllowed(_("You may not do this with this ticket."))
    if action == "escalate" and not workflow.can_go_higher(ticket):
        raise Conflict(_("This ticket is already with the party organization, the last level."))
    raise Conflict(_("This ticket is %(status)s; it cannot be changed that way now.",
                     status=vocab.STATUSES[ticket.status]))


def _assignee(ticket, assignee_id):
    """The member a ticket may be assigned to: anyone of the community except a plain resident."""
    held = set(db.session.scalars(sa.select(Membership.role).where(
        Membership.community_id == ticket.community_id, Membership.user_id == assignee_id)))
    if not held - {roles.RESIDENT}:
        raise Invalid(fields={"assignee_id": [_("Choose a technician or member of this "
                                                "community.")]})
    return assignee_id


def transition(*, ticket, action, actor, note=None, assignee_id=None, photos=()):
    """Take one workflow action; every step lands on the timeline and notifies who it concerns."""
    if not workflow.may(actor, action, ticket):
        _refuse(actor, action, ticket)
    note = (note or "").strip() or None
    if action in workflow.NOTE_REQUIRED and not note:
        raise Invalid(fields={"note": [_("Add a note saying why or what was done.")]})
    if note and len(note) > 5000:
        raise Invalid(fields={"note": [_("Keep the note under %(n)s characters.", n=5000)]})
    checked = photo_store.check_all(photos)
    before = ticket.status
    with _stale_is_conflict():
        recipients = _apply(ticket, action, actor, assignee_id)
        event = _event(ticket, actor, action, before, ticket.status, note,
                       assignee_id=ticket.assignee_id if action == "assign" else None)
        _add_photos(ticket, event, actor, checked)
        for kind, user_ids, extra in recipients:
            notify([u for u in user_ids if u != actor.id], community_id=ticket.community_id,
                   kind=kind, ticket_id=ticket.id, title=ticket.title, **extra)
        audit.record("ticket.transition", actor=actor, community_id=ticket.community_id,
                     ticket_id=ticket.id, step=action, from_status=before, to_status=ticket.status)
        db.session.commit()
    return ticket


@contextlib.contextmanager
def _stale_is_conflict():
    """A concurrent change to the ticket (its version moved) is a 409, wherever the flush happens.

    The versioned UPDATE may run at any flush (the timeline event's, an autoflush), not only at
    commit, so the whole change is guarded.
    """
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Someone else changed this ticket a moment ago. Reload and try "
                         "again.")) from None


def _apply(ticket, action, actor, assignee_id):
    """Change the ticket for `action`; returns the notifications to send."""
    now = utcnow()
    target = workflow.TRANSITIONS[action][1]
    recipients = []
    if action == "assign":
        ticket.assignee_id = _assignee(ticket, assignee_id)
        recipients.append(("ticket.assigned", [ticket.assignee_id], {}))
    if action == "escalate":
        _escalate(ticket, recipients)
    if action == "accept" and ticket.responded_at is None:
        ticket.responded_at = now
    if action == "resolve":
        ticket.resolved_at = now
    if action == "reopen":
        _reopen(ticket, now)
    if action in ("confirm", "close"):
        ticket.closed_at = now
    if target is not None and target != ticket.status:
        ticket.status = target
        recipients.append(("ticket.status", [ticket.reporter_id], {"status": target}))
    ticket.updated_at = now
    return recipients


def _escalate(ticket, recipients):
    upper = routing.next_handler(ticket.mode, ticket.handler_kind)  # higher: checked by may()
    ticket.handler_kind = upper
    ticket.escalations += 1
    recipients.append(("ticket.escalated", handler_user_ids(ticket.community_id, upper),
                       {"reason": "escalate"}))


def _reopen(ticket, now):
    _response, resolution = deadlines.limits(ticket.community_id, ticket.kind, ticket.category,
                                             ticket.priority)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket.resolution_due_at = deadlines.due(now, resolution)


def rate(*, ticket, actor, score, comment=None):
    """The reporter's 1-5 rating of a resolved or closed ticket, given once."""
    if ticket.reporter_id != actor.id:
        raise NotAllowed(_("Only the resident who filed the ticket rates it."))
    if ticket.rating is not None:
        raise Conflict(_("This ticket has already been rated."))
    if ticket.status not in (vocab.RESOLVED, vocab.CLOSED):
        raise Conflict(_("A ticket can be rated once it is resolved."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise Invalid(fields={"score": [_("Give a score from 1 to 5.")]})
    comment = (comment or "").strip() or None
    if comment and len(comment) > 2000:
        raise Invalid(fields={"comment": [_("Keep the comment under %(n)s characters.", n=2000)]})
    with _stale_is_conflict():
        ticket.rating, ticket.rating_comment, ticket.rated_at = score, comment, utcnow()
        _event(ticket, actor, "rate", ticket.status, ticket.status, note=comment)
        db.session.commit()
    return ticket


def dwellings_for_filing(user, community):
    """The dwellings a resident may file for: their own in this community."""
    return [d for d, _kind in people.dwellings_of(user, community.id)]
