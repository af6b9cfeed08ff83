"""Votes and ballots. A ballot belongs to one owner person; the dwellings it covers are rows of
BallotDwelling, unique per vote and dwelling, so co-owners racing for one dwelling leave one winner."""
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


class Vote(CommunityOwned, Timestamps, db.Model):
    """A matter put to the owners, open between `opens_at` and `closes_at`."""

    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="window_ordered"),
        sa.CheckConstraint("matter IN ('ordinary', 'major')", name="matter_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    item: Mapped[Optional[str]] = mapped_column(sa.String(32))
    matter: Mapped[str] = mapped_column(sa.String(16))
    options: Mapped[list] = mapped_column(sa.JSON)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The public cycle: announced (notice) -> voting -> provisional result posted for objections
    # -> final result. Votes recorded before the cycle existed have no announcement date.
    announced_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    notice_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("notice.id", ondelete="SET NULL"))
    objection_days: Mapped[int] = mapped_column(default=7, server_default="7")
    provisional_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    provisional_notice_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notice.id", ondelete="SET NULL"))
    finalized_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    final_result: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    final_notice_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notice.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821

    @property
    def objections_close_at(self):
        if self.provisional_at is None:
            return None
        return self.provisional_at + dt.timedelta(days=self.objection_days)

    def is_open(self, now):
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now):
        return now >= self.closes_at


class Ballot(CommunityOwned, Timestamps, db.Model):
    """One owner's ballot; `paper_ref` and `entered_by` record a paper ballot typed in."""

    __table_args__ = (sa.UniqueConstraint("community_id", "vote_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    option: Mapped[str] = mapped_column(sa.String(64))
    paper_ref: Mapped[Optional[str]] = mapped_column(sa.String(100))
    entered_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    dwellings: Mapped[list["BallotDwelling"]] = relationship(lazy="selectin",
                                                             back_populates="ballot")
    person: Mapped["Person"] = relationship()  # noqa: F821
    entered_by: Mapped[Optional["User"]] = relationship()  # noqa: F821


class BallotDwelling(CommunityOwned, db.Model):
    """A dwelling a ballot speaks for, with its area when cast; one per vote and dwelling."""

    __table_args__ = (sa.UniqueConstraint("community_id", "vote_id", "dwelling_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    ballot_id: Mapped[int] = mapped_column(sa.ForeignKey("ballot.id", ondelete="CASCADE"),
                                           index=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id", ondelete="CASCADE"),
                                             index=True)
    area_x100: Mapped[int] = mapped_column(sa.BigInteger)

    ballot: Mapped[Ballot] = relationship(back_populates="dwellings")


class VoteObjection(CommunityOwned, Timestamps, db.Model):
    """An owner's objection to a provisional result, answered by the committee before the final."""

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    response: Mapped[Optional[str]] = mapped_column(sa.Text)
    responded_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[Optional["User"]] = relationship(foreign_keys=[user_id])  # noqa: F821


class VoteReminder(CommunityOwned, db.Model):
    """A reminder sent to an owner who had not voted; at most one per owner and day."""

    __table_args__ = (sa.UniqueConstraint("community_id", "vote_id", "user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    sent_on: Mapped[dt.date]
    sent_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
