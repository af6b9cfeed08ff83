"""POST /api/v1/bills/{bid}/pay (shared/API.md), the gateway's Stripe mapping, and the job."""
import pytest

from propmgmt import roles
from propmgmt.billing import gateway
from propmgmt.billing import online
from propmgmt.billing import stripe_gateway
from propmgmt.jobs import by_name
from tests.billing import stripe_server
from tests.billing.online_support import attempts
from tests.billing.online_support import billed_estate
from tests.factories import member

localstripe = stripe_server.localstripe
stripe_app = stripe_server.stripe_app


@pytest.fixture
def billed(stripe_app):
    return billed_estate()


def pay(client, bill, headers, **body):
    return client.post(f"/api/v1/bills/{bill.id}/pay", json=body, headers=headers)


def test_paying_with_a_payment_method_creates_and_confirms(billed, client, api_token):
    estate, bill = billed
    answer = pay(client, bill, api_token(estate.resident), payment_method="pm_card_visa")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert set(body) >= {"payment_id", "provider", "status", "client_secret"}
    assert (body["provider"], body["status"], body["amount_fen"], body["currency"]) == (
        "stripe", "succeeded", 3254, "CNY")
    assert attempts(bill)[0].status == "pending"  # paid only through the webhook


def test_without_a_payment_method_the_client_confirms_with_the_secret(billed, client, api_token):
    estate, bill = billed
    answer = pay(client, bill, api_token(estate.tenant))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "requires_action" and "_secret_" in body["client_secret"]


def test_a_declined_card_is_402_with_the_error_body(billed, client, api_token):
    estate, bill = billed
    answer = pay(client, bill, {**api_token(estate.resident), "Accept-Language": "en"},
                 payment_method="pm_card_chargeCustomerFail")
    assert answer.status_code == 402
    assert answer.get_json()["error"] == {
        "code": "payment_declined",
        "message": "Your card was declined. Try another card, or pay at the property office."}
    assert attempts(bill)[0].status == "failed"


def test_who_may_pay_through_the_api(billed, client, api_token):
    estate, bill = billed
    other = member(estate.community, roles.RESIDENT, dwelling=estate.dwellings[1])
    assert pay(client, bill, api_token(other), payment_method="pm_card_visa").status_code == 404
    assert pay(client, bill, api_token(estate.manager)).status_code == 403
    assert pay(client, bill, {}).status_code == 401
    unknown = pay(client, bill, api_token(estate.resident), amount_fen=1)
    assert unknown.status_code == 422 and "amount_fen" in unknown.get_json()["error"]["fields"]
    assert attempts(bill) == []


def test_the_openapi_document_lists_the_pay_endpoint(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/bills/{bid}/pay"]["post"]["responses"]) >= {"201", "402", "409"}


def test_latest_charge_is_read_as_an_id_or_an_expanded_object():
    assert stripe_gateway.charge_id("ch_1") == "ch_1"
    assert stripe_gateway.charge_id({"id": "ch_2", "object": "charge"}) == "ch_2"
    assert stripe_gateway.charge_id(None) is None
    intent = stripe_gateway.intent_from({"id": "pi_1", "status": "succeeded", "amount": 5,
                                         "currency": "cny", "latest_charge": {"id": "ch_3"}})
    assert (intent.status, intent.currency, intent.charge_ref) == ("succeeded", "CNY", "ch_3")


@pytest.mark.parametrize("status, error, expected", [
    ("succeeded", None, gateway.SUCCEEDED), ("processing", None, gateway.PROCESSING),
    ("requires_action", None, gateway.REQUIRES_ACTION),
    ("requires_payment_method", None, gateway.REQUIRES_ACTION),
    ("requires_payment_method", {"code": "card_declined"}, gateway.FAILED),
    ("canceled", None, gateway.FAILED)])
def test_stripe_statuses_map_to_four(status, error, expected, app):
    with app.test_request_context():
        obj = {"id": "pi_1", "status": status, "last_payment_error": error}
        assert stripe_gateway.intent_from(obj).status == expected


def test_a_refund_event_reads_an_expanded_payment_intent(app):
    with app.test_request_context():
        event = stripe_gateway.StripeGateway("sk_x", "whsec", "", 0, 5).event_from_payload({
            "id": "evt_1", "type": "charge.refunded", "data": {"object": {
                "id": "ch_1", "payment_intent": {"id": "pi_9"}, "amount_refunded": 70,
                "currency": "cny", "refunds": {"data": [{"id": "re_1"}]}}}})
    assert event.kind == gateway.REFUNDED
    assert (event.refund.payment_ref, event.refund.amount_refunded_fen,
            event.refund.refund_ref) == ("pi_9", 70, "re_1")


def test_the_reconcile_job_runs_every_ten_minutes_without_keys_too(app):
    job = by_name("billing.reconcile")
    assert job.trigger == {"trigger": "interval", "minutes": 10}
    with app.app_context():
        assert job.func().startswith("checked 0 pending online payments")


def test_the_gateway_refunds_through_stripe(billed, localstripe):
    estate, bill = billed
    payment = online.start_online_payment(bill=bill, actor=estate.resident,
                                          payment_method="pm_card_visa").payment
    refund_id = gateway.get().refund(payment.provider_ref, 1000, f"refund-{payment.id}-1")
    assert refund_id.startswith("re_")
    charge = localstripe.client().v1.charges.list().to_dict()["data"][0]
    assert charge["amount_refunded"] == 1000
