"""Recording money: offline payments, allocation oldest bill first, credits, refunds, adjustments."""

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt.billing import balances
from propmgmt.billing import ledger
from propmgmt.billing.models import Allocation
from propmgmt.billing.models import BillAdjustment
from propmgmt.billing.models import Payment
from propmgmt.billing.models import Refund
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid

OFFLINE_METHODS = ("cash", "bank_transfer")
MAX_PAYMENT_FEN = 10_000_000_00  # ten million yuan


def check_amount(amount_fen, field="amount_fen"):
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise Invalid(fields={field: [_("Enter an amount of more than 0.")]})
    if amount_fen > MAX_PAYMENT_FEN:
        raise Invalid(fields={field: [_("This amount is too large.")]})


def lock_dwelling(dwelling):
    """Serialize money changes of one dwelling (row lock on PostgreSQL; SQLite writes are serial)."""
    db.session.execute(sa.select(Dwelling.id).where(Dwelling.id == dwelling.id)
                       .with_for_update())


def allocate(payment, dwelling, amount_fen, first_bill=None):
    """Apply up to `amount_fen` of a payment to open bills: `first_bill`, then oldest first."""
    remaining = amount_fen
    open_bills = balances.open_bills_of(dwelling)
    if first_bill is not None:
        open_bills.sort(key=lambda v: v.bill.id != first_bill.id)
    for view in open_bills:
        if remaining <= 0:
            break
        part = min(remaining, view.balance_fen)
        db.session.add(Allocation(community_id=dwelling.community_id, payment_id=payment.id,
                                  bill_id=view.bill.id, amount_fen=part))
        remaining -= part
    db.session.flush()
    return amount_fen - remaining


def record_payment(*, dwelling, amount_fen, method, reference, actor=None, bill=None,
                   received_at=None, idempotency_key=None):
    """An offline payment (cash, bank transfer) with its reference; the rest stays as credit."""
    check_amount(amount_fen)
    errors = {}
    if method not in OFFLINE_METHODS:
        errors["method"] = [_("Choose cash or bank transfer.")]
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        errors["reference"] = [_("Enter the receipt or transfer number (up to 64 characters).")]
    if errors:
        raise Invalid(fields=errors)
    lock_dwelling(dwelling)
    if bill is not None:
        view = balances.bill_view(bill)
        if view.status in (balances.PAID, balances.VOID):
            raise Conflict(_("This bill is already %(status)s.", status=_status_word(view.status)))
        if amount_fen > view.balance_fen:
            raise Invalid(fields={"amount_fen": [_(
                "The amount is more than the bill's balance of %(balance)s yuan.",
                balance=_yuan(view.balance_fen))]})
    payment = Payment(community_id=dwelling.community_id, dwelling_id=dwelling.id,
                      bill_id=None, method=method, amount_fen=amount_fen, reference=reference,
                      status="succeeded", created_by_id=getattr(actor, "id", None),
                      received_at=received_at or utcnow(), idempotency_key=idempotency_key)
    db.session.add(payment)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("A %(method)s payment with reference %(reference)s is already recorded.",
                         method=method, reference=reference)) from None
    allocate(payment, dwelling, amount_fen, first_bill=bill)
    ledger.post(community_id=dwelling.community_id, debit=ledger.ACCOUNTS[method],
                credit="receivable", amount_fen=amount_fen, memo=f"payment {payment.id}",
                payment_id=payment.id)
    audit.record("payment.record", actor=actor, community_id=dwelling.community_id,
                 payment_id=payment.id, amount_fen=amount_fen, method=method)
    db.session.commit()
    return payment


def apply_credits(community_id=None):
    """Apply every dwelling's prepaid credit to its open bills (after a billing run)."""
    for dwelling_id in balances.dwellings_with_credit(community_id):
        dwelling = db.session.get(Dwelling, dwelling_id)
        lock_dwelling(dwelling)
        credit = balances.credit_of(dwelling)
        if credit <= 0:
            continue
        payments = list(db.session.scalars(sa.select(Payment).where(
            Payment.community_id == dwelling.community_id, Payment.dwelling_id == dwelling.id,
            Payment.status == "succeeded").order_by(Payment.id)))
        for payment in payments:
            unused = _unallocated(payment)
            if unused > 0 and credit > 0:
                credit -= allocate(payment, dwelling, min(unused, credit))
    db.session.commit()


