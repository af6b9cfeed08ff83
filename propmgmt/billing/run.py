"""The monthly billing run: one set-based INSERT ... SELECT, idempotent, safe when runs overlap.

One bill line per dwelling x active fee item x period; amount = rate x area x months, rounded
half-up to the fen once per line (DOMAIN rule 23). The unique constraint on (community, dwelling,
fee item, period) and ON CONFLICT DO NOTHING make a second or concurrent run create nothing.
"""
import dataclasses

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import aliased

from propmgmt import audit
from propmgmt import scoping
from propmgmt.billing import periods
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillingSettings
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import FeeRate
from propmgmt.communities.models import Dwelling
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.db import utcnow

COLUMNS = ["community_id", "dwelling_id", "fee_item_id", "period", "months", "rate_fen",
           "area_x100", "amount_fen", "due_on", "bill_to", "created_at"]


@dataclasses.dataclass
class RunResult:
    period: str
    created: int
    skipped: int


def _rate_in_force(first_day):
    later = aliased(FeeRate)
    newest = (sa.select(sa.func.max(later.effective_from))
              .where(later.fee_item_id == FeeItem.id, later.effective_from <= first_day)
              .scalar_subquery())
    return sa.and_(FeeRate.fee_item_id == FeeItem.id, FeeRate.effective_from == newest)


def _amount(months):
    """Integer fen, half-up once per line; vacancy discounts apply to vacant and undelivered flats."""
    discount = sa.func.coalesce(BillingSettings.vacancy_discount_pct, 0)
    factor = sa.case((sa.and_(Dwelling.occupancy_status.in_(("vacant", "undelivered")),
                              BillingSettings.vacancy_policy == "discount"), 100 - discount),
                     else_=100)
    per_m2 = (FeeRate.rate_fen * Dwelling.area_x100 * months * factor + 5000) // 10000
    per_dwelling = (FeeRate.rate_fen * months * factor + 50) // 100
    return sa.case((FeeItem.basis == "per_m2", per_m2), else_=per_dwelling)


def _due_on(period):
    day = sa.func.coalesce(BillingSettings.due_day, 15)
    return sa.case(*[(day == d, periods.due_on(period, d)) for d in range(1, 29)],
                   else_=periods.due_on(period, 15))


def candidates(period, community_id=None):
    """The SELECT of every bill line the period should have."""
    year, month = periods.parse(period)
    cycles = [c for c in periods.CYCLE_MONTHS if periods.is_billed(c, month)]
    months = sa.case(*[(FeeItem.cycle == c, n) for c, n in periods.CYCLE_MONTHS.items()], else_=1)
    bill_to = sa.case((sa.and_(Dwelling.occupancy_status == "undelivered",
                               BillingSettings.vacancy_policy == "developer"), "developer"),
                      else_="occupant")
    stmt = (sa.select(Dwelling.community_id, Dwelling.id, FeeItem.id, sa.literal(period), months,
                      FeeRate.rate_fen, Dwelling.area_x100, _amount(months), _due_on(period),
                      bill_to, sa.literal(utcnow(), UTCDateTime()))
            .join(FeeItem, sa.and_(FeeItem.community_id == Dwelling.community_id,
                                   FeeItem.is_active.is_(True), FeeItem.cycle.in_(cycles)))
            .join(FeeRate, _rate_in_force(periods.first_day(period)))
            .outerjoin(BillingSettings, BillingSettings.community_id == Dwelling.community_id))
    if community_id is not None:
        stmt = stmt.where(Dwelling.community_id == community_id)
    return scoping.unscoped(stmt, reason="the billing run covers every community it is given")


def run_billing(*, period, community=None, actor=None):
    """Bill `period` for one community (or all); returns how many lines were created and skipped."""
    community_id = getattr(community, "id", None)
    select = candidates(period, community_id)
    wanted = db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery())) or 0
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Bill)
    # RETURNING counts what this run created (psycopg reports no rowcount for INSERT ... SELECT).
    created = len(db.session.execute(insert.from_select(COLUMNS, select)
                                     .on_conflict_do_nothing().returning(Bill.id)).all())
    audit.record("billing.run", actor=actor, community_id=community_id, period=period,
                 created=created, skipped=wanted - created)
    db.session.commit()
    if created:
        from propmgmt.billing import payments  # noqa: PLC0415

        payments.apply_credits(community_id=community_id)
    return RunResult(period=period, created=created, skipped=wanted - created)
