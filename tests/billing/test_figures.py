"""Collection figures: billed, paid and the two collection rates, to the fen, in one query."""
import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt import roles
from propmgmt.billing import figures
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.db import db
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
# Areas 72.30, 88.50 and 60.00 m² at 0.45 yuan/m²/month: 32.535 -> 32.54, 39.825 -> 39.83 (half-up)
# and 27.00 yuan, so each month bills 3254 + 3983 + 2700 = 9937 fen.
JAN, FEB, MAR = "2026-01", "2026-02", "2026-03"


def bill_of(estate, dwelling, period):
    return db.session.scalar(sa.select(Bill).where(
        Bill.community_id == estate.community.id, Bill.dwelling_id == dwelling.id,
        Bill.period == period))


def pay(dwelling, amount_fen, reference):
    return payments.record_payment(dwelling=dwelling, amount_fen=amount_fen, method="cash",
                                   reference=reference)


def two_months_with_payments():
    """January: 501 pays in full, 502 pays 20.00 of 39.83, 503 pays in full.
    February: 501's bill is voided, 502's is lowered by 9.83 to 30.00 and unpaid, 503 paid its
    27.00 and then got 7.00 refunded (taken back from February, the newest bill)."""
    estate = make_estate()
    d501, d502, d503 = estate.dwellings
    run.run_billing(period=JAN, community=estate.community)
    run.run_billing(period=FEB, community=estate.community)
    pay(d501, 3254, "R-501")
    pay(d502, 2000, "R-502")
    payment_503 = pay(d503, 5400, "R-503")
    payments.adjust_bill(bill=bill_of(estate, d501, FEB), amount_fen=None, reason="空置",
                         void=True)
    payments.adjust_bill(bill=bill_of(estate, d502, FEB), amount_fen=-983, reason="减免")
    payments.record_refund(payment=payment_503, amount_fen=700, reason="多收")
    return estate


def test_figures_to_the_fen():
    estate = two_months_with_payments()
    jan, feb, mar = figures.collection(estate.community, [JAN, FEB, MAR])
    assert (jan.billed_fen, jan.paid_fen, jan.dwellings_billed, jan.dwellings_paid) == \
        (9937, 3254 + 2000 + 2700, 3, 2)
    assert jan.amount_rate == Fraction(7954, 9937) and jan.amount_pct == Decimal("80.0")
    assert jan.dwelling_rate == Fraction(2, 3) and jan.dwelling_pct == Decimal("66.7")
    # February: the void bill is out; 3000 asked of 502 (nothing paid), 2700 of 503 (2000 net).
    assert (feb.billed_fen, feb.paid_fen, feb.dwellings_billed, feb.dwellings_paid) == \
        (3000 + 2700, 2000, 2, 0)
    assert feb.amount_pct == Decimal("35.1") and feb.dwelling_rate == 0
    assert feb.dwelling_pct == Decimal("0.0")


def test_rule_45_a_period_without_bills_has_no_data_not_zero():
    estate = two_months_with_payments()
    mar = figures.collection(estate.community, [MAR])[0]
    assert (mar.billed_fen, mar.paid_fen, mar.dwellings_billed) == (0, 0, 0)
    assert not mar.has_data
    assert mar.amount_rate is None and mar.dwelling_rate is None and mar.amount_pct is None


def test_other_communities_do_not_count():
    first, second = make_estate(), make_estate(areas=(10000,))
    run.run_billing(period=JAN, community=first.community)
    run.run_billing(period=JAN, community=second.community)
    pay(second.dwellings[0], 4500, "R-2")
    both = figures.collection_by_community([first.community.id, second.community.id], [JAN])
    mine, theirs = both[first.community.id, JAN], both[second.community.id, JAN]
    assert (mine.billed_fen, mine.paid_fen, mine.dwellings_paid) == (9937, 0, 0)
    assert (theirs.billed_fen, theirs.paid_fen, theirs.amount_rate) == (4500, 4500, 1)


def test_last_twelve_periods_end_with_this_month():
    periods = figures.last_periods(today=dt.date(2026, 2, 17))
    assert len(periods) == 12 and periods[0] == "2025-03" and periods[-1] == "2026-02"


def _figures_queries(count_queries, dwellings):
    estate = make_estate(areas=[6000 + i for i in range(dwellings)])
    for period in (JAN, FEB):
        run.run_billing(period=period, community=estate.community)
    for i, dwelling in enumerate(estate.dwellings[::2]):
        pay(dwelling, 2700, f"R-{i}")
    community = estate.community
    community_id = community.id  # loaded before counting
    with count_queries() as counter:
        rows = figures.collection(community, figures.last_periods(today=dt.date(2026, 3, 1)))
    assert rows[-2].dwellings_billed == dwellings and community_id
    return counter.count


def test_figures_take_one_query_whatever_the_number_of_dwellings(count_queries):
    assert _figures_queries(count_queries, 3) == _figures_queries(count_queries, 30) == 1


def test_collection_page_shows_table_chart_and_export(client, login):
    estate = make_estate()
    period = figures.last_periods()[-1]
    run.run_billing(period=period, community=estate.community)
    pay(estate.dwellings[2], 2700, "R-503")
    login(estate.secretary)
    page = client.get(f"/communities/{estate.community.id}/collection", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text
    assert "99.37" in text and "27.00" in text and "27.2%" in text and "33.3%" in text
    assert "no data" in text  # the eleven months before the first bill
    export = client.get(f"/communities/{estate.community.id}/collection.xlsx", headers=EN)
    rows = list(load_workbook(io.BytesIO(export.data)).active.values)
    assert rows[0][0] == "Period" and len(rows) == 13
    assert rows[-1][:3] == (period, 99.37, 27) and rows[-1][4:6] == (3, 1)
    assert rows[1][3] == "no data"


def test_collection_page_is_for_staff_committees_and_the_party_secretary(client, login):
    estate = make_estate()
    url = f"/communities/{estate.community.id}/collection"
    for user, status in ((estate.owners_committee, 200), (estate.manager, 200),
                         (estate.staff, 200), (estate.secretary, 200),
                         (member(estate.community, roles.RESIDENTS_COMMITTEE), 200),
                         (estate.resident, 403)):
        login(user)
        assert client.get(url).status_code == status, user.roles_in(estate.community.id)
        assert client.get(url + ".xlsx").status_code == status
        client.post("/logout")
    login(member(CommunityFactory(), roles.PARTY_SECRETARY))
    assert client.get(url).status_code == 404
