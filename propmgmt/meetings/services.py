"""Joint meetings: schedule, record attendance and minutes, decide action items, follow them up.

The party secretary or the residents' committee convenes (DOMAIN 3.2); each action item is owned
by one organization, whose people post progress until it is done. Minutes are published to the
residents as a notice, and from then on they are that notice's (versioned) text.
"""
import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from propmgmt import audit
from propmgmt import policy
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.localtime import local_today  # noqa: F401 (also used by views)
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.meetings.models import ITEM_STATUSES
from propmgmt.meetings.models import KINDS
from propmgmt.meetings.models import ActionItem
from propmgmt.meetings.models import ActionItemUpdate
from propmgmt.meetings.models import Meeting
from propmgmt.meetings.models import MeetingInvitee
from propmgmt.notifications import services as notifications

MAX_TEXT = 20000


def _people_of(community_id, org_kinds):
    """Ids of the users who act for the given organizations in a community."""
    wanted = sorted({r for kind in org_kinds for r in roles.ORG_ROLES[kind]})
    return db.session.scalars(sa.select(Membership.user_id).where(
        Membership.community_id == community_id, Membership.role.in_(wanted))).all()


def _text(value, field, required=True, message=None):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(fields={field: [message or _("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise Invalid(fields={field: [_("Use at most %(max)d characters.", max=MAX_TEXT)]})
    return value


def schedule(*, community, actor, title, scheduled_at, orgs, place="", agenda="",
             kind="regular"):
    """Call a joint meeting of at least two of the four organizations and tell their people."""
    policy.require(actor, "meeting.manage", community)
    title = _text(title, "title")
    if kind not in KINDS:
        raise Invalid(fields={"kind": [_("Choose a regular or an extraordinary meeting.")]})
    orgs = [o for o in modes.ORG_KINDS if o in set(orgs or ())]
    if len(orgs) < 2:
        raise Invalid(fields={"orgs": [_("Invite at least two of the four organizations.")]})
    if scheduled_at.tzinfo is None:
        raise Invalid(fields={"scheduled_at": [_("Give the date and time of the meeting.")]})
    meeting = Meeting(community_id=community.id, title=title, kind=kind,
                      scheduled_at=scheduled_at, place=(place or "").strip()[:200],
                      agenda=_text(agenda, "agenda", required=False), convened_by_id=actor.id)
    meeting.invitees = [MeetingInvitee(community_id=community.id, org_kind=o) for o in orgs]
    db.session.add(meeting)
    db.session.flush()
    notifications.notify(_people_of(community.id, orgs), community_id=community.id,
                         kind="meeting.invited", meeting_id=meeting.id, title=title,
                         when=scheduled_at.isoformat())
    audit.record("meeting.schedule", actor=actor, community_id=community.id,
                 meeting_id=meeting.id, orgs=orgs)
    db.session.commit()
    return meeting


def _unpublished(meeting):
    if meeting.status == "cancelled":
        raise Conflict(_("This meeting was cancelled."))
    if meeting.minutes_notice_id is not None:
        raise Conflict(_("The minutes are published; publish a corrected version of the notice "
                         "instead."))


def record_minutes(meeting, *, actor, minutes, attendance, held_at=None):
    """Record who came (per organization: present or not, and names) and the minutes."""
    policy.require(actor, "meeting.manage", meeting)
    _unpublished(meeting)
    minutes = _text(minutes, "minutes", message=_("Write the minutes of the meeting."))
    held_at = held_at or meeting.scheduled_at
    if held_at > utcnow() + dt.timedelta(minutes=5):
        raise Invalid(fields={"held_at": [_("A meeting cannot be recorded before it is held.")]})
    for invitee in meeting.invitees:
        present, names = attendance.get(invitee.org_kind, (False, ""))
        invitee.attended = bool(present)
        invitee.attendees = (names or "").strip()[:300]
    if not any(i.attended for i in meeting.invitees):
        raise Invalid(fields={"minutes": [_("Mark at least one organization as present.")]})
    meeting.minutes, meeting.held_at, meeting.status = minutes, held_at, "held"
    audit.record("meeting.minutes", actor=actor, community_id=meeting.community_id,
                 meeting_id=meeting.id)
    db.session.commit()
    return meeting


def cancel(meeting, *, actor, reason):
    policy.require(actor, "meeting.manage", meeting)
    if meeting.status != "scheduled":
        raise Conflict(_("Only a scheduled meeting can be cancelled."))
    reason = _text(reason, "reason", message=_("Give the reason for cancelling."))
    meeting.status = "cancelled"
    meeting.minutes = reason
    audit.record("meeting.cancel", actor=actor, community_id=meeting.community_id,
                 meeting_id=meeting.id)
    db.session.commit()
    return meeting


def add_item(meeting, *, actor, title, owner_org, due_on):
    """An action item decided at a held meeting, owned by one organization, due on a date."""
    policy.require(actor, "meeting.manage", meeting)
    if meeting.status != "held":
        raise Conflict(_("Action items are decided at a meeting; record its minutes first."))
    title = _text(title, "title")
    if owner_org not in modes.ORG_KINDS:
        raise Invalid(fields={"owner_org": [_("Choose one of the four organizations.")]})
    if not isinstance(due_on, dt.date) or due_on < local_today(meeting.community, meeting.held_at):
        raise Invalid(fields={"due_on": [_("The due date cannot be before the meeting.")]})
    item = ActionItem(community_id=meeting.community_id, meeting_id=meeting.id, title=title[:200],
                      owner_org=owner_org, due_on=due_on, created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    notifications.notify(_people_of(meeting.community_id, [owner_org]),
                         community_id=meeting.community_id, kind="meeting.action_item",
                         meeting_id=meeting.id, title=item.title, due=due_on.isoformat())
    audit.record("meeting.action_item", actor=actor, community_id=meeting.community_id,
                 meeting_id=meeting.id, item_id=item.id, owner_org=owner_org)
    db.session.commit()
    return item


def update_item(item, *, actor, body, status, version=None):
    """Post progress on an action item; `done` or `dropped` closes it, a manager may reopen it.

    `version` is the item's version the form was drawn from: a stale one (somebody else updated
    it meanwhile) is a 409, so two people closing the same item leave one closing update."""
    policy.require(actor, "action_item.update", item)
    if status not in ITEM_STATUSES:
        raise Invalid(fields={"status": [_("Choose open, done or dropped.")]})
    body = _text(body, "body", required=status != "done",
                 message=_("Say what was done, or why the item is dropped."))
    if item.status != "open" and not policy.can(actor, "meeting.manage", item):
        raise Conflict(_("This action item is closed."))
    if version is not None and version != item.version:
        raise Conflict(_("Someone else updated this action item; reload and try again."))
    item.status, item.version = status, item.version + 1
    item.closed_on = local_today(item.meeting.community) if status != "open" else None
    db.session.add(ActionItemUpdate(community_id=item.community_id, item_id=item.id,
                                    author_id=actor.id, body=body, status=status))
    audit.record("meeting.action_item_update", actor=actor, community_id=item.community_id,
                 item_id=item.id, status=status)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Someone else updated this action item; reload and try again.")) \
            from None
    return item


def publish_minutes(meeting, *, actor, now=None):
    """Publish the minutes, attendance and action items to the residents as a notice."""
    from propmgmt.disclosure import services as disclosure  # noqa: PLC0415

    policy.require(actor, "meeting.manage", meeting)
    _unpublished(meeting)
    if meeting.status != "held":
        raise Conflict(_("Record the minutes before publishing them."))
    notice = disclosure.publish_notice(
        community=meeting.community, actor=actor, kind="meeting_minutes",
        title=_("Minutes: %(title)s", title=meeting.title), body=minutes_text(meeting),
        publish_at=now or utcnow())
    meeting.minutes_notice_id = notice.id
    audit.record("meeting.publish_minutes", actor=actor, community_id=meeting.community_id,
                 meeting_id=meeting.id, notice_id=notice.id)
    db.session.commit()
    return notice


def minutes_text(meeting):
    """The published text: when, where, who came, the minutes, and who does what by when."""
    labels = modes.ORG_LABELS
    lines = [_("Held on %(date)s at %(place)s.", date=meeting.held_at.astimezone(
        zoneinfo.ZoneInfo(meeting.community.timezone)).strftime("%Y-%m-%d %H:%M"),
        place=meeting.place or "-"), "", _("Attendance:")]
    for invitee in meeting.invitees:
        state = _("present") if invitee.attended else _("absent")
        names = f" ({invitee.attendees})" if invitee.attendees else ""
        lines.append(f"- {labels[invitee.org_kind]}: {state}{names}")
    lines += ["", meeting.minutes]
    if meeting.items:
        lines += ["", _("Action items:")]
        lines += [_("- %(title)s: %(org)s, due %(due)s", title=i.title, org=labels[i.owner_org],
                    due=i.due_on.isoformat()) for i in meeting.items]
    return "\n".join(lines)
