"""The audit log: who changed what, appended by services in their own transaction."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow


class AuditEntry(db.Model):
    __table_args__ = (sa.Index("ix_audit_entry_community_at", "community_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("community.id", ondelete="CASCADE")
    )
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


def record(action, *, actor=None, community_id=None, **detail):
    """Append one audit entry to the current transaction (the caller commits)."""
    db.session.add(AuditEntry(action=action, actor_id=getattr(actor, "id", None),
                              community_id=community_id, detail=detail))


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target):
    """The log is append-only: an entry is never changed or removed through the ORM."""
    raise RuntimeError("audit entries are append-only")
