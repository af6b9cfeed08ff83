"""API for billing: fee items and rates, billing runs, a dwelling's bills, offline payments."""
import datetime as dt

from flask_babel import gettext as _
from flask_login import current_user

from propmgmt import policy
from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.base import PageQuerySchema
from propmgmt.api.schemas.billing import BillingRunRequestSchema
from propmgmt.api.schemas.billing import BillingRunSchema
from propmgmt.api.schemas.billing import BillPageSchema
from propmgmt.api.schemas.billing import FeeItemCreateSchema
from propmgmt.api.schemas.billing import FeeItemListSchema
from propmgmt.api.schemas.billing import FeeItemSchema
from propmgmt.api.schemas.billing import IdempotencyHeaderSchema
from propmgmt.api.schemas.billing import PaymentRequestSchema
from propmgmt.api.schemas.billing import PaymentSchema
from propmgmt.billing import fees
from propmgmt.billing import idempotency
from propmgmt.billing import payments
from propmgmt.billing import queries
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.communities import people
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.errors import NotFound
from propmgmt.pagination import paginate
from propmgmt.web import actor as _actor

bp = Blueprint("api_billing", __name__, url_prefix="/api/v1",
               description="Fee items and rates, billing runs, bills and offline payments.")

COMMUNITY = f"/communities/<{ID_CONVERTER}:cid>"
# Fields of a fee item that a POST with an existing item's name must leave as they are.
ITEM_TERMS = ("basis", "cycle", "kind", "price_form", "guided_base_fen", "guided_float_pct",
              "legal_basis")



def _community(cid, action):
    """The community if the caller may see it (else 404) and may do `action` on it (else 403)."""
    community = scoping.get_authorized_or_404(Community, cid, current_user, action)
    return community


def _dwelling(did):
    """A dwelling whose bills the caller may see, with its community.

    Staff, committees and the fee collector see every dwelling's bills; owners, tenants and
    family their own dwellings'. Others who may list the dwellings get 403, everyone else 404.
    """
    dwelling = scoping.get_visible_or_404(Dwelling, did, current_user)
    community = scoping.get_visible_or_404(Community, dwelling.community_id, current_user)
    if policy.can(current_user, "billing.view_all", community):
        return dwelling, community
    if any(own.id == dwelling.id for own, _kind in people.dwellings_of(current_user,
                                                                       community.id)):
        return dwelling, community
    if policy.can(current_user, "dwelling.list", community):
        raise NotAllowed()
    raise NotFound()


def _fee_item(item, today):
    current = item.rate_on(today)
    return {
        "id": item.id, "name": item.name, "basis": item.basis,
        "rate_fen": current.rate_fen if current is not None else None,
        "cycle": item.cycle, "kind": item.kind, "price_form": item.price_form,
        "guided_base_fen": item.guided_base_fen, "guided_float_pct": item.guided_float_pct,
        "legal_basis": item.legal_basis, "is_active": item.is_active,
        "rates": [{"rate_fen": r.rate_fen, "effective_from": r.effective_from,
                   "announced_on": r.announced_on} for r in item.rates],
    }


def _bill(line):
    view = line.view
    return {
        "id": view.bill.id, "fee_item": line.fee_item, "fee_item_id": view.bill.fee_item_id,
        "period": view.bill.period, "months": view.bill.months, "amount_fen": view.due_fen,
        "paid_fen": view.paid_fen, "balance_fen": view.balance_fen, "status": view.status,
        "due_date": view.bill.due_on,
    }


def _payment(payment):
    return {
        "id": payment.id, "dwelling_id": payment.dwelling_id, "amount_fen": payment.amount_fen,
        "method": payment.method, "reference": payment.reference,
        "received_at": payment.received_at,
        "allocations": [{"bill_id": a.bill_id, "amount_fen": a.amount_fen}
                        for a in queries.allocations_of(payment)],
    }


