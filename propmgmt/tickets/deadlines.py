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
