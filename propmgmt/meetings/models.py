"""Joint meetings, the organizations invited to them, and the action items they decide.

An action item is owned by one of the four organizations and has a due date; its progress is an
append-only list of updates, so what was promised and when it was done stays on the record.
"""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import Timestamps
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow

KINDS = ("regular", "extraordinary")
STATUSES = ("scheduled", "held", "cancelled")
ITEM_STATUSES = ("open", "done", "dropped")
ORGS = ("party_organization", "residents_committee", "owners_committee", "property_company")
_ORG_CHECK = "IN ('party_organization', 'residents_committee', 'owners_committee', " \
             "'property_company')"


class Meeting(CommunityOwned, Timestamps, db.Model):
    """A joint meeting of the four organizations; minutes are recorded once it is held."""

    __table_args__ = (
        sa.CheckConstraint("kind IN ('regular', 'extraordinary')", name="kind_known"),
        sa.CheckConstraint("status IN ('scheduled', 'held', 'cancelled')", name="status_known"),
        sa.Index("ix_meeting_community_scheduled", "community_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(16), default="regular")
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    held_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    minutes_notice_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notice.id", ondelete="SET NULL"))
    convened_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821
    convened_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
    invitees: Mapped[list["MeetingInvitee"]] = relationship(
        lazy="selectin", order_by="MeetingInvitee.id", back_populates="meeting")
    items: Mapped[list["ActionItem"]] = relationship(
        order_by="ActionItem.due_on, ActionItem.id", back_populates="meeting")


class MeetingInvitee(CommunityOwned, db.Model):
    """An organization invited to a meeting; attendance and who came are recorded afterwards."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "meeting_id", "org_kind"),
        sa.CheckConstraint(f"org_kind {_ORG_CHECK}", name="org_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    org_kind: Mapped[str] = mapped_column(sa.String(32))
    attended: Mapped[Optional[bool]]
    attendees: Mapped[str] = mapped_column(sa.String(300), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="invitees")


class ActionItem(CommunityOwned, Timestamps, db.Model):
    """A task a meeting gave one organization, due on a date (one line of the problem ledger)."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name="status_known"),
        sa.CheckConstraint(f"owner_org {_ORG_CHECK}", name="org_known"),
        sa.Index("ix_action_item_community_status_due", "community_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_org: Mapped[str] = mapped_column(sa.String(32))
    due_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    closed_on: Mapped[Optional[dt.date]]
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    updates: Mapped[list["ActionItemUpdate"]] = relationship(
        order_by="ActionItemUpdate.id", back_populates="item")

    # Every update bumps the version by hand (even a progress note that leaves the columns as
    # they were), and the UPDATE checks the old one: a form drawn before someone else's update
    # is stale.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def is_overdue(self, today):
        return self.status == "open" and self.due_on < today


class ActionItemUpdate(CommunityOwned, db.Model):
    """One progress note on an action item, with the status it left the item in (append-only)."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("action_item.id", ondelete="CASCADE"),
                                         index=True)
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[Optional["User"]] = relationship()  # noqa: F821
