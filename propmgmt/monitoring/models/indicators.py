"""Monthly indicators per community (stored counts, so 'no data' stays distinguishable from 0%),
the alerts they raise, and recorded evaluations (最美楼栋, 干净小区, 文明社区)."""
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
from propmgmt.monitoring.models.vocab import ALERT_KINDS
from propmgmt.monitoring.models.vocab import ALERT_STATUSES
from propmgmt.monitoring.models.vocab import EVALUATIONS
from propmgmt.monitoring.models.vocab import sql_in

# The counted columns of a month; each rate is a numerator over a denominator of this list.
COUNTS = (
    "dwellings", "billed_fen", "paid_fen", "billed_dwellings", "paid_dwellings",
    "tickets_opened", "complaints_opened", "hotline_opened",
    "response_due", "responded_on_time", "resolution_due", "resolved_on_time",
    "resolved", "reopened", "overdue_open", "escalated",
    "rated", "rated_good", "rating_sum",
    "survey_answers", "survey_score_sum",
    "inspections_due", "inspections_done_on_time", "inspections_missed",
    "findings_checked", "findings_passed", "facilities", "facilities_good",
    "meetings_held", "action_items_overdue", "backsliding_events",
)


class CommunityIndicators(CommunityOwned, db.Model):
    """One community's figures for one month (YYYY-MM), written by the indicator run."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "period"),
        sa.Index("ix_community_indicators_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    index_x100: Mapped[Optional[int]]  # backsliding index 0-100, in hundredths; None = no data
    components: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    community: Mapped["Community"] = relationship()  # noqa: F821


for _name in COUNTS:
    setattr(CommunityIndicators, _name, mapped_column(
        _name, sa.BigInteger, nullable=False, default=0, server_default="0"))
CommunityIndicators.__annotations__.update(dict.fromkeys(COUNTS, Mapped[int]))


class Alert(CommunityOwned, Timestamps, db.Model):
    """Raised by the indicator run for a community and month; acknowledged, then closed with a
    note. One per (community, month, kind, indicator): a re-run raises nothing twice."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "period", "kind", "indicator"),
        sa.CheckConstraint(f"kind {sql_in(ALERT_KINDS)}", name="kind_known"),
        sa.CheckConstraint(f"status {sql_in(ALERT_STATUSES)}", name="status_known"),
        sa.Index("ix_alert_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    kind: Mapped[str] = mapped_column(sa.String(16))
    indicator: Mapped[str] = mapped_column(sa.String(32), default="")
    value_x100: Mapped[Optional[int]]
    threshold_x100: Mapped[Optional[int]]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    acknowledged_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    community: Mapped["Community"] = relationship()  # noqa: F821


class Evaluation(CommunityOwned, Timestamps, db.Model):
    """A recorded evaluation: a building or the community named 最美楼栋, 干净小区 or 文明社区."""

    __table_args__ = (
        sa.CheckConstraint(f"kind {sql_in(EVALUATIONS)}", name="kind_known"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int]
    building_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("building.id", ondelete="CASCADE"))
    awarded_by: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    building: Mapped[Optional["Building"]] = relationship()  # noqa: F821
