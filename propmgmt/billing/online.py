"""Paying bills online: the resident's attempt, the provider's events, and reconciliation.

A click creates a pending Payment (committed before the provider is called; the partial unique
index ix_payment_one_open_attempt allows one pending attempt per bill) with a deterministic
idempotency key, then asks the gateway to create and confirm the payment. The bill becomes paid
only when the provider says so: a signature-verified webhook, or `reconcile` asking about
payments still pending. Both go through `apply_event`, which stores each event once (unique
provider + event id) before acting, so retries, duplicates and any order change nothing twice.
"""
import dataclasses
import datetime as dt
import re
from typing import Optional

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from propmgmt import audit
from propmgmt import policy
from propmgmt.billing import balances
from propmgmt.billing import gateway
from propmgmt.billing import inbox
from propmgmt.billing.models import Bill
from propmgmt.billing.models import Payment
from propmgmt.communities.models import Community
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import DomainError
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.errors import NotFound

CURRENCY = "CNY"
# A pending attempt without a provider payment is taken to be in flight for this long (the
# gateway's timeout and retries fit well inside); after that a retry may take it over.
IN_FLIGHT = dt.timedelta(minutes=3)
PAYMENT_METHOD_ID = re.compile(r"^(pm|card|src)_[A-Za-z0-9_]{1,120}$")  # Stripe.js / mobile SDK


class PaymentDeclined(DomainError):
    status = 402
    code = "payment_declined"


class ProviderUnavailable(DomainError):
    status = 503
    code = "payment_unavailable"


@dataclasses.dataclass
class OnlineStart:
    """What the payer's page needs next: the attempt, its status and the client secret."""

    payment: Payment
    status: str
    client_secret: Optional[str] = None


# --- who may see and pay ------------------------------------------------------------------

def occupies(user, dwelling):
    """Whether `user` is an owner, tenant or family member of `dwelling`."""
    return db.session.scalar(
        sa.select(Occupancy.id).join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == dwelling.community_id,
               Occupancy.dwelling_id == dwelling.id, Person.user_id == user.id).limit(1)
    ) is not None


def may_see_bills(user, dwelling):
    """The dwelling's residents, and whoever sees the community's billing (staff, committees)."""
    community = db.session.get(Community, dwelling.community_id)
    return policy.can(user, "billing.view_all", community) or occupies(user, dwelling)


def require_bill_viewer(user, dwelling):
    """NotFound unless `user` may see the dwelling's bills (ids of others' bills don't leak)."""
    if not may_see_bills(user, dwelling):
        raise NotFound()


def may_pay(user, dwelling):
    """Residents (owner, tenant, family) of the dwelling pay its bills online."""
    return policy.can(user, "billing.pay", dwelling) and occupies(user, dwelling)


def require_payer(user, bill):
    """Only the bill's dwelling's residents pay it: 404 if they can't see it, 403 otherwise."""
    require_bill_viewer(user, bill.dwelling)
    if not may_pay(user, bill.dwelling):
        raise NotAllowed(_("Only the residents of this dwelling can pay its bills online."))


def online_payment_available():
    return gateway.get() is not None


def dwelling_bills(dwelling):
    """The dwelling's bills with balances (newest period first) and its payments (newest first)."""
    bills = balances.views(
        sa.select(Bill).where(Bill.community_id == dwelling.community_id,
                              Bill.dwelling_id == dwelling.id)
        .options(selectinload(Bill.fee_item)).order_by(Bill.period.desc(), Bill.id))
    history = list(db.session.scalars(
        sa.select(Payment).where(Payment.community_id == dwelling.community_id,
                                 Payment.dwelling_id == dwelling.id)
        .order_by(Payment.created_at.desc(), Payment.id.desc())))
    return bills, history


# --- the attempt ------------------------------------------------------------------------------

def start_online_payment(*, bill, actor, payment_method=None):
    """Pay a bill's balance online: one pending attempt per bill, created and committed before
    the provider is called, with a deterministic idempotency key (a retry charges once).

    The bill is not paid here: only the provider's event (or reconciliation) marks it paid.
    """
    require_payer(actor, bill)
    if payment_method is not None and not (isinstance(payment_method, str)
                                           and PAYMENT_METHOD_ID.match(payment_method)):
        raise Invalid(fields={"payment_method": [_("This is not a card's payment method id.")]})
    provider = gateway.get()
    if provider is None:
        raise ProviderUnavailable(_("Online payment is not available; please pay at the "
                                    "property office."))
    for _round in range(2):
        attempt, fresh = _open_attempt(bill, _payable(bill), actor, provider.name)
        if fresh or (attempt.provider_ref is None and _take_over(attempt)):
            return _call(attempt, provider, payment_method)
        if attempt.provider_ref is None:
            break
        started = _resume(attempt, provider)
        if started is not None:
            return started
    raise Conflict(_("This bill is already being paid. Wait a moment, then reload the page."))


