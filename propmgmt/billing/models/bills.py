"""Bills (one per dwelling x fee item x period), their adjustments, reminders, and the
community's billing settings."""
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


class BillingSettings(CommunityOwned, db.Model):
    """How a community bills: due day, vacant dwellings, late fees (only where the contract has one)."""

    __table_args__ = (
        sa.UniqueConstraint("community_id"),
        sa.CheckConstraint("due_day BETWEEN 1 AND 28", name="due_day_range"),
        sa.CheckConstraint("vacancy_discount_pct BETWEEN 0 AND 100", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    due_day: Mapped[int] = mapped_column(default=15)
    vacancy_policy: Mapped[str] = mapped_column(sa.String(16), default="full")  # full|discount|developer
    vacancy_discount_pct: Mapped[int] = mapped_column(default=0)
    late_fee_daily_bp: Mapped[Optional[int]]  # basis points of the balance per day; None = no late fee
    late_fee_cap_pct: Mapped[Optional[int]]


class Bill(CommunityOwned, db.Model):
    """An append-only charge; what was paid comes from allocations, changes from adjustments."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "dwelling_id", "fee_item_id", "period"),
        sa.Index("ix_bill_community_period", "community_id", "period"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id"), index=True)
    fee_item_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_item.id"))
    period: Mapped[str] = mapped_column(sa.String(7))
    months: Mapped[int]
    rate_fen: Mapped[int] = mapped_column(sa.BigInteger)
    area_x100: Mapped[int] = mapped_column(sa.BigInteger)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    due_on: Mapped[dt.date]
    bill_to: Mapped[str] = mapped_column(sa.String(16), default="occupant")  # occupant|developer
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dwelling: Mapped["Dwelling"] = relationship()  # noqa: F821
    fee_item: Mapped["FeeItem"] = relationship()  # noqa: F821


class BillAdjustment(CommunityOwned, Timestamps, db.Model):
    """A change to what a bill asks for (a waiver, a correction, voiding it), with its reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("bill.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)  # negative lowers the bill
    is_void: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))


class Reminder(CommunityOwned, Timestamps, db.Model):
    """A dated payment reminder to a dwelling (it interrupts the 3-year limitation)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16), default="in_app")
    action: Mapped[str] = mapped_column(sa.String(20), default="reminder")  # reminder|mediation|lawsuit
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
