"""Tickets (repair 报修 / complaint 投诉), their append-only timeline, photos and deadlines."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.tickets import vocab


class Ticket(CommunityOwned, db.Model):
    __table_args__ = (
        sa.Index("ix_ticket_community_status", "community_id", "status"),
        sa.Index("ix_ticket_community_created", "community_id", "created_at"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(32))
    priority: Mapped[str] = mapped_column(sa.String(16), default=vocab.NORMAL)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    dwelling_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("dwelling.id"), index=True)
    location: Mapped[Optional[str]] = mapped_column(sa.String(200))
    about_org: Mapped[Optional[str]] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(20), default="web")
    external_ref: Mapped[Optional[str]] = mapped_column(sa.String(64))
    reporter_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    reporter_name: Mapped[Optional[str]] = mapped_column(sa.String(100))
    reporter_phone: Mapped[Optional[str]] = mapped_column(sa.String(32))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    mode: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(16), default=vocab.SUBMITTED)
    handler_kind: Mapped[str] = mapped_column(sa.String(32))
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    escalations: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    response_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    rating: Mapped[Optional[int]]
    rating_comment: Mapped[Optional[str]] = mapped_column(sa.Text)
    rated_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                    onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    community: Mapped["Community"] = relationship()  # noqa: F821
    dwelling: Mapped[Optional["Dwelling"]] = relationship()  # noqa: F821
    reporter: Mapped[Optional["User"]] = relationship(foreign_keys=[reporter_id])  # noqa: F821
    assignee: Mapped[Optional["User"]] = relationship(foreign_keys=[assignee_id])  # noqa: F821

    @property
    def is_open(self):
        return self.status in vocab.OPEN_STATUSES

    def current_due_at(self, now=None):
        """The deadline that matters now: response until accepted (or until the resolution
        deadline has passed too), then resolution."""
        now = now or utcnow()
        if self.status in vocab.AWAITING_RESPONSE and now < self.resolution_due_at:
            return self.response_due_at
        return self.resolution_due_at

    def is_overdue(self, now=None):
        now = now or utcnow()
        return self.is_open and now > self.current_due_at(now)


class TicketEvent(CommunityOwned, db.Model):
    """One step of a ticket's life; never updated or deleted."""

    __table_args__ = (
        sa.Index("ix_ticket_event_ticket_at", "ticket_id", "at"),
        # the indicator run counts a month's reopen events per community (bench/README.md)
        sa.Index("ix_ticket_event_community_action_at", "community_id", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    from_status: Mapped[Optional[str]] = mapped_column(sa.String(16))
    to_status: Mapped[Optional[str]] = mapped_column(sa.String(16))
    handler_kind: Mapped[Optional[str]] = mapped_column(sa.String(32))
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[Optional[str]] = mapped_column(sa.Text)

    actor: Mapped[Optional["User"]] = relationship(foreign_keys=[actor_id])  # noqa: F821
    assignee: Mapped[Optional["User"]] = relationship(foreign_keys=[assignee_id])  # noqa: F821


class TicketBreach(CommunityOwned, db.Model):
    """A missed deadline, recorded once: the escalation job's guard against escalating twice."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "ticket_id", "deadline", "due_at"),
        sa.Index("ix_ticket_breach_community_at", "community_id", "at"),  # the indicator run
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"),
                                           index=True)
    deadline: Mapped[str] = mapped_column(sa.String(16))  # response | resolution
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    from_handler: Mapped[str] = mapped_column(sa.String(32))
    to_handler: Mapped[str] = mapped_column(sa.String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketPhoto(CommunityOwned, db.Model):
    """An uploaded photo, stored outside static/ under a random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"),
                                           index=True)
    event_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ticket_event.id"))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int]
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketDeadline(CommunityOwned, db.Model):
    """A community's own response and resolution limits for one kind x category x priority."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "kind", "category", "priority"),
        sa.CheckConstraint("response_minutes > 0 AND resolution_minutes >= response_minutes",
                           name="sane_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(32))
    priority: Mapped[str] = mapped_column(sa.String(16))
    response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
