"""API for paying a bill online (Stripe first): the resident's app creates and confirms here."""
from flask_login import current_user

from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.payments import PayRequestSchema
from propmgmt.api.schemas.payments import PayResponseSchema
from propmgmt.billing import online
from propmgmt.billing.models import Bill
from propmgmt.web import actor as _actor

bp = Blueprint("api_payments", __name__, url_prefix="/api/v1",
               description="Paying bills online; the bill becomes paid through the provider's "
                           "webhook.")


@bp.post(f"/bills/<{ID_CONVERTER}:bid>/pay")
@bp.token_required
@bp.arguments(PayRequestSchema)
@bp.response(201, PayResponseSchema)
@bp.errors(400, 402, 403, 404, 409, 422, 503)
def pay(body, bid):
    """Pay a bill's balance online; only the residents of its dwelling may.

    The amount is the bill's balance in the database. One attempt per bill is open at a time:
    calling again returns it (or 409 while it is being created); a declined card is 402.
    """
    bill = scoping.get_visible_or_404(Bill, bid, current_user)
    started = online.start_online_payment(bill=bill, actor=_actor(),
                                          payment_method=body.get("payment_method"))
    payment = started.payment
    return {"payment_id": payment.id, "provider": payment.provider, "status": started.status,
            "client_secret": started.client_secret, "amount_fen": payment.amount_fen,
            "currency": payment.currency}
