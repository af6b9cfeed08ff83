"""Billing pages (staff): recording payments, refunds and adjustments, the bill and payment lists,
a dwelling's account, arrears with the collection steps, and payment receipts."""
from decimal import Decimal

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import fresh_login_required
from flask_login import login_required

from propmgmt.billing import accounts
from propmgmt.billing import arrears
from propmgmt.billing import payments
from propmgmt.billing import periods
from propmgmt.billing import receipts
from propmgmt.billing import vocab
from propmgmt.billing.forms_staff import AdjustForm
from propmgmt.billing.forms_staff import CollectionForm
from propmgmt.billing.forms_staff import PaymentForm
from propmgmt.billing.forms_staff import RefundForm
from propmgmt.billing.models import Bill
from propmgmt.billing.models import Payment
from propmgmt.billing.views import bp
from propmgmt.communities import queries
from propmgmt.communities.models import Dwelling
from propmgmt.communities.services import get_dwelling_by_label
from propmgmt.communities.views import community_for
from propmgmt.errors import Conflict
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.money import format_fen
from propmgmt.web import actor as _actor
from propmgmt.web import row_id

PREFIX = "/communities/<int:community_id>"


def _yuan(fen):
    """Fen as exact yuan for a spreadsheet cell (a Decimal, never a float)."""
    return Decimal(int(fen)) / 100


@bp.context_processor
def _staff_helpers():
    return {"staff_vocab": {"statuses": vocab.BILL_STATUSES, "methods": vocab.METHODS,
                            "actions": vocab.ARREARS_ACTIONS, "buckets": arrears.BUCKET_LABELS,
                            "limitation": arrears.LIMITATION_LABELS},
            "receipt_number": receipts.receipt_number, "received_on": receipts.received_on}



def _money_form(form, template, submit, **context):
    """form_page, with a service's Conflict (a duplicate reference…) shown on the form (409)."""

    def guarded():
        try:
            return submit()
        except Conflict as error:
            form.form_errors = [*form.form_errors, error.message]
            return render_template(template, form=form, **context), 409

    return form_page(form, template, guarded, **context)


def _to_account(dwelling_id, community_id, message):
    flash(message, "success")
    return redirect(url_for("billing.account", community_id=community_id, dwelling_id=dwelling_id))


@bp.route(PREFIX + "/payments/new", methods=["GET", "POST"])
@login_required
def record_payment(community_id):
    community = community_for(community_id, "billing.record_payment")
    form = PaymentForm(dwelling=request.args.get("dwelling"), bill_id=request.args.get("bill"))
    open_bills = accounts.open_bill_lines(community, form.dwelling.data)
    form.bill_id.choices = [("", _("Oldest unpaid bills first"))] + [
        (line.bill.id, f"{line.bill.period} · {line.fee_name} · {format_fen(line.balance_fen)}")
        for line in open_bills]

    def submit():
        dwelling = get_dwelling_by_label(community, form.dwelling.data)
        bill = next((b.bill for b in open_bills if b.bill.id == form.bill_id.data), None)
        payment = payments.record_payment(
            dwelling=dwelling, amount_fen=form.amount.fen, method=form.method.data,
            reference=form.reference.data, actor=_actor(), bill=bill)
        return _to_account(dwelling.id, community.id, _(
            "Payment of %(amount)s yuan recorded for %(label)s.",
            amount=format_fen(payment.amount_fen), label=dwelling.label))

    return _money_form(form, "billing/staff/record_payment.html", submit, community=community,
                       open_bills=open_bills)


@bp.get(PREFIX + "/dwellings/<int:dwelling_id>/account")
@login_required
def account(community_id, dwelling_id):
    community = community_for(community_id, "billing.view_all")
    dwelling = accounts.row_in(Dwelling, community, dwelling_id)
    return render_template("billing/staff/account.html", community=community,
                           account=accounts.account(dwelling))


