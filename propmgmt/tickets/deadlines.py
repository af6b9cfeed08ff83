"""Response and resolution limits: sensible defaults, overridden per community."""
import datetime as dt

import sqlalchemy as sa

from propmgmt.db import db
from propmgmt.tickets import vocab
from propmgmt.tickets.models import TicketDeadline

HOUR = 60
DAY = 24 * HOUR

# (kind, priority) -> (response minutes, resolution minutes); categories below refine it.
DEFAULTS = {
    (vocab.REPAIR, vocab.URGENT): (2 * HOUR, DAY),
    (vocab.REPAIR, vocab.NORMAL): (DAY, 3 * DAY),
    (vocab.COMPLAINT, vocab.URGENT): (2 * HOUR, 2 * DAY),
    (vocab.COMPLAINT, vocab.NORMAL): (DAY, 5 * DAY),
}
CATEGORY_DEFAULTS = {
    (vocab.REPAIR, "water", vocab.URGENT): (30, DAY),
    (vocab.REPAIR, "power", vocab.URGENT): (30, DAY),
    (vocab.REPAIR, "gas", vocab.URGENT): (15, 12 * HOUR),
    (vocab.REPAIR, "elevator", vocab.URGENT): (30, DAY),
    (vocab.REPAIR, "fire_safety", vocab.URGENT): (30, DAY),
}
MAX_MINUTES = 90 * DAY


def default_for(kind, category, priority):
    return CATEGORY_DEFAULTS.get((kind, category, priority)) or DEFAULTS[(kind, priority)]


def table(community_id):
    """{(kind, category, priority): (response, resolution, overridden?)} for every combination."""
    stored = {(d.kind, d.category, d.priority): (d.response_minutes, d.resolution_minutes)
              for d in db.session.scalars(sa.select(TicketDeadline).where(
                  TicketDeadline.community_id == community_id))}
    result = {}
    for kind, categories in vocab.CATEGORIES.items():
        for category in categories:
            for priority in vocab.PRIORITIES:
                key = (kind, category, priority)
                result[key] = (*stored[key], True) if key in stored else (
                    *default_for(*key), False)
    return result


def limits(community_id, kind, category, priority):
    """(response minutes, resolution minutes) in force for a new ticket."""
    row = db.session.scalar(sa.select(TicketDeadline).where(
        TicketDeadline.community_id == community_id, TicketDeadline.kind == kind,
        TicketDeadline.category == category, TicketDeadline.priority == priority))
    if row is not None:
        return row.response_minutes, row.resolution_minutes
    return default_for(kind, category, priority)


def due(start, minutes):
    return start + dt.timedelta(minutes=minutes)


def set_limits(*, community, kind, category, priority, response_minutes, resolution_minutes,
               actor=None):
    """Store a community's own limits for one kind x category x priority."""
    from flask_babel import gettext as _  # noqa: PLC0415

    from propmgmt import audit  # noqa: PLC0415
    from propmgmt.errors import Invalid  # noqa: PLC0415

    if kind not in vocab.CATEGORIES or category not in vocab.CATEGORIES[kind] \
            or priority not in vocab.PRIORITIES:
        raise Invalid(fields={"category": [_("Choose a category from the list.")]})
    errors = {}
    if not 1 <= response_minutes <= MAX_MINUTES:
        errors["response_minutes"] = [_("Enter between 1 minute and 90 days.")]
    if not response_minutes <= resolution_minutes <= MAX_MINUTES:
        errors["resolution_hours"] = [_("The resolution limit must be at least the response "
                                        "limit and at most 90 days.")]
    if errors:
        raise Invalid(fields=errors)
    row = db.session.scalar(sa.select(TicketDeadline).where(
        TicketDeadline.community_id == community.id, TicketDeadline.kind == kind,
        TicketDeadline.category == category, TicketDeadline.priority == priority))
    if row is None:
        row = TicketDeadline(community_id=community.id, kind=kind, category=category,
                             priority=priority)
        db.session.add(row)
    row.response_minutes, row.resolution_minutes = response_minutes, resolution_minutes
    audit.record("tickets.deadline", actor=actor, community_id=community.id, kind=kind,
                 category=category, priority=priority, response_minutes=response_minutes,
                 resolution_minutes=resolution_minutes)
    db.session.commit()
    return row
