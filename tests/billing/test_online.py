"""Online payment through Stripe (localstripe): the attempt, the webhook inbox, W1-W8, C1, L3/L4.

RELIABILITY.md section 2: each test names its scenario. Webhooks are delivered by the tests:
localstripe's own signed deliveries are forwarded from its receiver, and events it does not emit
(charge.refunded, forged ones) are signed here.
"""
import datetime as dt
import json
import socket
import time

import pytest
import sqlalchemy as sa

from propmgmt.audit import AuditEntry
from propmgmt.billing import online
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.db import db
from propmgmt.db import utcnow
from tests.billing.online_support import allocations
from tests.billing.online_support import attempts
from tests.billing.online_support import bill_of
from tests.billing.online_support import billed_estate
from tests.billing.online_support import events
from tests.billing.online_support import ledger_total
from tests.billing.online_support import legs
from tests.billing.online_support import pay
from tests.billing.online_support import view
from tests.billing import stripe_server
from tests.billing.stripe_server import deliver
from tests.billing.stripe_server import event_payload
from tests.billing.stripe_server import post_webhook
from tests.billing.stripe_server import signature

localstripe = stripe_server.localstripe
stripe_app = stripe_server.stripe_app


@pytest.fixture
def paying(stripe_app, client, login):
    """A billed estate whose resident (owner of dwellings[0]) is logged in."""
    estate, bill = billed_estate()
    login(estate.resident)
    return estate, bill


def started(client, bill, payment_method="pm_card_visa"):
    response = pay(client, bill, payment_method)
    assert response.status_code == 201, response.get_json()
    return response.get_json(), db.session.get(Payment, response.get_json()["payment_id"])


def intent_of(localstripe, payment):
    return localstripe.client().v1.payment_intents.retrieve(payment.provider_ref).to_dict()


def succeeded_event(localstripe, payment, **changes):
    """payment_intent.succeeded as Stripe would send it for this payment (optionally altered)."""
    return event_payload("payment_intent.succeeded", {**intent_of(localstripe, payment), **changes})


def test_w1_visa_is_pending_until_the_webhook_then_paid_exactly_once(paying, client, localstripe):
    estate, bill = paying
    body, payment = started(client, bill)
    assert body["status"] == "succeeded" and body["provider"] == "stripe"
    assert payment.status == "pending" and payment.provider_ref.startswith("pi_")
    assert payment.amount_fen == view(bill).balance_fen == 3254 and payment.currency == "CNY"
    assert view(bill).status == "open"  # Stripe said yes; the bill waits for the webhook
    intent = intent_of(localstripe, payment)
    assert (intent["amount"], intent["currency"]) == (3254, "cny")
    assert intent["metadata"] == {"community_id": str(estate.community.id),
                                  "bill_ids": str(bill.id), "dwelling_id": str(bill.dwelling_id),
                                  "payment_id": str(payment.id)}

    raw, header = localstripe.sink.wait_for("payment_intent.succeeded", payment.provider_ref)
    first = post_webhook(client, raw, header)
    assert first.status_code == 200 and first.get_json()["status"] == "applied"
    db.session.refresh(payment)
    assert payment.status == "succeeded" and payment.received_at is not None
    assert view(bill).status == "paid" and allocations(payment) == [3254]
    assert legs(payment) == [("provider", 3254), ("receivable", -3254)]
    again = post_webhook(client, raw, header)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert allocations(payment) == [3254] and len(legs(payment)) == 2 and ledger_total() == 0
    assert [e.status for e in events(provider="stripe")] == ["applied"]


def test_w2_the_same_event_fifty_times_is_applied_once(paying, client, localstripe):
    _estate, bill = paying
    _body, payment = started(client, bill)
    payload = succeeded_event(localstripe, payment)
    began = time.perf_counter()
    answers = [deliver(client, payload) for _ in range(50)]  # re-signed each time
    per_delivery = (time.perf_counter() - began) / 50
    assert {a.status_code for a in answers} == {200}
    statuses = [a.get_json()["status"] for a in answers]
    assert statuses.count("applied") == 1 and statuses.count("duplicate") == 49
    assert len(events(event_id=payload["id"])) == 1
    assert allocations(payment) == [3254] and len(legs(payment)) == 2
    assert per_delivery < 1  # W10: Stripe gets its answer quickly
    print(f"W2 sequential: 50 deliveries -> {len(events())} inbox row, "
          f"{len(allocations(payment))} allocation; {per_delivery * 1000:.1f} ms each")