@bp.route(PREFIX + "/payments/<int:payment_id>/refund", methods=["GET", "POST"])
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def refund_payment(community_id, payment_id):
    community = community_for(community_id, "billing.record_payment")
    payment = accounts.row_in(Payment, community, payment_id)
    form = RefundForm()

    def submit():
        refund = accounts.refund_offline(payment=payment, amount_fen=form.amount.fen,
                                        reason=form.reason.data, actor=_actor())
        return _to_account(payment.dwelling_id, community.id, _(
            "Refund of %(amount)s yuan recorded.", amount=format_fen(refund.amount_fen)))

    return _money_form(form, "billing/staff/refund.html", submit, community=community,
                       payment=payment, refundable_fen=accounts.refundable_of(payment))


@bp.route(PREFIX + "/bills/<int:bill_id>/adjust", methods=["GET", "POST"])
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def adjust_bill(community_id, bill_id):
    community = community_for(community_id, "billing.manage")
    bill = accounts.row_in(Bill, community, bill_id)
    form = AdjustForm()

    def submit():
        payments.adjust_bill(bill=bill, amount_fen=form.signed_fen, reason=form.reason.data,
                             actor=_actor(), void=form.change.data == "void")
        return _to_account(bill.dwelling_id, community.id, _("The bill has been adjusted."))

    return _money_form(form, "billing/staff/adjust.html", submit, community=community,
                       line=accounts.bill_line(bill))


def _bill_filters():
    period = (request.args.get("period") or "").strip()
    status = request.args.get("status")
    return {"period": period if periods.PERIOD_RE.match(period) else None,
            "status": status if status in arrears.STATUSES else None,
            "building_id": request.args.get("building", type=row_id)}


@bp.get(PREFIX + "/bills")
@login_required
def bill_list(community_id):
    community = community_for(community_id, "billing.view_all")
    filters = _bill_filters()
    page = accounts.bill_page(accounts.bill_lines_stmt(community.id, **filters),
                             request.args.get("page", 1, type=int))
    return render_template("billing/staff/bills.html", community=community, page=page,
                           filters=filters, buildings=queries.buildings(community))


@bp.get(PREFIX + "/bills.xlsx")
@login_required
def export_bills(community_id):
    community = community_for(community_id, "billing.view_all")
    lines = accounts.all_bill_lines(accounts.bill_lines_stmt(community.id, **_bill_filters()))
    headers = [_("Building"), _("Dwelling"), _("Period"), _("Fee item"), _("Due on"),
               _("Amount due (yuan)"), _("Paid (yuan)"), _("Balance (yuan)"), _("Status")]
    rows = ([line.label.rpartition("-")[0], line.label, line.bill.period,
             line.fee_name, line.bill.due_on, _yuan(line.due_fen), _yuan(line.paid_fen),
             _yuan(line.balance_fen), str(vocab.BILL_STATUSES[line.status])] for line in lines)
    return xlsx_response(f"bills-{community.id}.xlsx", headers, rows, title=community.name)


def _payment_filters():
    method = request.args.get("method")
    return {"method": method if method in payments.OFFLINE_METHODS + ("online",) else None,
            "search": (request.args.get("q") or "").strip()[:64] or None}


@bp.get(PREFIX + "/payments")
@login_required
def payment_list(community_id):
    community = community_for(community_id, "billing.view_all")
    filters = _payment_filters()
    page = accounts.payment_page(accounts.payment_lines_stmt(community.id, **filters),
                                request.args.get("page", 1, type=int))
    return render_template("billing/staff/payments.html", community=community, page=page,
                           filters=filters)


@bp.get(PREFIX + "/payments.xlsx")
@login_required
def export_payments(community_id):
    community = community_for(community_id, "billing.view_all")
    lines = accounts.all_payment_lines(accounts.payment_lines_stmt(community.id,
                                                                 **_payment_filters()))
    headers = [_("Receipt number"), _("Received on"), _("Dwelling"), _("Amount (yuan)"),
               _("Refunded (yuan)"), _("Method"), _("Reference"), _("Recorded by")]
    rows = ([receipts.receipt_number(line.payment), receipts.received_on(line.payment), line.label,
             _yuan(line.payment.amount_fen), _yuan(line.refunded_fen),
             str(vocab.METHODS.get(line.payment.method, line.payment.method)),
             line.payment.reference or "", line.recorded_by or ""] for line in lines)
    return xlsx_response(f"payments-{community.id}.xlsx", headers, rows, title=community.name)


