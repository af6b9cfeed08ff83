"""Notices and disclosures (公示): versioned notices, income-and-spending lines, comments.

A published notice is immutable: a correction is a new row that `supersedes` it. The ORM refuses
to change a published notice's text or lines, and comments are append-only.
"""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import Timestamps
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow

KINDS = ("notice", "income_spending", "meeting_minutes", "other")
FROZEN = ("title", "body", "kind", "building_id", "publish_at", "period_year", "period_quarter",
          "supersedes_id", "version")


class ImmutableError(RuntimeError):
    """A published notice, its lines or a comment was about to be changed in place."""


class Notice(CommunityOwned, Timestamps, db.Model):
    """A notice for the whole community or one building, shown from `publish_at` on."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "supersedes_id"),
        sa.CheckConstraint("kind IN ('notice', 'income_spending', 'meeting_minutes', 'other')",
                           name="kind_known"),
        sa.CheckConstraint("expire_at IS NULL OR expire_at > publish_at", name="window_ordered"),
        sa.CheckConstraint("period_quarter IS NULL OR period_quarter BETWEEN 1 AND 4",
                           name="quarter_known"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_notice_community_publish", "community_id", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default="notice")
    building_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("building.id", ondelete="CASCADE"), index=True)
    publish_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expire_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    is_pinned: Mapped[bool] = mapped_column(default=False)
    period_year: Mapped[Optional[int]]
    period_quarter: Mapped[Optional[int]]
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notice.id", ondelete="SET NULL"))
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821
    building: Mapped[Optional["Building"]] = relationship()  # noqa: F821
    created_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
    lines: Mapped[list["DisclosureLine"]] = relationship(
        order_by="DisclosureLine.position", lazy="selectin", back_populates="notice")

    def is_published(self, now=None):
        return self.publish_at <= (now or utcnow())

    def is_expired(self, now=None):
        return self.expire_at is not None and self.expire_at <= (now or utcnow())

    @property
    def income_fen(self):
        return sum(line.income_fen for line in self.lines if not line.is_arrears)

    @property
    def expense_fen(self):
        return sum(line.expense_fen for line in self.lines if not line.is_arrears)

    @property
    def balance_fen(self):
        return self.income_fen - self.expense_fen

    @property
    def arrears_fen(self):
        return sum(line.income_fen for line in self.lines if line.is_arrears)


class DisclosureLine(CommunityOwned, db.Model):
    """One line of an income-and-spending disclosure, in fen; arrears lines are not income."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "notice_id", "position"),
        sa.CheckConstraint("income_fen >= 0", name="income_not_negative"),
        sa.CheckConstraint("expense_fen >= 0", name="expense_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(200))
    income_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    expense_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    is_arrears: Mapped[bool] = mapped_column(default=False)

    notice: Mapped[Notice] = relationship(back_populates="lines")


class DisclosureComment(CommunityOwned, Timestamps, db.Model):
    """A comment on a published disclosure; append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id", ondelete="CASCADE"),
                                           index=True)
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)

    author: Mapped[Optional["User"]] = relationship(lazy="joined")  # noqa: F821


def _was_published(target):
    """Whether the row as stored (before this flush's changes) is a published notice."""
    history = sa.inspect(target).attrs.publish_at.history
    stored = history.deleted[0] if history.deleted else target.publish_at
    return stored is not None and stored <= utcnow()


@event.listens_for(Notice, "before_update")
def _freeze_published(mapper, connection, target):
    state = sa.inspect(target)
    changed = [name for name in FROZEN if state.attrs[name].history.has_changes()]
    if changed and _was_published(target):
        raise ImmutableError(f"published notice {target.id} cannot change {', '.join(changed)}")


@event.listens_for(Notice, "before_delete")
def _keep_published(mapper, connection, target):
    if _was_published(target):
        raise ImmutableError(f"published notice {target.id} cannot be deleted")


def _freeze_line(mapper, connection, target):
    if target.notice is None or target.notice.is_published():
        raise ImmutableError("lines of a published disclosure cannot change")


def _refuse_comment(mapper, connection, target):
    raise ImmutableError("comments are append-only")


event.listen(DisclosureLine, "before_update", _freeze_line)
event.listen(DisclosureLine, "before_delete", _freeze_line)
event.listen(DisclosureComment, "before_update", _refuse_comment)
event.listen(DisclosureComment, "before_delete", _refuse_comment)
