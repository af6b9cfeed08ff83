"""Reads for the billing API: fee items, a page of a dwelling's bills with balances, payments."""
import dataclasses

import sqlalchemy as sa

from propmgmt.billing import balances
from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import Payment
from propmgmt.db import db
from propmgmt.pagination import MAX_PAGE
from propmgmt.pagination import MAX_PER_PAGE
from propmgmt.pagination import Page


def fee_items_stmt(community):
    """A community's fee items in the order they were created (rates come selectin-loaded)."""
    return sa.select(FeeItem).where(FeeItem.community_id == community.id).order_by(FeeItem.id)


def fee_item_named(community, name):
    """The community's fee item called `name` (names are unique per community), or None."""
    return db.session.scalar(sa.select(FeeItem).where(FeeItem.community_id == community.id,
                                                      FeeItem.name == name))


@dataclasses.dataclass
class BillLine:
    view: balances.BillView
    fee_item: str


def bills_page(dwelling, page=1, per_page=20):
    """A dwelling's bills, newest period first: one COUNT and one statement for the page with its
    balances and fee item names, whatever the number of bills."""
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    where = (Bill.community_id == dwelling.community_id, Bill.dwelling_id == dwelling.id)
    total = db.session.scalar(sa.select(sa.func.count(Bill.id)).where(*where)) or 0
    stmt = (sa.select(Bill).where(*where)
            .join(FeeItem, FeeItem.id == Bill.fee_item_id)
            .add_columns(FeeItem.name.label("fee_item_name"))
            .order_by(Bill.period.desc(), FeeItem.name, Bill.id)
            .limit(per_page).offset((page - 1) * per_page))
    lines = [BillLine(balances.BillView(row[0], int(row.due_fen), int(row.paid_fen),
                                        int(row.balance_fen), bool(row.void)), row.fee_item_name)
             for row in db.session.execute(balances.with_balances(stmt))]
    return Page(lines, page, per_page, total)


def payment_by_idempotency_key(key):
    return db.session.scalar(sa.select(Payment).where(Payment.idempotency_key == key))


def allocations_of(payment):
    """How a payment was applied to bills when it was recorded (refunds' reversals left out)."""
    return list(db.session.scalars(
        sa.select(Allocation).where(Allocation.community_id == payment.community_id,
                                    Allocation.payment_id == payment.id,
                                    Allocation.refund_id.is_(None)).order_by(Allocation.id)))
