"""Fee items (what is charged, on what basis) and their dated rate history."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import Timestamps
from propmgmt.db import db


class FeeItem(CommunityOwned, Timestamps, db.Model):
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(20), default="service")  # service|parking|pass_through|other
    basis: Mapped[str] = mapped_column(sa.String(16))  # per_m2 | per_dwelling
    cycle: Mapped[str] = mapped_column(sa.String(16), default="monthly")  # monthly|quarterly|yearly
    price_form: Mapped[str] = mapped_column(sa.String(16), default="market")  # guided | market
    guided_base_fen: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    guided_float_pct: Mapped[Optional[int]]
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    rates: Mapped[list["FeeRate"]] = relationship(order_by="FeeRate.effective_from",
                                                  back_populates="fee_item", lazy="selectin")

    def rate_on(self, day):
        """The rate in force on `day`, or None before the first one."""
        current = None
        for rate in self.rates:
            if rate.effective_from <= day:
                current = rate
        return current


class FeeRate(CommunityOwned, Timestamps, db.Model):
    """A rate in fen per month (per m² of exclusive area, or per dwelling) from a date on."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "fee_item_id", "effective_from"),
        sa.CheckConstraint("rate_fen >= 0", name="rate_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fee_item_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_item.id", ondelete="CASCADE"),
                                             index=True)
    rate_fen: Mapped[int] = mapped_column(sa.BigInteger)
    effective_from: Mapped[dt.date]
    announced_on: Mapped[dt.date]
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))

    fee_item: Mapped[FeeItem] = relationship(back_populates="rates")


class ParkingSpace(CommunityOwned, Timestamps, db.Model):
    """A parking space; a fee item charged per space bills the dwelling it is rented to."""

    __table_args__ = (sa.UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    dwelling_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("dwelling.id"), index=True)

    dwelling: Mapped[Optional["Dwelling"]] = relationship()  # noqa: F821
