"""The billing core: rates, the run, payments, allocation, refunds, adjustments, the ledger."""
import datetime as dt

import pytest
import sqlalchemy as sa

from propmgmt.billing import balances
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.ledger import AppendOnlyError
from propmgmt.billing.models import Bill
from propmgmt.billing.models import LedgerEntry
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from tests.billing.conftest import make_estate

PERIOD = dt.date.today().strftime("%Y-%m")


def bills(estate):
    return balances.views(sa.select(Bill).where(Bill.community_id == estate.community.id)
                          .order_by(Bill.dwelling_id))


def test_rule_23_quarterly_amount_rounds_half_up_once():
    estate = make_estate(areas=(7230,))
    fees.create_fee_item(community=estate.community, name="季度服务费", basis="per_m2",
                         rate_fen=45, cycle="quarterly", effective_from=dt.date(2025, 1, 1))
    result = run.run_billing(period="2026-01", community=estate.community)
    amounts = sorted(v.bill.amount_fen for v in bills(estate))
    assert result.created == 2 and amounts == [3254, 9761]  # 0.45 x 72.3 x 1 and x 3 months
    stored = db.session.execute(sa.text("SELECT amount_fen FROM bill")).scalars().all()
    assert all(type(a) is int for a in stored)  # integer fen in the database, never a float


def test_run_is_idempotent_and_bills_new_dwellings(estate):
    first = run.run_billing(period=PERIOD, community=estate.community)
    again = run.run_billing(period=PERIOD, community=estate.community)
    assert (first.created, first.skipped) == (3, 0)
    assert (again.created, again.skipped) == (0, 3)
    from tests.factories import DwellingFactory  # noqa: PLC0415

    DwellingFactory(building=estate.dwellings[0].building, number="999", area_x100=5000)
    later = run.run_billing(period=PERIOD, community=estate.community)
    assert (later.created, later.skipped) == (1, 3)


def test_malformed_and_far_future_periods_are_refused(estate):
    for period in ("2026-13", "26-01", "abcd", "2999-01", "1999-12"):
        with pytest.raises(Invalid):
            run.run_billing(period=period, community=estate.community)


def test_rate_change_needs_a_month_of_notice(estate):
    today = dt.date.today()
    with pytest.raises(Invalid) as error:
        fees.change_rate(item=estate.fee, rate_fen=50, effective_from=today + dt.timedelta(days=20))
    assert "at least one month" in str(error.value.fields["effective_from"])
    fees.change_rate(item=estate.fee, rate_fen=50, effective_from=today + dt.timedelta(days=40))


def test_guided_price_must_stay_in_range(estate):
    with pytest.raises(Invalid):
        fees.create_fee_item(community=estate.community, name="指导价", basis="per_m2",
                             rate_fen=60, price_form="guided", guided_base_fen=50,
                             guided_float_pct=10)


def test_offline_payment_allocates_oldest_first_and_keeps_credit(estate):
    run.run_billing(period="2026-01", community=estate.community)
    run.run_billing(period="2026-02", community=estate.community)
    home = estate.dwellings[0]
    payments.record_payment(dwelling=home, amount_fen=8000, method="cash", reference="R-1",
                            actor=estate.staff)
    own = [v for v in bills(estate) if v.bill.dwelling_id == home.id]
    assert sorted((v.bill.period, v.status) for v in own) == [("2026-01", "paid"),
                                                              ("2026-02", "paid")]
    assert balances.credit_of(home) == 8000 - 2 * 3254
    run.run_billing(period="2026-03", community=estate.community)
    march = [v for v in bills(estate) if v.bill.dwelling_id == home.id and v.bill.period ==
             "2026-03"][0]
    assert march.paid_fen == 8000 - 2 * 3254 and march.status == "partially_paid"


def test_same_reference_twice_is_one_payment(estate):
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=100, method="cash",
                            reference="R-7")
    with pytest.raises(Conflict):
        payments.record_payment(dwelling=estate.dwellings[0], amount_fen=100, method="cash",
                                reference="R-7")


def test_refund_reverses_allocations_and_the_ledger_balances(estate):
    run.run_billing(period="2026-01", community=estate.community)
    home = estate.dwellings[0]
    payment = payments.record_payment(dwelling=home, amount_fen=3254, method="cash",
                                      reference="R-9")
    payments.record_refund(payment=payment, amount_fen=1000, reason="Overcharged")
    view = [v for v in bills(estate) if v.bill.dwelling_id == home.id][0]
    assert (view.paid_fen, view.status) == (2254, "partially_paid")
    with pytest.raises(Invalid):
        payments.record_refund(payment=payment, amount_fen=2255, reason="too much")
    payments.record_refund(payment=payment, amount_fen=2254, reason="the rest")
    total = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_fen)))
    assert total == 0


def test_void_and_adjust(estate):
    run.run_billing(period="2026-01", community=estate.community)
    first, second = bills(estate)[:2]
    payments.adjust_bill(bill=first.bill, amount_fen=None, reason="空置", void=True)
    payments.adjust_bill(bill=second.bill, amount_fen=-1000, reason="减免")
    views = bills(estate)
    assert views[0].status == "void" and views[1].due_fen == second.due_fen - 1000


def test_money_facts_cannot_be_edited(estate):
    run.run_billing(period="2026-01", community=estate.community)
    bill = db.session.scalars(sa.select(Bill)).first()
    bill.amount_fen = 1
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_vacant_and_undelivered_dwellings_follow_the_community_setting():
    estate = make_estate(areas=(10000, 10000, 10000))  # 100 m² each: 4500 fen a month in full
    from propmgmt.communities.models import Dwelling  # noqa: PLC0415

    db.session.execute(sa.update(Dwelling).where(Dwelling.id == estate.dwellings[1].id)
                       .values(occupancy_status="vacant"))
    db.session.execute(sa.update(Dwelling).where(Dwelling.id == estate.dwellings[2].id)
                       .values(occupancy_status="undelivered"))
    fees.update_settings(estate.community, due_day=10, vacancy_policy="discount",
                         vacancy_discount_pct=50, late_fee_daily_bp=None, late_fee_cap_pct=None)
    run.run_billing(period="2026-01", community=estate.community)
    assert [(v.bill.amount_fen, v.bill.bill_to, v.bill.due_on.day) for v in bills(estate)] == [
        (4500, "occupant", 10), (2250, "occupant", 10), (2250, "occupant", 10)]
    fees.update_settings(estate.community, due_day=10, vacancy_policy="developer",
                         vacancy_discount_pct=0, late_fee_daily_bp=None, late_fee_cap_pct=None)
    run.run_billing(period="2026-02", community=estate.community)
    february = [v.bill for v in bills(estate) if v.bill.period == "2026-02"]
    assert [(b.amount_fen, b.bill_to) for b in february] == [
        (4500, "occupant"), (4500, "occupant"), (4500, "developer")]
