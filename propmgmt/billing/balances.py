"""What is owed, derived in SQL from the append-only facts (bills, adjustments, allocations)."""
import dataclasses
import datetime as dt

import sqlalchemy as sa

from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillAdjustment
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.db import db

OPEN, PARTIAL, PAID, VOID = "open", "partially_paid", "paid", "void"


def paid_of_bill():
    """The money allocated to the enclosing select's bill: a correlated sum over that bill's
    allocations only, read through ix_allocation_community_bill (community_id, bill_id). (A
    subquery grouping every allocation by bill and joined afterwards made the databases
    aggregate all allocations of all periods for each page: 0.2-0.7 s per bill page at
    ~1M allocations.)"""
    return (sa.select(sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0))
            .where(Allocation.community_id == Bill.community_id, Allocation.bill_id == Bill.id)
            .correlate(Bill).scalar_subquery())


def adjusted_of_bill():
    """(sum of the bill's adjustments, 1 when one voids it) as correlated subqueries on
    ix_bill_adjustment_bill_id."""
    mine = BillAdjustment.bill_id == Bill.id
    return (sa.select(sa.func.coalesce(sa.func.sum(BillAdjustment.amount_fen), 0))
            .where(mine).correlate(Bill).scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.max(sa.case((BillAdjustment.is_void, 1), else_=0)),
                                       0))
            .where(mine).correlate(Bill).scalar_subquery())


def with_balances(stmt):
    """Add due_fen, paid_fen, balance_fen and void to a select of Bill (one statement)."""
    adjusted, void = adjusted_of_bill()
    due = Bill.amount_fen + adjusted
    paid_fen = paid_of_bill()
    return stmt.add_columns(due.label("due_fen"), paid_fen.label("paid_fen"),
                            (due - paid_fen).label("balance_fen"), void.label("void"))


@dataclasses.dataclass
class BillView:
    bill: Bill
    due_fen: int
    paid_fen: int
    balance_fen: int
    void: bool

    @property
    def status(self):
        if self.void:
            return VOID
        if self.balance_fen <= 0:
            return PAID
        return PARTIAL if self.paid_fen > 0 else OPEN

    def overdue_days(self, today=None):
        today = today or dt.date.today()
        return max((today - self.bill.due_on).days, 0) if self.status in (OPEN, PARTIAL) else 0


def views(stmt):
    """[BillView] for a select of Bill."""
    return [BillView(row[0], int(row.due_fen), int(row.paid_fen), int(row.balance_fen),
                     bool(row.void)) for row in db.session.execute(with_balances(stmt))]


def bill_view(bill):
    return views(sa.select(Bill).where(Bill.id == bill.id))[0]


def open_bills_of(dwelling, for_update=False):
    """The dwelling's unpaid, unvoided bills, oldest first."""
    stmt = sa.select(Bill).where(Bill.community_id == dwelling.community_id,
                                 Bill.dwelling_id == dwelling.id).order_by(Bill.period, Bill.id)
    return [v for v in views(stmt) if v.status in (OPEN, PARTIAL)]


def credit_of(dwelling):
    """Money paid by a dwelling and not yet applied to a bill (prepayment), in fen."""
    paid = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_fen), 0)).where(
        Payment.community_id == dwelling.community_id, Payment.dwelling_id == dwelling.id,
        Payment.status == "succeeded")) or 0
    refunded = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_fen), 0))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(Payment.community_id == dwelling.community_id,
               Payment.dwelling_id == dwelling.id)) or 0
    allocated = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0))
        .join(Payment, Payment.id == Allocation.payment_id)
        .where(Payment.community_id == dwelling.community_id,
               Payment.dwelling_id == dwelling.id)) or 0
    return int(paid) - int(refunded) - int(allocated)


def dwellings_with_credit(community_id=None):
    """Ids of dwellings whose succeeded payments exceed what was refunded and allocated."""
    paid = (sa.select(Payment.dwelling_id.label("dwelling_id"),
                      sa.func.sum(Payment.amount_fen).label("amount"))
            .where(Payment.status == "succeeded").group_by(Payment.dwelling_id))
    used = (sa.select(Payment.dwelling_id.label("dwelling_id"),
                      sa.func.sum(Allocation.amount_fen).label("amount"))
            .join(Allocation, Allocation.payment_id == Payment.id).group_by(Payment.dwelling_id))
    refunded = (sa.select(Payment.dwelling_id.label("dwelling_id"),
                          sa.func.sum(Refund.amount_fen).label("amount"))
                .join(Refund, Refund.payment_id == Payment.id).group_by(Payment.dwelling_id))
    if community_id is not None:
        paid = paid.where(Payment.community_id == community_id)
    paid, used, refunded = paid.subquery(), used.subquery(), refunded.subquery()
    credit = (paid.c.amount - sa.func.coalesce(used.c.amount, 0)
              - sa.func.coalesce(refunded.c.amount, 0))
    stmt = (sa.select(paid.c.dwelling_id).outerjoin(used, used.c.dwelling_id == paid.c.dwelling_id)
            .outerjoin(refunded, refunded.c.dwelling_id == paid.c.dwelling_id).where(credit > 0))
    return list(db.session.scalars(stmt))
