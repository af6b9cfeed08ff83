"""Races between real transactions on PostgreSQL (W2/C5 duplicate webhooks, C1 double payment):
N threads, each with its own session on a fresh engine, so commits are real.

Data is committed for real and deleted afterwards (the community cascades; the inbox rows and
users by id). SQLite runs the sequential versions in test_online.py.
"""
import json
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa

from propmgmt.auth.models import User
from propmgmt.billing import online
from propmgmt.billing.models import Bill
from propmgmt.billing.models import Payment
from propmgmt.billing.models import ProviderEvent
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.errors import DomainError
from tests.billing import stripe_server
from tests.billing.online_support import allocations
from tests.billing.online_support import billed_estate
from tests.billing.online_support import legs
from tests import realdb
from tests.realdb import real_sessions

pytestmark = realdb.postgresql_only

localstripe = stripe_server.localstripe
stripe_app = stripe_server.stripe_app
THREADS = 20


class Committed:
    """What a test committed for real, so it can be deleted afterwards."""

    def __init__(self):
        self.community_ids, self.user_ids = [], []

    def estate(self):
        estate, bill = billed_estate()
        estate.community.name = f"Race {uuid.uuid4().hex[:10]}"
        db.session.commit()
        self.community_ids.append(estate.community.id)
        self.user_ids.extend(u.id for u in (estate.manager, estate.staff, estate.resident,
                                             estate.tenant, estate.secretary,
                                             estate.owners_committee))
        return estate, bill

    def delete(self, engine):
        with engine.begin() as conn:
            conn.execute(sa.delete(ProviderEvent).where(
                ProviderEvent.community_id.in_(self.community_ids)))
            conn.execute(sa.delete(Community).where(Community.id.in_(self.community_ids)))
            conn.execute(sa.delete(User).where(User.id.in_(self.user_ids)))


@pytest.fixture
def committed(app, session):
    record = Committed()
    with real_sessions(THREADS, lock_timeout_ms=20000, statement_timeout_ms=60000) as engine:
        try:
            yield record
        finally:
            db.session.remove()
            record.delete(engine)


def race(app, work, n=THREADS):
    """work(barrier) in n threads, each in its own app context; each result or error."""
    return realdb.race(app, work, n, join_timeout=120)


def test_w2_c5_one_event_from_20_threads_times_10_is_applied_once(stripe_app, committed,
                                                                 localstripe):
    estate, bill = committed.estate()
    payment = online.start_online_payment(bill=bill, actor=estate.resident,
                                          payment_method="pm_card_visa").payment
    intent = localstripe.client().v1.payment_intents.retrieve(payment.provider_ref).to_dict()
    payload = stripe_server.event_payload("payment_intent.succeeded", intent)
    body = json.dumps(payload)

    def deliver(barrier):
        client = stripe_app.test_client()
        barrier.wait()
        answers = [stripe_server.post_webhook(client, body, stripe_server.signature(body))
                   for _ in range(10)]
        return [(a.status_code, a.get_json()["status"]) for a in answers]

    results = race(stripe_app, deliver)
    assert all(isinstance(r, list) for r in results), results
    outcomes = Counter(answer for thread in results for answer in thread)
    print(f"W2/C5 concurrent: {THREADS} threads x 10 deliveries -> {dict(outcomes)}")
    assert outcomes == {(200, "applied"): 1, (200, "duplicate"): THREADS * 10 - 1}
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProviderEvent).where(
        ProviderEvent.event_id == payload["id"])) == 1
    assert allocations(payment) == [3254] and len(legs(payment)) == 2


def test_c1_20_concurrent_pay_requests_make_one_attempt_and_one_payment_intent(
        stripe_app, committed, localstripe):
    estate, bill = committed.estate()
    bill_id, resident_id = bill.id, estate.resident.id

    def pay(barrier):
        bill = db.session.get(Bill, bill_id)
        actor = db.session.get(User, resident_id)
        assert actor.roles_in(bill.community_id)  # memberships loaded before the race
        barrier.wait()
        try:
            started = online.start_online_payment(bill=bill, actor=actor,
                                                  payment_method="pm_card_visa")
        except DomainError as error:
            return f"{error.status} {type(error).__name__}"
        return f"201 {started.status}"

    results = race(stripe_app, pay)
    outcomes = Counter(map(str, results))
    print(f"C1: {THREADS} concurrent pay requests -> {dict(outcomes)}")
    assert all(r.startswith(("201", "409")) for r in map(str, results)), results
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(Payment).where(Payment.bill_id == bill_id)))
    intents = localstripe.client().v1.payment_intents.list(params={"limit": 100}).to_dict()
    print(f"C1: {len(rows)} attempt(s), {len(intents['data'])} PaymentIntent(s) at localstripe")
    assert len(rows) == 1 and rows[0].provider_ref is not None
    assert [pi["id"] for pi in intents["data"]] == [rows[0].provider_ref]