def test_w3_bad_signatures_are_refused_and_write_nothing(paying, client, localstripe):
    _estate, bill = paying
    _body, payment = started(client, bill)
    body = json.dumps(succeeded_event(localstripe, payment))
    answers = [post_webhook(client, body, signature(body, secret=f"whsec_wrong_{i}"))
               for i in range(20)]
    altered = body.replace('"amount": 3254', '"amount": 1')
    assert altered != body
    answers.append(post_webhook(client, altered, signature(body)))
    answers.append(post_webhook(client, body, None))
    answers.append(post_webhook(client, body, signature(body, timestamp=int(time.time()) - 301)))
    answers.append(post_webhook(client, body, "t=notanumber,v1=abc"))
    answers.append(post_webhook(client, b"\xff\xfe" + body.encode(), signature(body)))
    assert [a.status_code for a in answers] == [400] * 25
    assert {a.get_json()["error"]["code"] for a in answers} == {"bad_signature"}
    assert events() == [] and attempts(bill)[0].status == "pending"
    print(f"W3: {len(answers)} forged/altered/missing/stale deliveries -> all 400")


def test_w4_payment_failed_after_succeeded_never_moves_back(paying, client, localstripe):
    _estate, bill = paying
    _body, payment = started(client, bill)
    assert deliver(client, succeeded_event(localstripe, payment)).get_json()["status"] == "applied"
    failed = event_payload("payment_intent.payment_failed", {
        **intent_of(localstripe, payment), "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}})
    answer = deliver(client, failed)
    assert answer.status_code == 200 and answer.get_json()["status"] == "ignored"
    db.session.refresh(payment)
    assert payment.status == "succeeded" and view(bill).status == "paid"


def refunded_event(localstripe, payment, amount_fen):
    """Refund at localstripe, then charge.refunded (localstripe does not emit it) for the charge."""
    client = localstripe.client()
    client.v1.refunds.create(params={"payment_intent": payment.provider_ref, "amount": amount_fen})
    charge = client.v1.charges.list(params={"limit": 100}).to_dict()["data"]
    charge = next(c for c in charge if c.get("payment_intent") == payment.provider_ref)
    return event_payload("charge.refunded", charge)


def test_w4_a_refund_before_its_payment_is_parked_then_applied(paying, client, localstripe):
    _estate, bill = paying
    _body, payment = started(client, bill)
    refund = refunded_event(localstripe, payment, 1000)
    assert refund["data"]["object"]["amount_refunded"] == 1000
    assert deliver(client, refund).get_json()["status"] == "parked"
    assert deliver(client, succeeded_event(localstripe, payment)).get_json()["status"] == "applied"
    db.session.expire_all()
    assert [e.status for e in events()] == ["applied", "applied"]
    assert [r.amount_fen for r in db.session.scalars(sa.select(Refund))] == [1000]
    assert (view(bill).paid_fen, view(bill).status) == (2254, "partially_paid")
    assert sum(amount for _account, amount in legs(payment)) == 0 and len(legs(payment)) == 4


def test_l5_partial_then_full_refund_follow_the_running_total(paying, client, localstripe):
    _estate, bill = paying
    _body, payment = started(client, bill)
    deliver(client, succeeded_event(localstripe, payment))
    partial = refunded_event(localstripe, payment, 1254)
    rest = refunded_event(localstripe, payment, 2000)
    assert [deliver(client, e).get_json()["status"] for e in (partial, partial, rest, partial)] \
        == ["applied", "duplicate", "applied", "duplicate"]
    assert deliver(client, {**rest, "id": rest["id"] + "x"}).get_json()["status"] == "ignored"
    db.session.expire_all()
    assert sorted(r.amount_fen for r in db.session.scalars(sa.select(Refund))) == [1254, 2000]
    assert (view(bill).paid_fen, view(bill).status) == (0, "open")
    assert ledger_total() == 0 and len(legs(payment)) == 6


def test_w5_a_declined_card_fails_the_attempt_and_a_new_one_gets_a_new_key(paying, client,
                                                                          localstripe):
    _estate, bill = paying
    declined = pay(client, bill, "pm_card_chargeCustomerFail")
    assert declined.status_code == 402
    error = declined.get_json()["error"]
    assert error["code"] == "payment_declined" and "declined" in error["message"]
    [attempt] = attempts(bill)
    assert (attempt.status, attempt.idempotency_key) == ("failed", f"pay-{bill.id}-1")
    assert view(bill).status == "open" and ledger_total() == 0
    _body, second = started(client, bill)
    assert second.idempotency_key == f"pay-{bill.id}-2" and second.status == "pending"
    raw, header = localstripe.sink.wait_for("payment_intent.payment_failed")
    answer = post_webhook(client, raw, header).get_json()
    assert answer["status"] == "ignored"  # found by our metadata; already failed, not flagged
    assert [a.status for a in attempts(bill)] == ["failed", "pending"]


class CreateSpy:
    """Wraps the SDK's PaymentIntent create to record the idempotency key of every call."""

    def __init__(self, monkeypatch):
        from stripe._payment_intent_service import PaymentIntentService  # noqa: PLC0415

        self.keys = []
        original = PaymentIntentService.create

        def create(service, params, options=None):
            self.keys.append((options or {}).get("idempotency_key"))
            return original(service, params, options)

        monkeypatch.setattr(PaymentIntentService, "create", create)


def test_w6_the_idempotency_key_is_deterministic_and_reused_after_no_answer(
        paying, client, localstripe, monkeypatch, stripe_app):
    """X1 + W6: Stripe unreachable -> 503, nothing paid, the attempt stays pending; the retry
    reuses the same key (so Stripe would return the first PaymentIntent, never charge twice)."""
    _estate, bill = paying
    spy = CreateSpy(monkeypatch)
    closed = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setitem(stripe_app.config, "STRIPE_API_BASE", closed)
    unreachable = pay(client, bill)
    assert unreachable.status_code == 503
    assert "try again" in unreachable.get_json()["error"]["message"]
    [attempt] = attempts(bill)
    assert (attempt.status, attempt.provider_ref) == ("pending", None)
    assert ledger_total() == 0 and view(bill).status == "open"
    monkeypatch.setitem(stripe_app.config, "STRIPE_API_BASE", localstripe.url)
    _body, retried = started(client, bill)
    assert retried.id == attempt.id and retried.provider_ref.startswith("pi_")
    assert spy.keys == [f"pay-{bill.id}-1", f"pay-{bill.id}-1"]
    listed = localstripe.client().v1.payment_intents.list(params={"limit": 100}).to_dict()["data"]
    assert len(listed) == 1


def test_w6_an_attempt_interrupted_after_the_call_is_retried_with_its_own_key(
        paying, client, localstripe, monkeypatch):
    """The app died between Stripe's answer and our commit: the pending attempt has no provider
    ref. A click minutes later takes it over and sends the same key again."""
    estate, bill = paying
    spy = CreateSpy(monkeypatch)
    crashed = Payment(community_id=bill.community_id, dwelling_id=bill.dwelling_id,
                      bill_id=bill.id, method="online", amount_fen=3254, status="pending",
                      provider="stripe", idempotency_key=f"pay-{bill.id}-1",
                      payer_id=estate.resident.id, created_at=utcnow() - dt.timedelta(minutes=4))
    db.session.add(crashed)
    db.session.commit()
    _body, retried = started(client, bill)
    assert retried.id == crashed.id and spy.keys == [f"pay-{bill.id}-1"]


def test_c1_a_click_while_the_first_is_in_flight_is_told_to_wait(paying, client):
    estate, bill = paying
    db.session.add(Payment(community_id=bill.community_id, dwelling_id=bill.dwelling_id,
                           bill_id=bill.id, method="online", amount_fen=3254, status="pending",
                           provider="stripe", idempotency_key=f"pay-{bill.id}-1",
                           payer_id=estate.resident.id))
    db.session.commit()
    answer = pay(client, bill)
    assert answer.status_code == 409 and "already being paid" in answer.get_json()["error"]["message"]
    assert len(attempts(bill)) == 1


def test_c1_a_double_click_makes_one_attempt_and_one_payment_intent(paying, client, localstripe):
    _estate, bill = paying
    first, payment = started(client, bill)
    second, same = started(client, bill)  # the attempt is resumed, its state read from Stripe
    assert same.id == payment.id and len(attempts(bill)) == 1
    listed = localstripe.client().v1.payment_intents.list(params={"limit": 100}).to_dict()["data"]
    assert [pi["id"] for pi in listed] == [payment.provider_ref]
    assert first["status"] == second["status"] == "succeeded"
    raw, header = localstripe.sink.wait_for("payment_intent.succeeded", payment.provider_ref)
    assert post_webhook(client, raw, header).get_json()["status"] == "ignored"  # settled already
    assert allocations(payment) == [3254] and len(legs(payment)) == 2


def test_w7_an_event_for_an_unknown_payment_is_kept_and_flagged(stripe_app, client, localstripe):
    stranger = localstripe.client().v1.payment_intents.create(params={
        "amount": 500, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True,
        "payment_method_types": ["card"]}).to_dict()
    payload = event_payload("payment_intent.succeeded", stranger)
    answer = deliver(client, payload)
    assert answer.status_code == 200 and answer.get_json()["status"] == "flagged"
    [row] = events(event_id=payload["id"])
    assert row.status == "flagged" and stranger["id"] in row.note
    assert row.payload["data"]["object"]["id"] == stranger["id"]
    assert "client_secret" not in row.payload["data"]["object"]  # no secrets in the inbox
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "payment.alert")) == 1
    assert ledger_total() == 0


