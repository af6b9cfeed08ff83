"""Collection figures per community and period, in one set-based statement.

billed = what the period's bills ask for after adjustments (voided bills left out);
paid = what is allocated to those bills (refunds reverse allocations, so it is net);
collection rate by amount = paid / billed; by dwelling = dwellings whose every bill of the period
is paid / dwellings billed. A period without bills has no rate ("no data", DOMAIN rule 45).
"""
import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from propmgmt.billing import periods as billing_periods
from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillAdjustment
from propmgmt.db import db

PERIODS_SHOWN = 12


@dataclasses.dataclass(frozen=True)
class PeriodFigures:
    community_id: int
    period: str
    billed_fen: int = 0
    paid_fen: int = 0
    dwellings_billed: int = 0
    dwellings_paid: int = 0

    @property
    def has_data(self):
        return self.dwellings_billed > 0

    @property
    def amount_rate(self):
        """paid / billed as an exact fraction, None without bills (or when nothing is asked)."""
        return Fraction(self.paid_fen, self.billed_fen) if self.billed_fen > 0 else None

    @property
    def dwelling_rate(self):
        """Fully paid dwellings / dwellings billed as an exact fraction, None without bills."""
        return Fraction(self.dwellings_paid, self.dwellings_billed) if self.has_data else None

    @property
    def amount_pct(self):
        return percent(self.amount_rate)

    @property
    def dwelling_pct(self):
        return percent(self.dwelling_rate)


def percent(rate, places="0.1"):
    """A rate as a Decimal percentage rounded half-up (66.7 for 2/3), None stays None."""
    if rate is None:
        return None
    return (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP)


def last_periods(count=PERIODS_SHOWN, today=None):
    """The `count` periods up to and including this month, oldest first."""
    first = (today or dt.date.today()).replace(day=1)
    return [billing_periods.add_months(first, -n).strftime("%Y-%m")
            for n in range(count - 1, -1, -1)]


def _per_bill(community_ids, periods):
    """One row per unvoided bill of the periods: its community, period, dwelling, due and paid.

    Starts from the periods' bills (ix_bill_community_period) and joins their allocations on
    (community_id, bill_id), instead of summing every allocation first (bench/README.md: half
    the time of the collection statement on PostgreSQL at district scale)."""
    adjusted = (sa.select(BillAdjustment.bill_id,
                          sa.func.sum(BillAdjustment.amount_fen).label("amount"),
                          sa.func.max(sa.case((BillAdjustment.is_void, 1), else_=0)).label("void"))
                .where(BillAdjustment.community_id.in_(community_ids))
                .group_by(BillAdjustment.bill_id).subquery("adjusted"))
    paid = sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0)
    due = Bill.amount_fen + sa.func.coalesce(sa.func.max(adjusted.c.amount), 0)
    return (sa.select(Bill.community_id, Bill.period, Bill.dwelling_id, due.label("due"),
                      paid.label("paid"), sa.case((paid >= due, 1), else_=0).label("settled"))
            .outerjoin(Allocation, sa.and_(Allocation.community_id == Bill.community_id,
                                           Allocation.bill_id == Bill.id))
            .outerjoin(adjusted, adjusted.c.bill_id == Bill.id)
            .where(Bill.community_id.in_(community_ids), Bill.period.in_(periods),
                   sa.func.coalesce(adjusted.c.void, 0) == 0)
            .group_by(Bill.id, Bill.community_id, Bill.period, Bill.dwelling_id,
                      Bill.amount_fen)
            .subquery("lines"))


def _statement(community_ids, periods):
    lines = _per_bill(community_ids, periods)
    dwellings = (sa.select(lines.c.community_id, lines.c.period,
                           sa.func.sum(lines.c.due).label("due"),
                           sa.func.sum(lines.c.paid).label("paid"),
                           sa.func.min(lines.c.settled).label("settled"))
                 .group_by(lines.c.community_id, lines.c.period, lines.c.dwelling_id)
                 .subquery("dwellings"))
    return (sa.select(dwellings.c.community_id, dwellings.c.period,
                      sa.func.sum(dwellings.c.due), sa.func.sum(dwellings.c.paid),
                      sa.func.count(), sa.func.sum(dwellings.c.settled))
            .group_by(dwellings.c.community_id, dwellings.c.period))


def collection_by_community(community_ids, periods):
    """{(community_id, period): PeriodFigures} for every pair asked for, in one query.

    The caller decides which communities the figures cover (it has authorized them).
    """
    community_ids, periods = sorted(set(community_ids)), sorted(set(periods))
    found = {}
    if community_ids and periods:
        for cid, period, billed, paid, dwellings, settled in db.session.execute(
                _statement(community_ids, periods)):
            found[cid, period] = PeriodFigures(cid, period, int(billed or 0), int(paid or 0),
                                               int(dwellings), int(settled or 0))
    return {(cid, p): found.get((cid, p)) or PeriodFigures(cid, p)
            for cid in community_ids for p in periods}


def collection(community, periods=None):
    """The community's figures for `periods` (default: the last 12 months), oldest first."""
    periods = periods or last_periods()
    figures = collection_by_community([community.id], periods)
    return [figures[community.id, p] for p in sorted(set(periods))]
