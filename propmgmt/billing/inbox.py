"""The payment provider's events: the webhook inbox, and reconciliation that asks the provider.

`apply_event` stores each event once (unique provider + event id) before acting on it, so a
retried, duplicated or late event changes nothing twice: a payment moves pending -> succeeded
once (never back), refunds follow the provider's running total, a refund that comes before its
payment waits ("parked") until the payment is received, and an event that matches no attempt,
or whose amount, currency or community differ from it, is kept and flagged with an alert.
`reconcile` reads the final state of payments still pending and applies it the same way.
"""
import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt import scoping
from propmgmt.billing import balances
from propmgmt.billing import gateway
from propmgmt.billing import ledger
from propmgmt.billing import payments
from propmgmt.billing.models import Bill
from propmgmt.billing.models import Payment
from propmgmt.billing.models import ProviderEvent
from propmgmt.billing.models import Refund
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import DomainError

log = logging.getLogger(__name__)
APPLIED, IGNORED, PARKED, FLAGGED, DUPLICATE = "applied", "ignored", "parked", "flagged", "duplicate"


def apply_event(event):
    """The webhook inbox: store the event once (unique provider + event id), then act on it.

    Returns the inbox row's status, or "duplicate" for an event seen before (a no-op).
    """
    row = ProviderEvent(provider=event.provider, event_id=event.event_id[:100],
                        type=event.type[:64], payload=event.payload, status="received",
                        processed_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except sa.exc.IntegrityError:
        return DUPLICATE
    handler = {gateway.PAYMENT_SUCCEEDED: _on_succeeded, gateway.PAYMENT_FAILED: _on_failed,
               gateway.REFUNDED: _on_refunded}.get(event.kind, _on_other)
    handler(row, event)
    db.session.commit()
    return row.status


def _mark(row, status, note=None):
    row.status, row.note = status, note


def _flag(row, note):
    """Keep the event for a person to check (and reconciliation), and raise an alert."""
    _mark(row, FLAGGED, note)
    audit.record("payment.alert", community_id=row.community_id, provider=row.provider,
                 event_id=row.event_id, type=row.type, note=note)
    log.warning("payment event %s %s flagged: %s", row.provider, row.event_id, note)


def _on_other(row, event):
    _mark(row, IGNORED, "not a payment event")


def _payment_for(provider, provider_ref, metadata):
    """The online payment an event is about (locked), by provider ref, else by our metadata."""
    stmt = sa.select(Payment).where(Payment.provider == provider, Payment.method == "online")
    if provider_ref:
        found = db.session.scalar(scoping.unscoped(
            stmt.where(Payment.provider_ref == provider_ref).with_for_update(),
            reason="a provider event names no community; its payment is found by reference"))
        if found is not None:
            return found
    payment_id = str(metadata.get("payment_id") or "")
    if not (payment_id.isascii() and payment_id.isdigit() and int(payment_id) < 2**31):
        return None
    found = db.session.scalar(scoping.unscoped(
        stmt.where(Payment.id == int(payment_id)).with_for_update(),
        reason="our own metadata on the provider's payment names the attempt"))
    if found is None or found.provider_ref not in (None, provider_ref):
        return None
    if provider_ref and found.provider_ref is None:  # the event came before our commit
        found.provider_ref = provider_ref
    return found


def _mismatch(payment, intent):
    """Why an event cannot be the payment of this attempt (W8), or ''."""
    problems = []
    if intent.amount_fen != payment.amount_fen:
        problems.append(f"amount {intent.amount_fen} != {payment.amount_fen}")
    if intent.currency != payment.currency:
        problems.append(f"currency {intent.currency} != {payment.currency}")
    if str(intent.metadata.get("community_id")) != str(payment.community_id):
        problems.append(f"community {intent.metadata.get('community_id')} != "
                        f"{payment.community_id}")
    if payment.bill_id and str(payment.bill_id) not in str(
            intent.metadata.get("bill_ids", "")).split(","):
        problems.append(f"bills {intent.metadata.get('bill_ids')} lack {payment.bill_id}")
    return "; ".join(problems)


def _on_succeeded(row, event):
    intent = event.intent
    payment = _payment_for(event.provider, intent.provider_ref, intent.metadata)
    if payment is None:
        return _flag(row, f"unknown payment {intent.provider_ref}")
    row.community_id = payment.community_id
    if payment.status == "succeeded":
        return _mark(row, IGNORED, "payment already received")
    problem = _mismatch(payment, intent)
    if problem:
        payment.failure_message = f"not applied: {problem}"
        return _flag(row, problem)
    _settle(payment, intent)
    _mark(row, APPLIED)
    _replay_parked(payment)


def _settle(payment, intent):
    """Received: allocate to the attempt's bill (any excess stays as credit), post the ledger."""
    dwelling = db.session.get(Dwelling, payment.dwelling_id)
    payments.lock_dwelling(dwelling)
    payment.status, payment.received_at, payment.failure_message = "succeeded", utcnow(), None
    bill = db.session.get(Bill, payment.bill_id) if payment.bill_id else None
    view = balances.bill_view(bill) if bill is not None else None
    if view is not None and view.status in (balances.OPEN, balances.PARTIAL):
        payments.allocate(payment, dwelling, min(payment.amount_fen, view.balance_fen),
                          first_bill=bill)
    ledger.post(community_id=payment.community_id, debit=ledger.ACCOUNTS["online"],
                credit="receivable", amount_fen=payment.amount_fen,
                memo=f"online payment {payment.id} {payment.provider_ref}", payment_id=payment.id)
    audit.record("payment.online_received", community_id=payment.community_id,
                 payment_id=payment.id, bill_id=payment.bill_id, amount_fen=payment.amount_fen,
                 provider_ref=payment.provider_ref, charge_ref=intent.charge_ref)


def _on_failed(row, event):
    intent = event.intent
    payment = _payment_for(event.provider, intent.provider_ref, intent.metadata)
    if payment is None:
        return _flag(row, f"unknown payment {intent.provider_ref}")
    row.community_id = payment.community_id
    if payment.status != "pending":  # never backwards from succeeded (W4)
        return _mark(row, IGNORED, f"payment already {payment.status}")
    payment.status = "failed"
    payment.failure_message = intent.failure_message or _("The payment was declined.")
    audit.record("payment.online_failed", community_id=payment.community_id,
                 payment_id=payment.id, provider_ref=payment.provider_ref)
    _mark(row, APPLIED)


def _on_refunded(row, event):
    refund = event.refund
    payment = _payment_for(event.provider, refund.payment_ref, refund.metadata)
    if payment is None:
        return _flag(row, f"refund of unknown payment {refund.payment_ref}")
    row.community_id = payment.community_id
    if payment.status != "succeeded":  # applied when the payment arrives (W4)
        return _mark(row, PARKED, "waiting for the payment to be received")
    _apply_refund(row, payment, refund)


def _apply_refund(row, payment, refund):
    """Record what the provider refunded beyond what is recorded already (running total)."""
    db.session.execute(sa.select(Payment.id).where(Payment.id == payment.id).with_for_update())
    new = refund.amount_refunded_fen - payments.refunded_of(payment)
    if new <= 0:
        return _mark(row, IGNORED, "refund already recorded")
    ref = refund.refund_ref
    if not ref or db.session.scalar(sa.select(Refund.id).where(Refund.provider_ref == ref)):
        ref = f"{refund.charge_ref}:{refund.amount_refunded_fen}"
    _mark(row, APPLIED)  # record_refund commits this row together with the refund
    try:
        payments.record_refund(payment=payment, amount_fen=new, provider_ref=ref[:100],
                               reason=_("Refunded through %(provider)s (%(ref)s)",
                                        provider=payment.provider, ref=refund.charge_ref))
    except DomainError as error:
        _flag(row, f"refund of {new} not recorded: {error.message or error.fields}")


def _replay_parked(payment):
    """Refunds that came before the payment was received, applied now in arrival order."""
    provider = gateway.get(payment.provider)
    rows = db.session.scalars(sa.select(ProviderEvent).where(
        ProviderEvent.provider == payment.provider, ProviderEvent.status == PARKED,
        ProviderEvent.community_id == payment.community_id).order_by(ProviderEvent.id)).all()
    for row in rows:
        refund = provider.event_from_payload(row.payload).refund if provider else None
        if refund is not None and refund.payment_ref == payment.provider_ref:
            row.processed_at = utcnow()
            _apply_refund(row, payment, refund)


def sync_event(provider_name, intent):
    """A payment's final state read from the provider, applied like its webhook would be."""
    kind = gateway.PAYMENT_SUCCEEDED if intent.status == gateway.SUCCEEDED \
        else gateway.PAYMENT_FAILED
    snapshot = dataclasses.asdict(intent) | {"client_secret": None}
    return gateway.Event(provider=provider_name, type="sync." + kind, kind=kind, intent=intent,
                         event_id=f"sync:{intent.provider_ref}:{intent.status}",
                         payload={"object": snapshot})


@dataclasses.dataclass
class Reconciled:
    checked: int = 0
    applied: int = 0
    still_pending: int = 0
    unreachable: int = 0
    interrupted: int = 0  # no provider payment recorded: the payer's next click takes it over

    def summary(self):
        return (f"checked {self.checked} pending online payments: {self.applied} settled, "
                f"{self.still_pending} still pending, {self.unreachable} not reachable, "
                f"{self.interrupted} interrupted")


def reconcile(*, older_than_minutes=10, now=None):
    """Ask the provider about every online payment pending for more than N minutes and apply
    its final state through apply_event (so a lost webhook loses no money); safe to run twice."""
    cutoff = (now or utcnow()) - dt.timedelta(minutes=older_than_minutes)
    rows = db.session.execute(scoping.unscoped(
        sa.select(Payment.provider, Payment.provider_ref)
        .where(Payment.method == "online", Payment.status == "pending",
               Payment.created_at < cutoff).order_by(Payment.id),
        reason="reconciliation covers every community's pending payments")).all()
    result = Reconciled(checked=len(rows))
    for provider_name, ref in rows:
        provider = gateway.get(provider_name or "stripe")
        if ref is None:
            result.interrupted += 1
            continue
        try:
            intent = provider.retrieve(ref) if provider else None
        except gateway.Unreachable:
            intent = None
        if intent is None:
            result.unreachable += 1
        elif intent.status in (gateway.SUCCEEDED, gateway.FAILED):
            result.applied += apply_event(sync_event(provider.name, intent)) == APPLIED
        else:
            result.still_pending += 1
    return result