@pytest.mark.parametrize("change", [{"amount": 3253}, {"currency": "usd"},
                                    {"metadata": {"community_id": "999999", "bill_ids": "1"}}])
def test_w8_a_mismatched_event_pays_nothing_and_raises_an_alert(paying, client, localstripe,
                                                                change):
    estate, bill = paying
    _body, payment = started(client, bill)
    if "metadata" in change:
        change["metadata"] = {**intent_of(localstripe, payment)["metadata"], **change["metadata"]}
    answer = deliver(client, succeeded_event(localstripe, payment, **change))
    assert answer.status_code == 200 and answer.get_json()["status"] == "flagged"
    db.session.refresh(payment)
    assert payment.status == "pending" and "not applied" in payment.failure_message
    assert view(bill).status == "open" and ledger_total() == 0 and allocations(payment) == []
    alert = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payment.alert"))
    assert alert.community_id == estate.community.id


def _age(payment, minutes):
    db.session.execute(sa.update(Payment).where(Payment.id == payment.id).values(
        created_at=utcnow() - dt.timedelta(minutes=minutes)))
    db.session.commit()


def test_l3_l4_reconcile_settles_payments_whose_webhooks_never_came(stripe_app, client, login,
                                                                   localstripe):
    """The webhook endpoint was "down" for every event; `flask billing reconcile` asks Stripe."""
    estate, bill = billed_estate()
    earlier = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    run.run_billing(period=earlier, community=estate.community)
    older = bill_of(estate.dwellings[0], earlier)
    login(estate.resident)
    paid = [started(client, b)[1] for b in (bill, older)]
    fresh = stripe_app.test_cli_runner().invoke(args=["billing", "reconcile", "--minutes", "10"])
    assert "checked 0 pending" in fresh.output  # too young to ask about
    for payment in paid:
        _age(payment, 15)
    result = stripe_app.test_cli_runner().invoke(args=["billing", "reconcile", "--minutes", "10"])
    assert result.exit_code == 0, result.output
    assert "checked 2 pending online payments: 2 settled" in result.output
    db.session.expire_all()
    assert [view(b).status for b in (bill, older)] == ["paid", "paid"]
    assert online.reconcile(older_than_minutes=10).checked == 0  # nothing pending any more
    for payment in paid:  # the late webhooks change nothing
        raw, header = localstripe.sink.wait_for("payment_intent.succeeded", payment.provider_ref)
        assert post_webhook(client, raw, header).get_json()["status"] == "ignored"
    assert [len(legs(p)) for p in paid] == [2, 2] and ledger_total() == 0
    print(f"L3/L4: reconcile compared {len(paid)} provider payments, 0 left unmatched")


