"""In-app notifications, and the outbox an e-mail or SMS sender drains."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from propmgmt.db import CommunityOwned
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow


class Notification(CommunityOwned, db.Model):
    """A message for one user; its text is rendered in the reader's language when shown."""

    __table_args__ = (sa.Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    ticket_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ticket.id",
                                                                   ondelete="CASCADE"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())


class OutboxMessage(CommunityOwned, db.Model):
    """A message waiting for an external channel (SMS, e-mail); a sender marks it sent."""

    __table_args__ = (sa.Index("ix_outbox_message_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(16), default="sms")
    kind: Mapped[str] = mapped_column(sa.String(32))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
