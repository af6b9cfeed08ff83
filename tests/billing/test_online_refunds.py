"""Staff refund an online payment: through Stripe first, then the app's ledger; never beyond
what was paid, and the provider's later charge.refunded event changes nothing."""
import sqlalchemy as sa

from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.db import db
from tests.billing import stripe_server
from tests.billing.online_support import billed_estate
from tests.billing.online_support import pay
from tests.billing.online_support import view
from tests.billing.stripe_server import event_payload
from tests.billing.stripe_server import deliver
from tests.billing.stripe_server import post_webhook

localstripe = stripe_server.localstripe
stripe_app = stripe_server.stripe_app
EN = {"Accept-Language": "en"}


def test_staff_refund_an_online_payment_through_stripe(stripe_app, client, login, localstripe):
    estate, bill = billed_estate()
    login(estate.resident)
    payment = db.session.get(Payment, pay(client, bill).get_json()["payment_id"])
    raw, header = localstripe.sink.wait_for("payment_intent.succeeded", payment.provider_ref)
    assert post_webhook(client, raw, header).status_code == 200
    client.post("/logout")
    login(estate.staff)
    url = f"/communities/{estate.community.id}/payments/{payment.id}/refund"
    response = client.post(url, data={"amount": "10", "reason": "多收"}, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    refund = db.session.scalars(sa.select(Refund)).one()
    assert refund.amount_fen == 1000 and refund.provider_ref.startswith("re_")
    intent = localstripe.client().v1.payment_intents.retrieve(
        payment.provider_ref, params={"expand": ["latest_charge"]}).to_dict()
    charge = intent["latest_charge"]
    charge = charge if isinstance(charge, dict) else {"id": charge}
    assert view(bill).paid_fen == payment.amount_fen - 1000
    too_much = client.post(url, data={"amount": str(payment.amount_fen), "reason": "x"},
                           headers=EN)
    assert too_much.status_code == 422 and db.session.query(Refund).count() == 1
    later = event_payload("charge.refunded", {
        **charge, "payment_intent": payment.provider_ref, "amount_refunded": 1000,
        "currency": "cny", "refunds": {"data": [{"id": refund.provider_ref}]}})
    answer = deliver(client, later)
    assert answer.status_code == 200
    assert db.session.query(Refund).count() == 1
    assert db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_fen))) == 0