def test_reconcile_marks_a_payment_that_failed_at_the_provider(paying, client, localstripe):
    """A 3-D Secure the payer failed: the PI wants a new card; reconcile closes the attempt."""
    _estate, bill = paying
    card = localstripe.client().v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    body, payment = started(client, bill, card.id)
    localstripe.authenticate(payment.provider_ref, body["client_secret"], success=False)
    _age(payment, 15)
    result = online.reconcile(older_than_minutes=10)
    db.session.refresh(payment)
    assert (result.applied, payment.status) == (1, "failed")
    assert "verification" in payment.failure_message


def test_3d_secure_card_requires_action_then_pays_after_authentication(paying, client,
                                                                        localstripe):
    _estate, bill = paying
    card = localstripe.client().v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    body, payment = started(client, bill, card.id)
    assert body["status"] == "requires_action"
    assert body["client_secret"].startswith(payment.provider_ref + "_secret_")
    again, _same = started(client, bill, card.id)  # back on the page: the same attempt
    assert again == body
    status, _answer = localstripe.authenticate(payment.provider_ref, body["client_secret"])
    assert status == 200
    raw, header = localstripe.sink.wait_for("payment_intent.succeeded", payment.provider_ref)
    assert post_webhook(client, raw, header).get_json()["status"] == "applied"
    assert view(bill).status == "paid"


