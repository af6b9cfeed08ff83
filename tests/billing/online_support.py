"""Helpers of the online payment tests: a billed estate, reading bills, payments and the ledger."""
import datetime as dt

import sqlalchemy as sa

from propmgmt.billing import balances
from propmgmt.billing import run
from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Payment
from propmgmt.billing.models import ProviderEvent
from propmgmt.db import db
from tests.billing.conftest import make_estate

PERIOD = dt.date.today().strftime("%Y-%m")


def billed_estate(**kwargs):
    """make_estate() billed for this month: (estate, the bill of dwellings[0], where the resident
    (owner) and the tenant live)."""
    estate = make_estate(**kwargs)
    run.run_billing(period=PERIOD, community=estate.community)
    return estate, bill_of(estate.dwellings[0])


def bill_of(dwelling, period=PERIOD):
    return db.session.scalar(sa.select(Bill).where(Bill.dwelling_id == dwelling.id,
                                                   Bill.period == period))


def view(bill):
    return balances.bill_view(bill)


def attempts(bill):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Payment).where(Payment.bill_id == bill.id)
                                   .order_by(Payment.id)))


def legs(payment):
    return db.session.execute(sa.select(LedgerEntry.account, LedgerEntry.amount_fen)
                              .where(LedgerEntry.payment_id == payment.id)
                              .order_by(LedgerEntry.id)).all()


def allocations(payment):
    return list(db.session.scalars(sa.select(Allocation.amount_fen)
                                   .where(Allocation.payment_id == payment.id)))


def events(**where):
    stmt = sa.select(ProviderEvent).order_by(ProviderEvent.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(ProviderEvent, name) == value)
    return list(db.session.scalars(stmt))


def ledger_total():
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_fen), 0)))


def pay(client, bill, payment_method="pm_card_visa"):
    """The pay page's script: POST {payment_method} as JSON."""
    return client.post(f"/bills/{bill.id}/pay", json={"payment_method": payment_method},
                       headers={"Accept-Language": "en"})
