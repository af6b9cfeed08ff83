"""The lists behind the staff money pages: bills, payments and one dwelling's account, each a
fixed number of statements."""
import dataclasses
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from propmgmt import pagination
from propmgmt.auth.models import User
from propmgmt.billing import balances
from propmgmt.billing import payments
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillAdjustment
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.billing.models import Reminder
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.communities.services import find_dwelling
from propmgmt.db import db
from propmgmt.errors import NotFound
from propmgmt.billing.arrears import STATUSES
from propmgmt.billing.arrears import _natural
from propmgmt.billing.arrears import overdue_of


@dataclasses.dataclass
class BillLine(balances.BillView):
    label: str = ""
    fee_name: str = ""


@dataclasses.dataclass
class PaymentLine:
    payment: Payment
    label: str
    refunded_fen: int
    recorded_by: Optional[str]

    @property
    def refundable_fen(self):
        return self.payment.amount_fen - self.refunded_fen


@dataclasses.dataclass
class Account:
    dwelling: Dwelling
    bills: list
    payments: list
    refunds: list  # (Refund, by)
    adjustments: list  # (BillAdjustment, period, fee name, by)
    steps: list  # (Reminder, by)
    occupants: list  # (name, kind)
    credit_fen: int
    overdue_fen: int


def row_in(model, community, ident):
    """One row (dwelling, bill, payment) of an authorized `community` by id, else NotFound."""
    found = db.session.scalar(sa.select(model).where(model.community_id == community.id,
                                                     model.id == ident))
    if found is None:
        raise NotFound()
    return found


def refundable_of(payment):
    return payment.amount_fen - payments.refunded_of(payment)


def refund_offline(*, payment, amount_fen, reason, actor=None):
    """Refund a payment: cash and transfers are recorded, online ones go back through Stripe."""
    from propmgmt.billing import refunds  # noqa: PLC0415

    return refunds.refund_payment(payment=payment, amount_fen=amount_fen, reason=reason,
                                  actor=actor)


def _status_is(status, c):
    live = c.void == 0
    return {balances.VOID: c.void != 0,
            balances.PAID: sa.and_(live, c.balance_fen <= 0),
            balances.PARTIAL: sa.and_(live, c.balance_fen > 0, c.paid_fen > 0),
            balances.OPEN: sa.and_(live, c.balance_fen > 0, c.paid_fen <= 0)}[status]


def bill_lines_stmt(community_id, period=None, status=None, building_id=None, dwelling_id=None,
                    bill_id=None, oldest_first=False):
    """Bills with their balances, dwelling labels and fee names, in one statement."""
    base = sa.select(Bill).where(Bill.community_id == community_id)
    if period:
        base = base.where(Bill.period == period)
    for column, value in ((Bill.dwelling_id, dwelling_id), (Bill.id, bill_id)):
        if value is not None:
            base = base.where(column == value)
    lines = balances.with_balances(base).subquery("lines")
    bill = aliased(Bill, lines)
    stmt = (sa.select(bill, lines.c.due_fen, lines.c.paid_fen, lines.c.balance_fen, lines.c.void,
                      Building.name, Dwelling.number, FeeItem.name)
            .join(Dwelling, Dwelling.id == bill.dwelling_id)
            .join(Building, Building.id == Dwelling.building_id)
            .join(FeeItem, FeeItem.id == bill.fee_item_id))
    if building_id is not None:
        stmt = stmt.where(Dwelling.building_id == building_id)
    if status in STATUSES:
        stmt = stmt.where(_status_is(status, lines.c))
    period_order = bill.period if oldest_first else bill.period.desc()
    return stmt.order_by(period_order, *_natural(Building.name), *_natural(Dwelling.number),
                         bill.id)


def _bill_line(row):
    bill, due, paid, balance, void, building, number, fee_name = row
    return BillLine(bill, int(due), int(paid), int(balance), bool(void),
                    label=f"{building}-{number}", fee_name=fee_name)


def _page(stmt, convert, page, per_page):
    page = min(max(int(page or 1), 1), pagination.MAX_PAGE)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return pagination.Page([convert(r) for r in rows], page, per_page, total)


def bill_line(bill):
    """One bill as a BillLine (balance, label, fee name)."""
    return all_bill_lines(bill_lines_stmt(bill.community_id, bill_id=bill.id))[0]


def bill_page(stmt, page=1, per_page=50):
    """One COUNT and one page of bill lines."""
    return _page(stmt, _bill_line, page, per_page)


