"""Refunding a payment: offline ones are recorded, online ones go back through their provider
first. Either way the app's own ledger caps the total at what was paid (RELIABILITY C3)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt.billing import gateway
from propmgmt.billing import payments
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid


def refund_payment(*, payment, amount_fen, reason, actor=None):
    """Refund part or all of a received payment, by whatever way it came in."""
    if payment.method in payments.OFFLINE_METHODS:
        return payments.record_refund(payment=payment, amount_fen=amount_fen, reason=reason,
                                      actor=actor)
    return _refund_online(payment=payment, amount_fen=amount_fen, reason=reason, actor=actor)


def _refund_online(*, payment, amount_fen, reason, actor):
    payments.check_amount(amount_fen)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_("Give the reason for the refund.")]})
    if payment.status != "succeeded" or not payment.provider_ref:
        raise Conflict(_("Only a received payment can be refunded."))
    provider = gateway.get(payment.provider)
    if provider is None:
        raise Conflict(_("Online payment is not configured."))
    # Hold the payment row while the provider refunds, so two refunds cannot both pass the check.
    db.session.execute(sa.select(Payment.id).where(Payment.id == payment.id).with_for_update())
    refundable = payment.amount_fen - payments.refunded_of(payment)
    if amount_fen > refundable:
        raise Invalid(fields={"amount_fen": [_(
            "At most %(amount)s yuan of this payment can still be refunded.",
            amount=_yuan(refundable))]})
    done = db.session.scalar(sa.select(sa.func.count()).select_from(Refund).where(
        Refund.payment_id == payment.id)) or 0
    try:
        provider_ref = provider.refund(payment.provider_ref, amount_fen,
                                       idempotency_key=f"refund-{payment.id}-{done + 1}")
    except gateway.Unreachable:
        db.session.rollback()
        raise Conflict(_("The payment service did not answer. Nothing was refunded; please try "
                         "again in a moment.")) from None
    return payments.record_refund(payment=payment, amount_fen=amount_fen, reason=reason,
                                  actor=actor, provider_ref=provider_ref)


def _yuan(fen):
    from propmgmt.money import format_fen  # noqa: PLC0415

    return format_fen(fen)
