"""Billing pages (fees): fee items and their rates (the data of the fee disclosure), the billing
settings, the billing run, and the collection figures."""
import datetime as dt
from decimal import Decimal

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import fresh_login_required
from flask_login import login_required

from propmgmt import exports
from propmgmt import policy
from propmgmt import scoping
from propmgmt.billing import fees
from propmgmt.billing import figures
from propmgmt.billing import run
from propmgmt.billing import vocab
from propmgmt.billing.forms_fees import VACANCY_POLICIES
from propmgmt.billing.forms_fees import FeeItemForm
from propmgmt.billing.forms_fees import RateChangeForm
from propmgmt.billing.forms_fees import RunForm
from propmgmt.billing.forms_fees import SettingsForm
from propmgmt.billing.forms_fees import fen
from propmgmt.billing.forms_fees import yuan_fields
from propmgmt.billing.models import FeeItem
from propmgmt.billing.views import bp
from propmgmt.communities.views import community_for
from propmgmt.errors import NotFound
from propmgmt.forms import form_page
from propmgmt.money import format_fen
from propmgmt.web import actor as _actor



def _rate_form(item, **formdata):
    """The item's rate-change form: from the request when posted, empty with `formdata=None`."""
    return RateChangeForm(prefix=f"rate-{item.id}", **formdata)


def _fee_page(community, submitted=None):
    """The fee items page; `submitted` holds the one form that was just posted (with its errors)."""
    submitted = submitted or {}
    items = fees.fee_items(community)
    context = {"community": community, "items": items, "today": dt.date.today(),
               "settings": fees.current_settings(community), "vacancy_labels": VACANCY_POLICIES,
               "vocab": vocab}
    if policy.can(current_user, "billing.manage", community):
        context.update(
            item_form=submitted.get("item") or FeeItemForm(formdata=None, prefix="item"),
            run_form=submitted.get("run") or RunForm(formdata=None, prefix="run"),
            rate_forms={i.id: submitted.get(i.id) or _rate_form(i, formdata=None) for i in items})
    return render_template("billing/fees/index.html", **context)


def _back(community, message):
    flash(message, "success")
    return redirect(url_for("billing.fee_items", community_id=community.id))


@bp.get("/communities/<int:community_id>/fees")
@login_required
def fee_items(community_id):
    return _fee_page(community_for(community_id))


@bp.post("/communities/<int:community_id>/fees")
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def create_fee_item(community_id):
    community = community_for(community_id, "billing.manage")
    form = FeeItemForm(prefix="item")

    def submit():
        with yuan_fields():
            item = fees.create_fee_item(community=community, actor=_actor(), **form.service_data())
        return _back(community, _("Fee item %(name)s created.", name=item.name))

    return form_page(form, None, submit, render=lambda: _fee_page(community, {"item": form}))


@bp.post("/communities/<int:community_id>/fees/<int:item_id>/rates")
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def change_rate(community_id, item_id):
    community = community_for(community_id, "billing.manage")
    item = scoping.get_visible_or_404(FeeItem, item_id, current_user)
    if item.community_id != community.id:
        raise NotFound()
    form = _rate_form(item)

    def submit():
        with yuan_fields():
            rate = fees.change_rate(item=item, rate_fen=fen(form.rate_yuan),
                                    effective_from=form.effective_from.data, actor=_actor())
        return _back(community, _("New rate of %(rate)s yuan for %(name)s announced; it takes "
                                  "effect on %(date)s.", rate=format_fen(rate.rate_fen),
                                  name=item.name, date=rate.effective_from.isoformat()))

    return form_page(form, None, submit, render=lambda: _fee_page(community, {item.id: form}))


@bp.post("/communities/<int:community_id>/billing-run")
@login_required
def run_billing(community_id):
    community = community_for(community_id, "billing.manage")
    form = RunForm(prefix="run")

    def submit():
        result = run.run_billing(period=form.period.data.strip(), community=community,
                                 actor=_actor())
        return _back(community, _run_message(result))

    return form_page(form, None, submit, render=lambda: _fee_page(community, {"run": form}))


def _run_message(result):
    if result.created:
        return _("Created %(created)s bill lines for %(period)s; %(skipped)s already existed.",
                 created=result.created, period=result.period, skipped=result.skipped)
    if result.skipped:
        return _("Nothing to do: all %(skipped)s bill lines for %(period)s already exist.",
                 skipped=result.skipped, period=result.period)
    return _("Nothing to do: no active fee item is billed in %(period)s, or there are no "
             "dwellings.", period=result.period)


@bp.route("/communities/<int:community_id>/billing-settings", methods=["GET", "POST"])
@login_required
def settings(community_id):
    community = community_for(community_id, "billing.manage")
    form = SettingsForm(obj=fees.current_settings(community))

    def submit():
        fees.update_settings(community, actor=_actor(), **form.service_data())
        return _back(community, _("Billing settings saved."))

    return form_page(form, "billing/fees/settings.html", submit, community=community)


@bp.get("/communities/<int:community_id>/collection")
@login_required
def collection(community_id):
    community = community_for(community_id, "billing.view_all")
    rows = figures.collection(community)
    return render_template("billing/fees/collection.html", community=community, rows=rows)


@bp.get("/communities/<int:community_id>/collection.xlsx")
@login_required
def export_collection(community_id):
    community = community_for(community_id, "billing.view_all")
    rows = figures.collection(community)
    return exports.xlsx_response(f"collection-{community.id}.xlsx", _collection_headers(),
                                 _collection_cells(rows), title=_("Collection"))


def _collection_headers():
    return [_("Period"), _("Billed (yuan)"), _("Paid (yuan)"), _("Collection rate by amount (%)"),
            _("Dwellings billed"), _("Dwellings fully paid"),
            _("Collection rate by dwelling (%)")]


def _collection_cells(rows):
    no_data = _("no data")
    for r in rows:
        yield [r.period, Decimal(r.billed_fen).scaleb(-2), Decimal(r.paid_fen).scaleb(-2),
               r.amount_pct if r.amount_pct is not None else no_data, r.dwellings_billed,
               r.dwellings_paid, r.dwelling_pct if r.dwelling_pct is not None else no_data]


@bp.route("/communities/<int:community_id>/parking", methods=["GET", "POST"])
@login_required
def parking(community_id):
    """Parking spaces and the dwellings renting them (billed by fee items charged per space)."""
    from propmgmt.billing import parking as parking_spaces  # noqa: PLC0415
    from propmgmt.billing.forms_fees import ParkingForm  # noqa: PLC0415

    community = community_for(community_id, "billing.view_all")
    form = ParkingForm()

    def submit():
        policy.require(current_user, "billing.manage", community)
        parking_spaces.set_space(community=community, code=form.code.data,
                                 dwelling_label=form.dwelling.data,
                                 actor=_actor())
        flash(_("Parking space %(code)s saved.", code=form.code.data), "success")
        return redirect(url_for("billing.parking", community_id=community.id))

    return form_page(form, "billing/fees/parking.html", submit, community=community,
                     spaces=parking_spaces.spaces(community))