def test_the_tenant_of_the_dwelling_can_pay(paying, client, login):
    estate, bill = paying
    login(estate.tenant)
    body, payment = started(client, bill)
    assert payment.payer_id == estate.tenant.id and body["status"] == "succeeded"


def test_a_paid_bill_is_refused(paying, client):
    estate, bill = paying
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=3254, method="cash",
                            reference="R-1", actor=estate.staff, bill=bill)
    answer = pay(client, bill)
    assert answer.status_code == 409 and attempts(bill) == []


def test_void_and_zero_bills_are_refused(stripe_app, client, login):
    estate, bill = billed_estate(rate_fen=0)
    login(estate.resident)
    zero = pay(client, bill)
    assert zero.status_code == 409 and "Nothing is owed" in zero.get_json()["error"]["message"]
    estate, bill = billed_estate()
    payments.adjust_bill(bill=bill, amount_fen=0, reason="sold twice", actor=estate.manager,
                         void=True)
    login(estate.resident)
    void = pay(client, bill)
    assert void.status_code == 409 and "void" in void.get_json()["error"]["message"]
    assert attempts(bill) == []


def test_a_bad_payment_method_id_is_refused_before_any_attempt(paying, client):
    _estate, bill = paying
    answer = client.post(f"/bills/{bill.id}/pay", json={"payment_method": "<script>"})
    assert answer.status_code == 422 and "payment_method" in answer.get_json()["error"]["fields"]
    assert attempts(bill) == []


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_localstripe_that_cannot_start_fails_the_tests_instead_of_skipping(tmp_path, monkeypatch):
    broken = tmp_path / "broken.py"
    broken.write_text("import sys; sys.exit(3)\n")
    monkeypatch.setattr(stripe_server, "SCRIPT", broken)
    with pytest.raises(pytest.fail.Exception, match="localstripe exited with 3"):
        stripe_server.start(tmp_path)
