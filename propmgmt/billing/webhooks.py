"""POST /payments/stripe/webhook: Stripe's signed events into the payment inbox.

The one CSRF-exempt page route (Stripe signs its requests; it has no session or form token).
A bad, missing or stale signature is a 400 and writes nothing; a verified event is stored once
and applied by propmgmt.billing.online.apply_event, which only touches the database, so the
answer is quick. An error while applying answers 500 and rolls back, so Stripe retries it.
"""
from flask import Blueprint
from flask import jsonify
from flask import request
from flask_babel import gettext as _

from propmgmt.billing import gateway
from propmgmt.billing import online
from propmgmt.errors import error_response

bp = Blueprint("payment_webhooks", __name__)


@bp.post("/payments/stripe/webhook")
def stripe_webhook():
    provider = gateway.get("stripe")
    if provider is None:
        return error_response(404, "not_found", _("Online payment is not configured."))
    try:
        event = provider.parse_event(request.get_data(cache=False),
                                     request.headers.get("Stripe-Signature"))
    except gateway.BadSignature:
        return error_response(400, "bad_signature", _("The signature of this event is not valid."))
    return jsonify({"received": True, "status": online.apply_event(event)})


def register(app):
    """Add the route with CSRF protection lifted for it alone (see the module docstring)."""
    from propmgmt.extensions import csrf  # noqa: PLC0415

    csrf.exempt(stripe_webhook)
    app.register_blueprint(bp)
