"""The staff's money pages: recording payments, refunds and adjustments through the forms, the
dwelling account, the bill and payment lists with their exports, and who may see them."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt import roles
from propmgmt.billing import balances
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillAdjustment
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.communities import modes
from propmgmt.db import db
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
MONTH = 3254  # 0.45 yuan/m² x 72.30 m², the bill of 3-501


def url(estate, path):
    return f"/communities/{estate.community.id}{path}"


def views_of(dwelling):
    return balances.views(sa.select(Bill).where(Bill.dwelling_id == dwelling.id)
                          .order_by(Bill.period))


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def pay(client, estate, **data):
    form = {"dwelling": "3-501", "amount": "80.00", "method": "cash", "reference": "R-1"}
    return client.post(url(estate, "/payments/new"), data={**form, **data}, headers=EN)


@pytest.fixture
def billed(estate):
    for period in ("2026-01", "2026-02"):
        run.run_billing(period=period, community=estate.community)
    return estate


def test_cash_payment_pays_oldest_bills_first_and_keeps_the_rest_as_credit(client, login, billed):
    login(billed.staff)
    response = pay(client, billed)
    home = billed.dwellings[0]
    assert response.status_code == 302
    assert response.location.endswith(f"/dwellings/{home.id}/account")
    assert [(v.bill.period, v.status) for v in views_of(home)] == [("2026-01", "paid"),
                                                                  ("2026-02", "paid")]
    payment = db.session.scalars(sa.select(Payment)).one()
    assert (payment.amount_fen, payment.created_by_id) == (8000, billed.staff.id)
    assert balances.credit_of(home) == 8000 - 2 * MONTH
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "14.92" in page and "R-1" in page and billed.staff.display_name in page


def test_a_chosen_bill_is_paid_first(client, login, billed):
    login(billed.manager)
    february = views_of(billed.dwellings[0])[1].bill
    too_much = pay(client, billed, amount="32.55", bill_id=str(february.id))
    assert too_much.status_code == 422
    assert 'is-invalid" id="amount"' in too_much.get_data(as_text=True)
    assert "more than the bill&#39;s balance of 32.54 yuan" in too_much.get_data(as_text=True)
    assert pay(client, billed, amount="32.54", bill_id=str(february.id)).status_code == 302
    assert [v.status for v in views_of(billed.dwellings[0])] == ["open", "paid"]


def test_same_reference_twice_is_one_payment_and_a_clear_message(client, login, billed):
    login(billed.staff)
    assert pay(client, billed, reference="R-7").status_code == 302
    again = pay(client, billed, reference="R-7", amount="10")
    assert again.status_code == 409
    assert "A cash payment with reference R-7 is already recorded." in again.get_data(as_text=True)
    assert count(Payment) == 1


@pytest.mark.parametrize(("amount", "message"), [
    ("0", "more than 0"), ("-5", "more than 0"), ("abc", "Enter an amount in yuan"),
    ("1e9", "Enter an amount in yuan"), ("1.005", "Enter an amount in yuan"),
    ("", "This field is required"), ("10000001", "too large")])
def test_bad_amounts_are_refused(client, login, billed, amount, message):
    login(billed.staff)
    response = pay(client, billed, amount=amount)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(Payment) == 0


def test_unknown_dwelling_and_bad_method_are_refused(client, login, billed):
    login(billed.staff)
    response = pay(client, billed, dwelling="9-999")
    assert response.status_code == 422 and "No dwelling 9-999" in response.get_data(as_text=True)
    assert pay(client, billed, method="online").status_code == 422
    assert pay(client, billed, dwelling="3-502", bill_id="999999").status_code == 422
    assert count(Payment) == 0


def staff_urls(estate, payment, bill):
    home = estate.dwellings[0].id
    return [url(estate, p) for p in (
        "/payments/new", "/payments", "/payments.xlsx", "/bills", "/bills.xlsx", "/arrears",
        "/arrears.xlsx", f"/dwellings/{home}/account", f"/dwellings/{home}/collection-step",
        f"/payments/{payment.id}/refund", f"/bills/{bill.id}/adjust")]


def test_residents_get_403_and_other_communities_404(client, login, billed):
    payment = payments.record_payment(dwelling=billed.dwellings[0], amount_fen=100,
                                      method="cash", reference="X")
    bill = views_of(billed.dwellings[0])[0].bill
    login(billed.resident)
    assert {u: client.get(u).status_code for u in staff_urls(billed, payment, bill)} == {
        u: 403 for u in staff_urls(billed, payment, bill)}
    login(member(CommunityFactory(), roles.PROPERTY_MANAGER))
    assert {client.get(u).status_code for u in staff_urls(billed, payment, bill)} == {404}


def test_ids_of_another_community_are_404(client, login, billed):
    other = make_estate()
    run.run_billing(period="2026-01", community=other.community)
    payment = payments.record_payment(dwelling=other.dwellings[0], amount_fen=100,
                                      method="cash", reference="X")
    login(billed.manager)
    for path in (f"/dwellings/{other.dwellings[0].id}/account", f"/payments/{payment.id}/refund",
                 f"/bills/{views_of(other.dwellings[0])[0].bill.id}/adjust"):
        assert client.get(url(billed, path)).status_code == 404


def test_committees_see_the_lists_but_only_the_collector_records(client, login, billed):
    login(billed.owners_committee)
    for path in ("/bills", "/payments", "/arrears", f"/dwellings/{billed.dwellings[0].id}/account"):
        assert client.get(url(billed, path)).status_code == 200
    assert client.get(url(billed, "/payments/new")).status_code == 403


def test_the_residents_committee_collects_in_a_coordinated_community(client, login):
    estate = make_estate(mode=modes.COORDINATED)
    run.run_billing(period="2026-01", community=estate.community)
    login(member(estate.community, roles.RESIDENTS_COMMITTEE))
    assert pay(client, estate).status_code == 302
    login(estate.manager)
    assert pay(client, estate, reference="R-2").status_code == 403


def test_refund_through_the_page_shows_on_the_account(client, login, billed):
    home = billed.dwellings[0]
    payment = payments.record_payment(dwelling=home, amount_fen=2 * MONTH, method="cash",
                                      reference="R-3")
    login(billed.staff)
    refund_url = url(billed, f"/payments/{payment.id}/refund")
    too_much = client.post(refund_url, data={"amount": "65.09", "reason": "多收"}, headers=EN)
    assert too_much.status_code == 422
    assert "At most 65.08 yuan" in too_much.get_data(as_text=True)
    response = client.post(refund_url, data={"amount": "10.00", "reason": "重复缴费"})
    assert response.status_code == 302
    refund = db.session.scalars(sa.select(Refund)).one()
    assert (refund.amount_fen, refund.created_by_id) == (1000, billed.staff.id)
    assert [v.status for v in views_of(home)] == ["paid", "partially_paid"]
    page = client.get(url(billed, f"/dwellings/{home.id}/account"), headers=EN)
    assert "重复缴费" in page.get_data(as_text=True)


def test_online_refund_without_a_configured_provider_is_refused(client, login, billed):
    home = billed.dwellings[0]
    payment = Payment(community_id=home.community_id, dwelling_id=home.id, method="online",
                      amount_fen=MONTH, status="succeeded", provider="stripe",
                      provider_ref="pi_1")
    db.session.add(payment)
    db.session.flush()
    login(billed.staff)
    response = client.post(url(billed, f"/payments/{payment.id}/refund"),
                           data={"amount": "1", "reason": "x"}, headers=EN)
    assert response.status_code == 409 and count(Refund) == 0


def test_adjust_and_void_through_the_page(client, login, billed):
    january, february = [v.bill for v in views_of(billed.dwellings[0])]
    login(billed.manager)
    lowered = client.post(url(billed, f"/bills/{january.id}/adjust"),
                          data={"change": "lower", "amount": "12.54", "reason": "减免"})
    assert lowered.status_code == 302
    voided = client.post(url(billed, f"/bills/{february.id}/adjust"),
                         data={"change": "void", "reason": "空置"})
    assert voided.status_code == 302
    views = views_of(billed.dwellings[0])
    assert (views[0].due_fen, views[1].status) == (MONTH - 1254, "void")
    adjustments = db.session.scalars(sa.select(BillAdjustment)).all()
    assert {a.created_by_id for a in adjustments} == {billed.manager.id}
    page = client.get(url(billed, f"/dwellings/{billed.dwellings[0].id}/account"), headers=EN)
    text = page.get_data(as_text=True)
    assert "减免" in text and "空置" in text and "-12.54" in text and "Void" in text


def test_adjustment_needs_an_amount_and_a_paid_bill_cannot_be_voided(client, login, billed):
    january = views_of(billed.dwellings[0])[0].bill
    payments.record_payment(dwelling=billed.dwellings[0], amount_fen=100, method="cash",
                            reference="R-4")
    login(billed.manager)
    adjust = url(billed, f"/bills/{january.id}/adjust")
    missing = client.post(adjust, data={"change": "raise", "reason": "x"}, headers=EN)
    assert missing.status_code == 422
    assert "Enter the amount to lower or raise" in missing.get_data(as_text=True)
    void = client.post(adjust, data={"change": "void", "reason": "x"}, headers=EN)
    assert void.status_code == 409
    assert "cannot be voided" in void.get_data(as_text=True)
    below = client.post(adjust, data={"change": "lower", "amount": "32.54", "reason": "x"})
    assert below.status_code == 422 and count(BillAdjustment) == 0


def test_bill_list_filters_and_export(client, login, billed):
    payments.record_payment(dwelling=billed.dwellings[0], amount_fen=MONTH, method="cash",
                            reference="R-5")
    login(billed.secretary)
    paid = client.get(url(billed, "/bills?status=paid"), headers=EN).get_data(as_text=True)
    assert paid.count("/account\">3-50") == 1
    january = client.get(url(billed, "/bills?period=2026-01&status=open"), headers=EN)
    assert january.get_data(as_text=True).count("/account\">3-50") == 2
    response = client.get(url(billed, "/bills.xlsx?period=2026-01"))
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    first = [r for r in rows[1:] if r[1] == "3-501"][0]
    assert (first[0], first[2], float(first[5]), float(first[6]), float(first[7])) == (
        "3", "2026-01", 32.54, 32.54, 0.0)


def test_payment_list_and_export(client, login, billed):
    payments.record_payment(dwelling=billed.dwellings[0], amount_fen=12345, method="cash",
                            reference="=HYPERLINK(1)")
    payments.record_payment(dwelling=billed.dwellings[1], amount_fen=500,
                            method="bank_transfer", reference="TX-9")
    login(billed.manager)
    page = client.get(url(billed, "/payments?method=bank_transfer"), headers=EN)
    assert "TX-9" in page.get_data(as_text=True) and "HYPERLINK" not in page.get_data(as_text=True)
    found = client.get(url(billed, "/payments?q=3-501"), headers=EN).get_data(as_text=True)
    assert "HYPERLINK" in found and "TX-9" not in found
    response = client.get(url(billed, "/payments.xlsx"))
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    by_ref = {r[6]: r for r in rows[1:]}
    assert float(by_ref["'=HYPERLINK(1)"][3]) == 123.45 and by_ref["TX-9"][2] == "3-502"


@pytest.mark.parametrize("path", ["/bills", "/payments"])
def test_lists_have_bounded_queries(client, login, billed, count_queries, path):
    login(billed.manager)

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(url(billed, path)).status_code == 200
        return counter.count

    payments.record_payment(dwelling=billed.dwellings[0], amount_fen=100, method="cash",
                            reference="Q-0")
    few = queries_for_page()
    building = billed.dwellings[0].building
    homes = [DwellingFactory(building=building, number=str(601 + n)) for n in range(20)]
    run.run_billing(period="2026-03", community=billed.community)
    for n, home in enumerate(homes):
        payments.record_payment(dwelling=home, amount_fen=100, method="cash", reference=f"Q-{n + 1}")
    assert queries_for_page() == few


def test_account_page_has_bounded_queries(client, login, billed, count_queries):
    login(billed.manager)
    home = billed.dwellings[0]
    account_url = url(billed, f"/dwellings/{home.id}/account")

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(account_url).status_code == 200
        return counter.count

    payment = payments.record_payment(dwelling=home, amount_fen=100, method="cash", reference="A")
    few = queries_for_page()
    for period in ("2026-03", "2026-04", "2026-05"):
        run.run_billing(period=period, community=billed.community)
    for n in range(5):
        payments.record_payment(dwelling=home, amount_fen=100, method="cash", reference=f"A{n}")
    payments.record_refund(payment=payment, amount_fen=50, reason="r")
    assert queries_for_page() == few


def test_fee_collector_marks_a_dwelling_vacant(client, login, billed):
    home = billed.dwellings[0]
    login(billed.staff)
    response = client.post(url(billed, f"/dwellings/{home.id}/status"),
                           data={"occupancy_status": "vacant"})
    assert response.status_code == 302
    db.session.refresh(home)
    assert home.occupancy_status == "vacant"
    bad = client.post(url(billed, f"/dwellings/{home.id}/status"),
                      data={"occupancy_status": "ruined"}, headers=EN)
    assert bad.status_code == 422
