"""Offline payments under an Idempotency-Key (shared/API.md: writes that create money facts).

The key is stored on the payment itself (Payment.idempotency_key, unique) in the same INSERT, so
a payment and its key are committed together or not at all. A repeat of the key finds that
payment: with the same request it is the answer again and nothing new is recorded; with another
request it is refused. Two requests racing with one key meet at the unique constraint, and the
loser answers from the winner's payment.
"""
from flask_babel import gettext as _

from propmgmt.billing import payments
from propmgmt.billing import queries
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid

HEADER = "Idempotency-Key"


class KeyReused(Invalid):
    code = "idempotency_key_reused"


def api_key(user, key):
    """The stored form of a client's key: per user, so one client cannot replay another's."""
    return f"api:{user.id}:{key}"


def _same_request(payment, bill, amount_fen, method, reference):
    allocations = queries.allocations_of(payment)
    return (payment.dwelling_id == bill.dwelling_id
            and bool(allocations) and allocations[0].bill_id == bill.id
            and payment.amount_fen == amount_fen and payment.method == method
            and payment.reference == (reference or "").strip())


def _replay(payment, bill, amount_fen, method, reference):
    if not _same_request(payment, bill, amount_fen, method, reference):
        message = _("This Idempotency-Key was already used for another payment request. "
                    "Send a new key for a new payment.")
        raise KeyReused(message, fields={HEADER: [message]})
    return payment


def record_bill_payment(*, key, bill, amount_fen, method, reference, actor):
    """payments.record_payment for `bill`, once per key: returns (payment, replayed)."""
    existing = queries.payment_by_idempotency_key(key)
    if existing is None:
        try:
            return payments.record_payment(dwelling=bill.dwelling, bill=bill,
                                           amount_fen=amount_fen, method=method,
                                           reference=reference, actor=actor,
                                           idempotency_key=key), False
        except (Conflict, Invalid):
            # A concurrent request with this key may have won the race (the unique key, the same
            # method and reference, or the balance it left): answer from its payment; otherwise
            # the refusal stands.
            existing = queries.payment_by_idempotency_key(key)
            if existing is None:
                raise
    return _replay(existing, bill, amount_fen, method, reference), True
