"""Payment receipts: a PDF per received payment, with Chinese text and the amount in capital
numerals, for the dwelling's residents and the community's staff only."""
import pytest

from propmgmt import roles
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Payment
from propmgmt.billing.receipts import capital_yuan
from propmgmt.billing.receipts import receipt_number
from propmgmt.db import db
from tests.factories import CommunityFactory
from tests.factories import member


@pytest.mark.parametrize(("fen", "words"), [
    (1, "壹分"), (50, "伍角"), (100, "壹元整"), (105, "壹元零伍分"), (1000, "壹拾元整"),
    (3254, "叁拾贰元伍角肆分"), (100100, "壹仟零壹元整"), (10000100, "壹拾万零壹元整"),
    (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"), (1001000000, "壹仟零壹万元整"),
    (100000001, "壹佰万元零壹分"), (10000000000, "壹亿元整"), (10000010000, "壹亿零壹佰元整")])
def test_capital_numerals(fen, words):
    assert capital_yuan(fen) == words


@pytest.fixture
def paid(estate):
    run.run_billing(period="2026-01", community=estate.community)
    payment = payments.record_payment(dwelling=estate.dwellings[0], amount_fen=8000,
                                      method="cash", reference="收据 0012", actor=estate.staff)
    return estate, payment


def test_receipt_is_a_pdf_with_number_amount_and_chinese_font(client, login, paid):
    estate, payment = paid
    login(estate.resident)
    response = client.get(f"/payments/{payment.id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.data
    assert body.startswith(b"%PDF")
    assert receipt_number(payment).encode() in body and b"(80.00)" in body
    assert b"STSong-Light" in body


def test_receipt_lists_refunds_and_credit_without_failing(client, login, paid):
    estate, payment = paid
    payments.record_refund(payment=payment, amount_fen=1000, reason="多收")
    login(estate.staff)
    body = client.get(f"/payments/{payment.id}/receipt.pdf").data
    assert b"(10.00)" in body and b"(32.54)" in body and b"(37.46)" in body  # credit left


def test_receipt_access(client, login, paid):
    estate, payment = paid
    receipt = f"/payments/{payment.id}/receipt.pdf"
    for user in (estate.resident, estate.tenant, estate.staff, estate.manager,
                 estate.owners_committee, estate.secretary):
        login(user)
        assert client.get(receipt).status_code == 200, user
    neighbour = member(estate.community, roles.RESIDENT, dwelling=estate.dwellings[1])
    stranger = member(CommunityFactory(), roles.PROPERTY_MANAGER)
    technician = member(estate.community, roles.TECHNICIAN)
    for user in (neighbour, stranger, technician):
        login(user)
        assert client.get(receipt).status_code == 404, user


def test_no_receipt_for_a_payment_not_received(client, login, estate):
    home = estate.dwellings[0]
    pending = Payment(community_id=home.community_id, dwelling_id=home.id, method="online",
                      amount_fen=100, status="pending", provider="stripe", provider_ref="pi_9")
    db.session.add(pending)
    db.session.flush()
    login(estate.resident)
    assert client.get(f"/payments/{pending.id}/receipt.pdf").status_code == 404
    assert client.get("/payments/999999/receipt.pdf").status_code == 404


def test_the_residents_bills_page_links_each_receipt(client, login):
    from propmgmt.billing import payments as money  # noqa: PLC0415
    from propmgmt.billing import run as billing_run  # noqa: PLC0415
    from tests.billing.conftest import make_estate  # noqa: PLC0415

    estate = make_estate()
    billing_run.run_billing(period="2026-01", community=estate.community)
    payment = money.record_payment(dwelling=estate.dwellings[0], amount_fen=1000, method="cash",
                                   reference="LINK-1")
    login(estate.resident)
    page = client.get(f"/dwellings/{estate.dwellings[0].id}/bills").get_data(as_text=True)
    assert f"/payments/{payment.id}/receipt.pdf" in page
