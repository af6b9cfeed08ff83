"""Satisfaction surveys (满意度测评): a survey per period, one answer per dwelling."""
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

DIMENSIONS = ("cleaning", "security", "greenery", "repairs", "parking", "overall")


class Survey(CommunityOwned, Timestamps, db.Model):
    """A satisfaction survey for one period, open between `opens_at` and `closes_at`."""

    __table_args__ = (sa.CheckConstraint("closes_at > opens_at", name="window_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    period: Mapped[str] = mapped_column(sa.String(16))
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821

    def is_open(self, now):
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now):
        return now >= self.closes_at


def _score(name):
    return mapped_column(name, sa.SmallInteger)


class SurveyAnswer(CommunityOwned, Timestamps, db.Model):
    """One dwelling's answer to a survey: six scores 1-5 and an optional comment."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "survey_id", "dwelling_id"),
        *[sa.CheckConstraint(f"{d} BETWEEN 1 AND 5", name=f"{d}_in_range") for d in DIMENSIONS],
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id", ondelete="CASCADE"),
                                             index=True)
    answered_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    cleaning: Mapped[int] = _score("cleaning")
    security: Mapped[int] = _score("security")
    greenery: Mapped[int] = _score("greenery")
    repairs: Mapped[int] = _score("repairs")
    parking: Mapped[int] = _score("parking")
    overall: Mapped[int] = _score("overall")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