def all_bill_lines(stmt):
    return [_bill_line(r) for r in db.session.execute(stmt)]


def open_bill_lines(community, label):
    """The unpaid bills of the dwelling called `label` (e.g. 3-502), oldest first; [] if none."""
    dwelling = find_dwelling(community, label) if label else None
    if dwelling is None:
        return []
    stmt = bill_lines_stmt(community.id, dwelling_id=dwelling.id, oldest_first=True)
    return [b for b in all_bill_lines(stmt) if b.status in (balances.OPEN, balances.PARTIAL)]


def payment_lines_stmt(community_id, method=None, search=None, dwelling_id=None):
    """Received payments with dwelling label, refunded sum and who recorded them."""
    refunded = (sa.select(Refund.payment_id, sa.func.sum(Refund.amount_fen).label("fen"))
                .where(Refund.community_id == community_id).group_by(Refund.payment_id)
                .subquery("refunded"))
    stmt = (sa.select(Payment, Building.name, Dwelling.number,
                      sa.func.coalesce(refunded.c.fen, 0), User.display_name)
            .join(Dwelling, Dwelling.id == Payment.dwelling_id)
            .join(Building, Building.id == Dwelling.building_id)
            .outerjoin(refunded, refunded.c.payment_id == Payment.id)
            .outerjoin(User, User.id == sa.func.coalesce(Payment.created_by_id, Payment.payer_id))
            .where(Payment.community_id == community_id, Payment.status == "succeeded")
            .order_by(Payment.id.desc()))
    if method:
        stmt = stmt.where(Payment.method == method)
    if dwelling_id is not None:
        stmt = stmt.where(Payment.dwelling_id == dwelling_id)
    if search:
        stmt = stmt.where(sa.or_(Payment.reference.contains(search, autoescape=True),
                                 Building.name + "-" + Dwelling.number == search))
    return stmt


def _payment_line(row):
    payment, building, number, refunded, by = row
    return PaymentLine(payment, f"{building}-{number}", int(refunded), by)


def payment_page(stmt, page=1, per_page=50):
    return _page(stmt, _payment_line, page, per_page)


def all_payment_lines(stmt):
    return [_payment_line(r) for r in db.session.execute(stmt)]


def _by():
    """An alias of User to outer-join on a created_by_id, and its display name."""
    user = aliased(User)
    return user, user.display_name


def account(dwelling, today=None):
    """Everything staff see for one dwelling: bills, payments, refunds, adjustments, steps."""
    community_id = dwelling.community_id
    refunder, refunder_name = _by()
    refunds = db.session.execute(
        sa.select(Refund, refunder_name).join(Payment, Payment.id == Refund.payment_id)
        .outerjoin(refunder, refunder.id == Refund.created_by_id)
        .where(Refund.community_id == community_id, Payment.dwelling_id == dwelling.id)
        .order_by(Refund.id.desc())).all()
    adjuster, adjuster_name = _by()
    adjustments = db.session.execute(
        sa.select(BillAdjustment, Bill.period, FeeItem.name, adjuster_name)
        .join(Bill, Bill.id == BillAdjustment.bill_id).join(FeeItem, FeeItem.id == Bill.fee_item_id)
        .outerjoin(adjuster, adjuster.id == BillAdjustment.created_by_id)
        .where(BillAdjustment.community_id == community_id, Bill.dwelling_id == dwelling.id)
        .order_by(BillAdjustment.id.desc())).all()
    stepper, stepper_name = _by()
    steps = db.session.execute(
        sa.select(Reminder, stepper_name).outerjoin(stepper, stepper.id == Reminder.created_by_id)
        .where(Reminder.community_id == community_id, Reminder.dwelling_id == dwelling.id)
        .order_by(Reminder.id.desc())).all()
    occupants = db.session.execute(
        sa.select(Person.name, Occupancy.kind).join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community_id, Occupancy.dwelling_id == dwelling.id)
        .order_by(Occupancy.kind, Person.name)).all()
    return Account(
        dwelling=dwelling, refunds=refunds, adjustments=adjustments, steps=steps,
        occupants=occupants, credit_fen=balances.credit_of(dwelling),
        overdue_fen=overdue_of(dwelling, today),
        bills=all_bill_lines(bill_lines_stmt(community_id, dwelling_id=dwelling.id)),
        payments=all_payment_lines(payment_lines_stmt(community_id, dwelling_id=dwelling.id)))
