"""Creating, listing and reading notifications (and queuing them for SMS in the outbox)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.notifications.models import Notification
from propmgmt.notifications.models import OutboxMessage

TEXTS = {
    "ticket.new": _l("New ticket #%(ticket_id)s for you: %(title)s"),
    "ticket.status": _l("Your ticket #%(ticket_id)s (%(title)s) is now: %(status)s"),
    "ticket.assigned": _l("Ticket #%(ticket_id)s (%(title)s) was assigned to you"),
    "ticket.escalated": _l("Ticket #%(ticket_id)s (%(title)s) was escalated to you: %(reason)s"),
    "meeting.invited": _l("You are invited to the joint meeting \"%(title)s\""),
    "meeting.action_item": _l("New action item for your organization: %(title)s (due %(due)s)"),
    "vote.reminder": _l("You have not voted yet on \"%(title)s\"; voting closes %(closes)s"),
    "vote.announced": _l("Owners' vote announced: \"%(title)s\", voting opens %(opens)s"),
    "monitoring.alert": _l("Alert for %(community)s (%(period)s): %(alert)s"),
    "billing.reminder": _l("Payment reminder for %(label)s: %(amount)s yuan is overdue. Please pay "
                           "or contact the fee collector."),
}
# Kinds that also go out by SMS (through the outbox).
OUTBOX_KINDS = {"ticket.escalated", "ticket.assigned", "billing.reminder"}


def render(notification):
    """The notification's text in the current language."""
    from propmgmt.tickets import vocab  # noqa: PLC0415

    params = dict(notification.params or {})
    params.setdefault("ticket_id", notification.ticket_id)
    if "status" in params:
        params["status"] = vocab.STATUSES.get(params["status"], params["status"])
    if params.get("reason") in vocab.ACTIONS:
        params["reason"] = vocab.ACTIONS[params["reason"]]
    if notification.kind == "monitoring.alert":
        from propmgmt.monitoring.models import vocab as monitoring  # noqa: PLC0415

        params["alert"] = monitoring.ALERT_KINDS.get(params.get("alert"), params.get("alert"))
    template = TEXTS.get(notification.kind)
    try:
        return str(template) % params if template is not None else notification.kind
    except (KeyError, TypeError, ValueError):
        return str(template)


def link(notification):
    """Where a notification leads: its ticket, vote or meeting (or nowhere)."""
    from flask import url_for  # noqa: PLC0415

    params = notification.params or {}
    if notification.ticket_id:
        return url_for("tickets.detail", ticket_id=notification.ticket_id)
    if params.get("vote_id"):
        return url_for("governance.detail", vote_id=params["vote_id"])
    if params.get("meeting_id"):
        return url_for("meetings.detail", meeting_id=params["meeting_id"])
    if params.get("alert_id"):
        return url_for("monitoring.community", community_id=notification.community_id,
                       period=params.get("period"))
    return None


def notify(user_ids, *, community_id, kind, ticket_id=None, **params):
    """Queue one notification per user (deduplicated); the caller's transaction commits."""
    for user_id in sorted({u for u in user_ids if u is not None}):
        db.session.add(Notification(user_id=user_id, community_id=community_id, kind=kind,
                                    ticket_id=ticket_id, params=params))
        if kind in OUTBOX_KINDS:
            db.session.add(OutboxMessage(user_id=user_id, community_id=community_id, kind=kind,
                                         params={"ticket_id": ticket_id, **params}))


def unread_count(user):
    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent_stmt(user):
    return (sa.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def mark_read(user, notification_id=None):
    """Mark one (or every) notification of `user` read."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id,
                                         Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=utcnow()))
    db.session.commit()
