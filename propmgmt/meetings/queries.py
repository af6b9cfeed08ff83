"""Reading meetings and the action-item ledger; each list is one statement."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from propmgmt import scoping
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.meetings.models import ActionItem
from propmgmt.meetings.models import Meeting


def community_meetings(community):
    """A community's meetings, the latest first."""
    return db.session.scalars(sa.select(Meeting).where(Meeting.community_id == community.id)
                              .order_by(Meeting.scheduled_at.desc(), Meeting.id.desc())).all()


def ledger(community, *, status=None, org=None, overdue_on=None):
    """The action items of a community, soonest due first; `overdue_on` keeps the overdue ones."""
    stmt = (sa.select(ActionItem).where(ActionItem.community_id == community.id)
            .options(selectinload(ActionItem.meeting))
            .order_by(ActionItem.due_on, ActionItem.id))
    if status:
        stmt = stmt.where(ActionItem.status == status)
    if org:
        stmt = stmt.where(ActionItem.owner_org == org)
    if overdue_on is not None:
        stmt = stmt.where(ActionItem.status == "open", ActionItem.due_on < overdue_on)
    return db.session.scalars(stmt).all()


WATCHERS = ("party_secretary", "residents_committee", "owners_committee", "property_manager",
            "district_supervisor")


def watched_community_ids(user):
    """Communities whose overdue action items belong on the user's home page."""
    return {m.community_id for m in user.memberships
            if m.community_id is not None and m.role in WATCHERS}


def overdue_items(user, today, community_ids):
    """Open items past their due date in the given communities the user may see, with their
    community, soonest due first (the party secretary's list, rule 42)."""
    if not community_ids:
        return []
    stmt = scoping.visible(
        sa.select(ActionItem, Community.name)
        .join(Community, Community.id == ActionItem.community_id)
        .where(ActionItem.community_id.in_(sorted(community_ids)), ActionItem.status == "open",
               ActionItem.due_on < today)
        .order_by(ActionItem.due_on, ActionItem.id), user, ActionItem)
    return db.session.execute(stmt).all()


def by_org(items):
    """{org_kind: [items]} in the order of the four organizations."""
    from propmgmt.communities import modes  # noqa: PLC0415

    grouped = {kind: [] for kind in modes.ORG_KINDS}
    for item in items:
        grouped[item.owner_org].append(item)
    return {kind: rows for kind, rows in grouped.items() if rows}
