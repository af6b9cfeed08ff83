"""Billing pages for residents: a dwelling's bills and payments, and paying a bill online.

The pay page collects the card with Stripe.js (STRIPE_JS_URL) and posts the PaymentMethod id as
JSON (CSRF token in the X-CSRFToken header); the server creates and confirms the payment, and
the page finishes 3-D Secure when asked. The bill shows paid once the provider's event arrives.
"""
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import scoping
from propmgmt.billing import balances
from propmgmt.billing import online
from propmgmt.billing import vocab
from propmgmt.billing.models import Bill
from propmgmt.billing.views import bp
from propmgmt.communities import queries as community_queries
from propmgmt.communities.models import Dwelling
from propmgmt.errors import DomainError
from propmgmt.web import actor as _actor



def _card_payments_ready():
    """Online payment needs both the server's key and the page's publishable key."""
    return online.online_payment_available() and bool(current_app.config["STRIPE_PUBLISHABLE_KEY"])


@bp.get("/bills/mine")
@login_required
def my_bills():
    mine = community_queries.my_dwellings(current_user)
    if len(mine) == 1:
        return redirect(url_for("billing.dwelling_bills", dwelling_id=mine[0][1].id))
    return render_template("billing/bills/mine.html", dwellings=mine)


@bp.get("/dwellings/<int:dwelling_id>/bills")
@login_required
def dwelling_bills(dwelling_id):
    dwelling = scoping.get_visible_or_404(Dwelling, dwelling_id, current_user)
    online.require_bill_viewer(current_user, dwelling)
    bills, history = online.dwelling_bills(dwelling)
    return render_template("billing/bills/dwelling.html", dwelling=dwelling, bills=bills,
                           history=history, vocab=vocab, online_ready=_card_payments_ready(),
                           payer=online.may_pay(current_user, dwelling))


@bp.get("/bills/<int:bill_id>/pay")
@login_required
def pay(bill_id):
    bill = scoping.get_visible_or_404(Bill, bill_id, current_user)
    online.require_payer(current_user, bill)
    return render_template("billing/bills/pay.html", bill=bill, view=balances.bill_view(bill),
                           vocab=vocab, online_ready=_card_payments_ready(),
                           stripe_js_url=current_app.config["STRIPE_JS_URL"],
                           publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"])


@bp.post("/bills/<int:bill_id>/pay")
@login_required
def pay_submit(bill_id):
    """JSON for the pay page's script: {payment_method} in, the attempt's next step out."""
    body = request.get_json(silent=True)
    try:
        bill = scoping.get_visible_or_404(Bill, bill_id, current_user)
        started = online.start_online_payment(
            bill=bill, actor=_actor(),
            payment_method=body.get("payment_method") if isinstance(body, dict) else None)
    except DomainError as error:
        return _json_error(error)
    return jsonify(payment_id=started.payment.id, provider=started.payment.provider,
                   status=started.status, client_secret=started.client_secret,
                   message=_("Payment received. The bill will show as paid when the bank "
                             "confirms it.")), 201


def _json_error(error):
    """The pay page's script reads the API's error body (this route answers JSON only)."""
    body = {"error": {"code": error.code,
                      "message": error.message or _("The payment could not be started.")}}
    if error.fields:
        body["error"]["fields"] = error.fields
    return jsonify(body), error.status
