"""Money received and returned: payments, their allocation to bills, refunds, the ledger, and the
payment provider's events (each applied once)."""
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


class Payment(CommunityOwned, db.Model):
    """Money from a dwelling: offline (recorded by staff) or online (an attempt at a provider)."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "method", "reference"),
        sa.UniqueConstraint("provider", "provider_ref"),
        sa.UniqueConstraint("idempotency_key"),
        sa.Index("ix_payment_one_open_attempt", "bill_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"),
                 postgresql_where=sa.text("status = 'pending'")),
        sa.Index("ix_payment_community_dwelling", "community_id", "dwelling_id"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id"))
    bill_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("bill.id"))  # online: the bill paid
    method: Mapped[str] = mapped_column(sa.String(20))  # cash|bank_transfer|online
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    reference: Mapped[Optional[str]] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="succeeded")  # pending|succeeded|failed
    provider: Mapped[Optional[str]] = mapped_column(sa.String(20))
    provider_ref: Mapped[Optional[str]] = mapped_column(sa.String(100))
    idempotency_key: Mapped[Optional[str]] = mapped_column(sa.String(100))
    failure_message: Mapped[Optional[str]] = mapped_column(sa.Text)
    payer_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())

    dwelling: Mapped["Dwelling"] = relationship()  # noqa: F821


class Allocation(CommunityOwned, db.Model):
    """Part of a payment applied to a bill; a refund adds a negative allocation."""

    __table_args__ = (sa.Index("ix_allocation_community_bill", "community_id", "bill_id"),
                      sa.Index("ix_allocation_payment", "payment_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"))
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("bill.id"))
    refund_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("refund.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Refund(CommunityOwned, db.Model):
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
                      sa.UniqueConstraint("provider_ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    provider_ref: Mapped[Optional[str]] = mapped_column(sa.String(100))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerEntry(CommunityOwned, db.Model):
    """Double entry: every money movement writes legs that sum to zero. Never updated or deleted."""

    __table_args__ = (sa.Index("ix_ledger_entry_community_at", "community_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    account: Mapped[str] = mapped_column(sa.String(32))  # cash|bank|provider|receivable|credit
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    payment_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    refund_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("refund.id"))
    memo: Mapped[str] = mapped_column(sa.String(200), default="")


class ProviderEvent(db.Model):
    """The payment provider's webhook inbox: one row per event id, applied once."""

    __table_args__ = (sa.UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(20))
    event_id: Mapped[str] = mapped_column(sa.String(100))
    type: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="received")  # applied|ignored|parked|flagged
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    community_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("community.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