def _change_rate(item, body):
    """A POST naming an existing item: a new rate for it, on the item's unchanged terms."""
    errors = {}
    for field in ITEM_TERMS:
        if field in body and body[field] != getattr(item, field):
            errors[field] = [_("The fee %(name)s already exists with another value here; "
                               "posting its name again only changes its rate.", name=item.name)]
    if body.get("effective_from") is None:
        errors["effective_from"] = [_("To change the rate of %(name)s, give the date the new "
                                      "rate takes effect.", name=item.name)]
    if errors:
        raise Invalid(fields=errors)
    fees.change_rate(item=item, rate_fen=body["rate_fen"], effective_from=body["effective_from"],
                     actor=_actor())
    return item


@bp.get(f"{COMMUNITY}/fee-items")
@bp.token_required
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, FeeItemListSchema)
@bp.errors(403, 404, 422)
def fee_items(cid, page, per_page):
    """The community's fee items with the rate in force today and the rate history."""
    community = _community(cid, "community.view")
    result = paginate(queries.fee_items_stmt(community), page, per_page)
    today = dt.date.today()
    result.items = [_fee_item(item, today) for item in result.items]
    return result


@bp.post(f"{COMMUNITY}/fee-items")
@bp.token_required
@bp.arguments(FeeItemCreateSchema)
@bp.response(201, FeeItemSchema)
@bp.errors(400, 403, 404, 422)
def create_fee_item(body, cid):
    """Add a fee item (the fee collector of the community's mode); its first rate applies at once.

    With the name of an existing item this is a rate change: the new `rate_fen` takes effect on
    `effective_from`, which must be at least one month after today, when it is announced (422
    otherwise); the item's other fields must be left as they are.
    """
    community = _community(cid, "billing.manage")
    name = body["name"].strip()
    existing = queries.fee_item_named(community, name) if name else None
    if existing is not None:
        item = _change_rate(existing, body)
    else:
        item = fees.create_fee_item(community=community, actor=_actor(), **body)
    return _fee_item(item, dt.date.today())


@bp.post(f"{COMMUNITY}/billing-runs")
@bp.token_required
@bp.arguments(BillingRunRequestSchema)
@bp.response(201, BillingRunSchema)
@bp.errors(400, 403, 404, 422)
def billing_run(body, cid):
    """Bill a period: one bill per dwelling and active fee item billed that month.

    Running it again creates nothing (`created` 0, the rest `skipped`). Periods more than 12
    months ahead are refused.
    """
    community = _community(cid, "billing.manage")
    return run.run_billing(period=body["period"], community=community, actor=_actor())


@bp.get(f"/dwellings/<{ID_CONVERTER}:did>/bills")
@bp.token_required
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, BillPageSchema)
@bp.errors(403, 404, 422)
def dwelling_bills(did, page, per_page):
    """A dwelling's bills, newest period first, with what was paid and their status.

    For the dwelling's owners, tenants and family, and for staff and committees.
    """
    dwelling = _dwelling(did)[0]
    result = queries.bills_page(dwelling, page, per_page)
    result.items = [_bill(line) for line in result.items]
    return result


@bp.post(f"/bills/<{ID_CONVERTER}:bid>/payments")
@bp.token_required
@bp.arguments(PaymentRequestSchema)
@bp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
@bp.response(201, PaymentSchema)
@bp.errors(400, 403, 404, 409, 422)
def record_payment(body, bid, idempotency_key):
    """Record an offline payment (cash, bank transfer) against a bill (the fee collector's staff).

    The amount may not exceed the bill's balance; a paid or void bill, or a method and
    reference already recorded, is a conflict (409). With an `Idempotency-Key` header, a retry
    with the same key and body returns the first payment (header `Idempotent-Replayed: true`).
    """
    bill = scoping.get_visible_or_404(Bill, bid, current_user)
    community = _dwelling(bill.dwelling_id)[1]
    policy.require(current_user, "billing.record_payment", community)
    if idempotency_key is None:
        return _payment(payments.record_payment(dwelling=bill.dwelling, bill=bill, actor=_actor(),
                                                **body))
    payment, replayed = idempotency.record_bill_payment(
        key=idempotency.api_key(current_user, idempotency_key), bill=bill, actor=_actor(), **body)
    return _payment(payment), {"Idempotent-Replayed": "true"} if replayed else {}
