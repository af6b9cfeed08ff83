"""Handling alerts: acknowledge (someone is on it), close with a note (what was done)."""
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt import policy
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid

MAX_NOTE = 5000


def acknowledge(alert, *, actor, note="", now=None):
    policy.require(actor, "alert.handle", alert)
    if alert.status != "open":
        raise Conflict(_("This alert is already acknowledged or closed."))
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = ("acknowledged",
                                                                     now or utcnow(), actor.id)
    if (note or "").strip():
        alert.note = note.strip()[:MAX_NOTE]
    audit.record("alert.acknowledge", actor=actor, community_id=alert.community_id,
                 alert_id=alert.id)
    db.session.commit()
    return alert


def close(alert, *, actor, note, now=None):
    """Close an alert with the follow-up that was done (required)."""
    policy.require(actor, "alert.handle", alert)
    if alert.status == "closed":
        raise Conflict(_("This alert is already closed."))
    note = (note or "").strip()
    if not note:
        raise Invalid(fields={"note": [_("Say what was done about it.")]})
    if len(note) > MAX_NOTE:
        raise Invalid(fields={"note": [_("Use at most %(max)d characters.", max=MAX_NOTE)]})
    now = now or utcnow()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now, actor.id
    alert.status, alert.closed_at, alert.closed_by_id, alert.note = "closed", now, actor.id, note
    audit.record("alert.close", actor=actor, community_id=alert.community_id, alert_id=alert.id)
    db.session.commit()
    return alert
