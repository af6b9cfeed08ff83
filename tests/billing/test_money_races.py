"""Races on money, between real transactions on PostgreSQL (RELIABILITY C3, C4, L1): two
billing runs at once, concurrent refunds of one payment, concurrent cash payments."""
import datetime as dt

import sqlalchemy as sa

from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.communities import modes
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from tests.tickets.test_concurrency import THREADS
from tests.tickets.test_concurrency import committed  # noqa: F401 (fixture)
from tests.realdb import postgresql_only
from tests.tickets.test_concurrency import race

pytestmark = postgresql_only


def _billed(committed):  # noqa: F811
    cast = committed.cast(modes.PROFESSIONAL)
    fees.create_fee_item(community=cast.community, name="物业服务费", basis="per_m2",
                         rate_fen=45, effective_from=dt.date(2025, 1, 1))
    return cast


def test_c4_two_billing_runs_at_once_bill_each_dwelling_once(app, committed):  # noqa: F811
    cast = _billed(committed)
    community_id = cast.community.id

    def bill_it(barrier):
        barrier.wait()
        return run.run_billing(period="2026-01").created

    created = race(app, bill_it)
    print(f"{THREADS} concurrent billing runs created {created}")
    lines = db.session.scalar(sa.select(sa.func.count()).select_from(Bill).where(
        Bill.community_id == community_id, Bill.period == "2026-01"))
    assert lines == 1 and sum(created) >= 1


def test_c3_concurrent_refunds_never_exceed_the_payment(app, committed):  # noqa: F811
    cast = _billed(committed)
    run.run_billing(period="2026-01", community=cast.community)
    payment_id = payments.record_payment(dwelling=cast.dwelling, amount_fen=3000, method="cash",
                                         reference="RACE-1").id

    def refund(barrier):
        payment = db.session.get(Payment, payment_id)
        barrier.wait()
        try:
            payments.record_refund(payment=payment, amount_fen=1000, reason="race")
        except (Invalid, Conflict):
            return "refused"
        return "refunded"

    results = race(app, refund)
    print(f"{THREADS} concurrent refunds of 1000 fen against 3000 fen: {sorted(map(str, results))}")
    assert sorted(map(str, results)) == ["refunded"] * 3 + ["refused"] * (THREADS - 3)
    refunded = db.session.scalar(sa.select(sa.func.sum(Refund.amount_fen)).where(
        Refund.payment_id == payment_id))
    assert refunded == 3000
    assert db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_fen)).where(
        LedgerEntry.payment_id == payment_id)) == 0


def test_concurrent_cash_payments_never_overpay_a_bill(app, committed):  # noqa: F811
    cast = _billed(committed)
    run.run_billing(period="2026-01", community=cast.community)
    dwelling_id = cast.dwelling.id
    bill_id = db.session.scalar(sa.select(Bill.id).where(Bill.dwelling_id == dwelling_id))

    def pay(barrier):
        dwelling, bill = db.session.get(Dwelling, dwelling_id), db.session.get(Bill, bill_id)
        index = barrier.wait()
        try:
            payments.record_payment(dwelling=dwelling, bill=bill, amount_fen=bill.amount_fen,
                                    method="cash", reference=f"RACE-P{index}")
        except (Invalid, Conflict):
            return "refused"
        return "paid"

    results = race(app, pay)
    print(f"{THREADS} staff paying one bill in full at once: {sorted(map(str, results))}")
    assert sorted(map(str, results)) == ["paid"] + ["refused"] * (THREADS - 1)