def _unallocated(payment):
    allocated = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0))
                                  .where(Allocation.payment_id == payment.id)) or 0
    return payment.amount_fen - refunded_of(payment) - int(allocated)


def refunded_of(payment):
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_fen), 0))
                                 .where(Refund.payment_id == payment.id)) or 0)


def record_refund(*, payment, amount_fen, reason, actor=None, provider_ref=None):
    """Return money: from the payment's unused credit first, then reversing its allocations."""
    check_amount(amount_fen)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_("Give the reason for the refund.")]})
    if payment.status != "succeeded":
        raise Conflict(_("Only a received payment can be refunded."))
    db.session.execute(sa.select(Payment.id).where(Payment.id == payment.id).with_for_update())
    refundable = payment.amount_fen - refunded_of(payment)
    if amount_fen > refundable:
        raise Invalid(fields={"amount_fen": [_(
            "At most %(amount)s yuan of this payment can still be refunded.",
            amount=_yuan(refundable))]})
    refund = Refund(community_id=payment.community_id, payment_id=payment.id,
                    amount_fen=amount_fen, reason=reason.strip(), provider_ref=provider_ref,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(refund)
    db.session.flush()
    _reverse_allocations(payment, refund, amount_fen - max(_unallocated_before(payment, refund), 0))
    account = ledger.ACCOUNTS.get(payment.method, "provider")
    ledger.post(community_id=payment.community_id, debit="receivable", credit=account,
                amount_fen=amount_fen, memo=f"refund {refund.id} of payment {payment.id}",
                payment_id=payment.id, refund_id=refund.id)
    audit.record("payment.refund", actor=actor, community_id=payment.community_id,
                 payment_id=payment.id, amount_fen=amount_fen)
    db.session.commit()
    return refund


def _unallocated_before(payment, refund):
    """Unused credit of the payment before this refund took its share."""
    return _unallocated(payment) + refund.amount_fen


def _reverse_allocations(payment, refund, amount_fen):
    """Negative allocations, newest bill first, for the part of a refund the credit didn't cover."""
    remaining = min(amount_fen, refund.amount_fen)
    rows = db.session.execute(
        sa.select(Allocation.bill_id, sa.func.sum(Allocation.amount_fen))
        .where(Allocation.payment_id == payment.id).group_by(Allocation.bill_id)
        .order_by(Allocation.bill_id.desc()))
    for bill_id, allocated in rows.all():
        if remaining <= 0:
            break
        part = min(remaining, int(allocated))
        if part > 0:
            db.session.add(Allocation(community_id=payment.community_id, payment_id=payment.id,
                                      bill_id=bill_id, refund_id=refund.id, amount_fen=-part))
            remaining -= part
    db.session.flush()


def adjust_bill(*, bill, amount_fen, reason, actor=None, void=False):
    """Lower (or raise) what a bill asks for, or void it; the bill itself is never edited."""
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_("Give the reason for the adjustment.")]})
    view = balances.bill_view(bill)
    if view.status == balances.VOID:
        raise Conflict(_("This bill is already void."))
    if void:
        if view.paid_fen:
            raise Conflict(_("A bill with payments cannot be voided; refund or adjust it."))
        amount_fen = -view.due_fen
    elif isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen == 0 \
            or view.due_fen + amount_fen < view.paid_fen:
        raise Invalid(fields={"amount_fen": [_(
            "The adjustment cannot be 0 or bring the bill below what was already paid.")]})
    adjustment = BillAdjustment(community_id=bill.community_id, bill_id=bill.id,
                                amount_fen=amount_fen, is_void=void, reason=reason.strip(),
                                created_by_id=getattr(actor, "id", None))
    db.session.add(adjustment)
    audit.record("bill.adjust", actor=actor, community_id=bill.community_id, bill_id=bill.id,
                 amount_fen=amount_fen, void=void)
    db.session.commit()
    return adjustment


def _status_word(status):
    from propmgmt.billing.vocab import BILL_STATUSES  # noqa: PLC0415

    return str(BILL_STATUSES.get(status, status))


def _yuan(fen):
    from propmgmt.money import format_fen  # noqa: PLC0415

    return format_fen(fen)


