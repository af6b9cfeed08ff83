"""The demo's fees and a year of bills and payments: most dwellings paid up, some in arrears.

Fee items follow each community's mode; the billing run bills the last twelve months through
the real service; payments are recorded through the staff service (cash or bank transfer, with
receipt numbers), so allocation, credits and the ledger are the real ones.
"""
import datetime as dt
import random

import sqlalchemy as sa

from propmgmt.auth.models import User
from propmgmt.billing import balances
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.periods import add_months
from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.demo import data

# mode -> (fee name, basis, rate in fen per month, legal basis)
FEES = {
    modes.PROFESSIONAL: ("物业服务费", "per_m2", 85, "物业服务合同（2025—2028）第五条"),
    modes.QUASI: ("保安保洁费", "per_dwelling", 2000, "保安保洁服务协议；街道备案"),
    modes.COORDINATED: ("公共服务费", "per_m2", 30, "业主大会决定；社区公示"),
    modes.SELF_GOVERNED: ("物业服务费（酬金制）", "per_m2", 60, "业主大会决定（2023年6月18日）"),
}
MONTHS = 12
# share of dwellings that pay everything, that stopped paying some months ago, that never paid
PAID_UP, STOPPED = 0.78, 0.14
# In the sliding community (the demo's story of 先改后乱) a quarter of those who paid stopped
# two or three months ago, so its collection rate falls under the red line.
SLIDING, SLIPPED = "hepingli", 0.25


def _periods(today):
    first = today.replace(day=1)
    return [add_months(first, -k).strftime("%Y-%m") for k in range(MONTHS - 1, -1, -1)]


def _staff(community, usernames):
    """The user who records payments: the fee collector of the mode, if the demo has one."""
    collector = modes.FEE_COLLECTOR[community.management_mode]
    wanted = {"property_company": "manager", "residents_committee": "rescom",
              "owners_committee": "owners"}.get(collector)
    return db.session.scalar(sa.select(User).where(User.username == wanted)) if wanted else None


def load_community_billing(item, usernames, today):
    community = item.community
    name, basis, rate_fen, legal = FEES[community.management_mode]
    first_month = add_months(today.replace(day=1), -(MONTHS - 1))
    fees.create_fee_item(community=community, name=name, basis=basis, rate_fen=rate_fen,
                         legal_basis=legal, effective_from=first_month)
    settings = fees.settings_of(community)
    settings.due_day = 15
    db.session.commit()
    for period in _periods(today):
        run.run_billing(period=period, community=community)
    return _pay(item, _staff(community, usernames), today)


def _demo_homes(key):
    """The dwellings of the demo's resident logins: they keep this month's bill open, so a
    resident logging in has something to pay."""
    return {label for user in data.USERS for grant in user.grants
            if grant.community == key for label in grant.dwellings}


def _pay(item, actor, today):
    """One payment per paying dwelling, covering its bills up to where it stopped paying."""
    homes = _demo_homes(item.spec.key)
    rng = random.Random(f"{data.SEED}:billing:{item.spec.key}")
    bills = db.session.execute(sa.select(Bill.dwelling_id, Bill.period, Bill.amount_fen).where(
        Bill.community_id == item.community.id).order_by(Bill.dwelling_id, Bill.period)).all()
    by_dwelling = {}
    for dwelling_id, period, amount in bills:
        by_dwelling.setdefault(dwelling_id, []).append((period, amount))
    count = 0
    for label, dwelling in sorted(item.dwellings.items()):
        draw = rng.random()
        owed = by_dwelling.get(dwelling.id, [])
        if label in homes:
            covered = owed[:-1]
        elif item.spec.key == SLIDING and draw < SLIPPED * PAID_UP:
            covered = owed[:-rng.choice((2, 3))]
        elif draw < PAID_UP:
            covered = owed[:-1] if rng.random() < 0.3 else owed  # some owe just this month
        elif draw < PAID_UP + STOPPED:
            covered = owed[:rng.randrange(1, MONTHS - 3)]
        else:
            covered = []
        amount = sum(a for _p, a in covered)
        if amount <= 0:
            continue
        count += 1
        method = "cash" if rng.random() < 0.6 else "bank_transfer"
        paid_on = today - dt.timedelta(days=rng.randrange(1, 40))
        payments.record_payment(
            dwelling=dwelling, amount_fen=amount, method=method,
            reference=f"{item.spec.key.upper()}-{paid_on:%Y%m}-{count:04d}", actor=actor,
            received_at=dt.datetime.combine(paid_on, dt.time(2, 30), dt.timezone.utc))
    return count


def load_billing(loaded, usernames, echo=print):
    """Fees, twelve billing runs and the payments of every demo community."""
    today = dt.date.today()
    counts = {}
    for key, item in loaded.items():
        counts[key] = load_community_billing(item, usernames, today)
        echo(f"  {item.community.name}: {MONTHS} months billed, {counts[key]} payments")
    hepingli = loaded.get("hepingli")
    if hepingli is not None:
        _refund_example(hepingli)
    return counts


def _refund_example(item):
    """A partial refund: an owner paid twice for one month and got the difference back."""
    dwelling = item.dwellings.get("1-101")
    if dwelling is None or not balances.open_bills_of(dwelling):
        return
    view = balances.open_bills_of(dwelling)[0]
    payment = payments.record_payment(dwelling=dwelling, amount_fen=view.balance_fen + 5000,
                                      method="cash", reference="HEPINGLI-DOUBLE-0001")
    payments.record_refund(payment=payment, amount_fen=5000, reason="重复缴费，退还多收的 50 元")