def _payable(bill):
    view = balances.bill_view(bill)
    if view.status == balances.VOID:
        raise Conflict(_("This bill is void."))
    if view.balance_fen <= 0:
        raise Conflict(_("This bill is already paid.") if view.paid_fen
                       else _("Nothing is owed on this bill."))
    return view.balance_fen


def _pending_attempt(bill):
    return db.session.scalar(sa.select(Payment).where(
        Payment.community_id == bill.community_id, Payment.bill_id == bill.id,
        Payment.status == "pending"))


def _open_attempt(bill, amount_fen, actor, provider_name):
    """(attempt, True) for a new committed attempt, or (the pending one, False)."""
    pending = _pending_attempt(bill)
    if pending is not None:
        return pending, False
    number = 1 + (db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(
        Payment.community_id == bill.community_id, Payment.bill_id == bill.id,
        Payment.method == "online")) or 0)
    attempt = Payment(community_id=bill.community_id, dwelling_id=bill.dwelling_id,
                      bill_id=bill.id, method="online", amount_fen=amount_fen, currency=CURRENCY,
                      status="pending", provider=provider_name, payer_id=actor.id,
                      created_by_id=actor.id, idempotency_key=f"pay-{bill.id}-{number}")
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except sa.exc.IntegrityError:  # a concurrent click won (C1)
        pending = _pending_attempt(bill)
        if pending is None:
            raise Conflict(_("This bill is already being paid. Wait a moment, then reload the "
                             "page.")) from None
        return pending, False
    audit.record("payment.online_start", actor=actor, community_id=bill.community_id,
                 payment_id=attempt.id, bill_id=bill.id, amount_fen=amount_fen,
                 idempotency_key=attempt.idempotency_key)
    db.session.commit()
    return attempt, True


def _take_over(attempt):
    """Retry an attempt the provider never answered (or one interrupted long ago) with its own
    idempotency key; a conditional UPDATE lets exactly one request do it."""
    now = utcnow()
    result = db.session.execute(
        sa.update(Payment).where(
            Payment.id == attempt.id, Payment.status == "pending", Payment.provider_ref.is_(None),
            sa.or_(Payment.failure_message.is_not(None), Payment.created_at < now - IN_FLIGHT))
        .values(failure_message=None, created_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.commit()
    db.session.refresh(attempt)
    return True


def _metadata(attempt):
    return {"community_id": attempt.community_id, "bill_ids": str(attempt.bill_id),
            "dwelling_id": attempt.dwelling_id, "payment_id": attempt.id}


def _call(attempt, provider, payment_method):
    try:
        intent = provider.create_and_confirm(
            amount_fen=attempt.amount_fen, currency=attempt.currency,
            payment_method=payment_method, metadata=_metadata(attempt),
            idempotency_key=attempt.idempotency_key)
    except gateway.Unreachable as error:
        attempt.failure_message = f"unreachable: {error}"[:500]  # a retry may take it over
        db.session.commit()
        raise ProviderUnavailable(_(
            "The payment service did not answer. Nothing is recorded as paid; please try again "
            "in a moment (you will not be charged twice).")) from None
    db.session.refresh(attempt, with_for_update=True)  # the webhook may have come first
    if intent.provider_ref and attempt.provider_ref is None:
        attempt.provider_ref = intent.provider_ref
    if intent.status == gateway.FAILED:
        if attempt.status == "pending":  # (the provider's failure event may have come first)
            attempt.status, attempt.failure_message = "failed", intent.failure_message
            audit.record("payment.online_declined", community_id=attempt.community_id,
                         payment_id=attempt.id, provider_ref=attempt.provider_ref)
        db.session.commit()
        raise PaymentDeclined(intent.failure_message)
    db.session.commit()
    return OnlineStart(payment=attempt, status=intent.status, client_secret=intent.client_secret)


def _resume(attempt, provider):
    """A pending attempt with a provider payment: where it stands, or None once it has failed."""
    try:
        intent = provider.retrieve(attempt.provider_ref)
    except gateway.Unreachable:
        raise ProviderUnavailable(_("The payment service did not answer. Please try again in a "
                                    "moment.")) from None
    if intent.status not in (gateway.SUCCEEDED, gateway.FAILED):
        return OnlineStart(payment=attempt, status=intent.status,
                           client_secret=intent.client_secret)
    inbox.apply_event(inbox.sync_event(provider.name, intent))
    db.session.refresh(attempt)
    if attempt.status == "succeeded":
        return OnlineStart(payment=attempt, status=gateway.SUCCEEDED)
    if attempt.status == "failed":
        return None
    raise Conflict(_("This payment needs a check by the property office before anything else."))


# The provider's side, re-exported: the webhook inbox and reconciliation (propmgmt.billing.inbox).
apply_event = inbox.apply_event
reconcile = inbox.reconcile