@bp.get(PREFIX + "/arrears", endpoint="arrears")
@login_required
def arrears_list(community_id):
    community = community_for(community_id, "billing.view_all")
    building_id = request.args.get("building", type=row_id)
    return render_template("billing/staff/arrears.html", community=community,
                           report=arrears.report(community, building_id=building_id),
                           buildings=queries.buildings(community), building_id=building_id)


@bp.get(PREFIX + "/arrears.xlsx")
@login_required
def export_arrears(community_id):
    community = community_for(community_id, "billing.view_all")
    report = arrears.report(community, building_id=request.args.get("building", type=row_id))
    headers = [_("Building"), _("Dwelling"), _("Owners"), _("Overdue (yuan)"),
               *[str(label) for label in arrears.BUCKET_LABELS], _("Oldest due date"),
               _("Limitation"), _("Last reminder"), _("Mediation"), _("Lawsuit or arbitration")]
    if report.late_fee:
        headers.append(_("Late fee accrued (yuan, not billed)"))
    rows = (_arrears_cells(row, report.late_fee) for row in report.rows)
    return xlsx_response(f"arrears-{community.id}.xlsx", headers, rows, title=community.name)


def _arrears_cells(row, late_fee):
    cells = [row.building, row.label, ", ".join(row.owners), _yuan(row.total_fen),
             *[_yuan(b) for b in row.buckets], row.oldest_due_on,
             str(arrears.LIMITATION_LABELS.get(row.limitation, "")),
             row.last_on("reminder"), row.last_on("mediation"), row.last_on("lawsuit")]
    return cells + [_yuan(row.late_fee_fen)] if late_fee else cells


@bp.route(PREFIX + "/dwellings/<int:dwelling_id>/collection-step", methods=["GET", "POST"])
@login_required
def collection_step(community_id, dwelling_id):
    community = community_for(community_id, "billing.manage")
    dwelling = accounts.row_in(Dwelling, community, dwelling_id)
    form = CollectionForm()

    def submit():
        step = arrears.record_action(dwelling=dwelling, action=form.action.data,
                                     note=form.note.data, actor=_actor())
        flash(_("%(step)s recorded for %(label)s (%(amount)s yuan overdue).",
                step=vocab.ARREARS_ACTIONS[step.action], label=dwelling.label,
                amount=format_fen(step.amount_fen)), "success")
        return redirect(url_for("billing.arrears", community_id=community.id))

    return _money_form(form, "billing/staff/collection_step.html", submit, community=community,
                       dwelling=dwelling, overdue_fen=arrears.overdue_of(dwelling))


@bp.get("/payments/<int:payment_id>/receipt.pdf")
@login_required
def receipt(payment_id):
    payment = receipts.payment_for_receipt(payment_id, current_user)
    return send_file(receipts.receipt_pdf(payment), mimetype="application/pdf",
                     download_name=f"receipt-{receipts.receipt_number(payment)}.pdf")


@bp.post("/communities/<int:community_id>/dwellings/<int:dwelling_id>/status")
@login_required
def dwelling_status(community_id, dwelling_id):
    """Occupied, vacant or undelivered: vacant and undelivered dwellings bill as the settings say."""
    from propmgmt.communities import services as community_services  # noqa: PLC0415

    community = community_for(community_id, "billing.manage")
    dwelling = accounts.row_in(Dwelling, community, dwelling_id)
    community_services.set_occupancy_status(dwelling=dwelling,
                                            status=request.form.get("occupancy_status"),
                                            actor=_actor())
    flash(_("Dwelling status saved."), "success")
    return redirect(url_for("billing.account", community_id=community.id,
                            dwelling_id=dwelling.id))
