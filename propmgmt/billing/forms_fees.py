"""Forms of the fee collector's pages: fee items, rate changes, billing settings, the billing run.

Amounts are typed in yuan and become integer fen through money.parse_yuan (never floats); the
services check what the amounts mean and answer with field names in fen, which `yuan_fields`
moves onto the yuan fields of these forms.
"""
import contextlib
import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from propmgmt.billing import vocab
from propmgmt.errors import Invalid
from propmgmt.money import parse_yuan

YUAN_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
SERVICE_FIELDS = {"rate_fen": "rate_yuan", "guided_base_fen": "guided_base_yuan"}
VACANCY_POLICIES = {"full": _l("Bill in full"),
                    "discount": _l("Bill with a discount"),
                    "developer": _l("Bill the developer (undelivered dwellings)")}


def yuan(form, field):
    """A yuan amount of at most two decimals (whole fen); empty is left to Optional/DataRequired."""
    text = (field.data or "").strip().replace(",", "")
    if text and not YUAN_RE.match(text):
        raise ValidationError(_l("Enter an amount in yuan, e.g. 0.45 (at most two decimals)."))


def fen(field):
    """The field's yuan amount as integer fen, or None when it is empty."""
    text = (field.data or "").strip()
    return parse_yuan(text) if text else None


@contextlib.contextmanager
def yuan_fields():
    """Service errors about `*_fen` land next to the matching `*_yuan` field of the form."""
    try:
        yield
    except Invalid as error:
        error.fields = {SERVICE_FIELDS.get(k, k): v for k, v in (error.fields or {}).items()}
        raise


def _choices(labels):
    return lambda: list(labels.items())


class FeeItemForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Kind of fee"), choices=_choices(vocab.FEE_KINDS))
    basis = SelectField(_l("Charged"), choices=_choices(vocab.BASES))
    cycle = SelectField(_l("Billing cycle"), choices=_choices(vocab.CYCLES))
    rate_yuan = StringField(_l("Rate (yuan a month, per m² or per dwelling)"),
                            validators=[DataRequired(), yuan])
    effective_from = DateField(_l("First rate applies from"), validators=[Optional()],
                               description=_l("Empty: from the first day of this month."))
    price_form = SelectField(_l("Price form"), choices=_choices(vocab.PRICE_FORMS))
    guided_base_yuan = StringField(_l("Guided base rate (yuan)"), validators=[Optional(), yuan],
                                   description=_l("Only for a government-guided price."))
    guided_float_pct = IntegerField(_l("Float range (± per cent)"), validators=[Optional()],
                                    description=_l("Only for a government-guided price."))
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Optional(), Length(max=2000)],
                                description=_l("The service contract, the price bureau's "
                                              "document…"))
    submit = SubmitField(_l("Create fee item"))

    def service_data(self):
        """Keyword arguments for fees.create_fee_item."""
        guided = self.price_form.data == "guided"
        return dict(name=self.name.data, kind=self.kind.data, basis=self.basis.data,
                    cycle=self.cycle.data, rate_fen=fen(self.rate_yuan),
                    effective_from=self.effective_from.data, price_form=self.price_form.data,
                    guided_base_fen=fen(self.guided_base_yuan) if guided else None,
                    guided_float_pct=self.guided_float_pct.data if guided else None,
                    legal_basis=(self.legal_basis.data or "").strip())


class RateChangeForm(FlaskForm):
    rate_yuan = StringField(_l("New rate (yuan a month)"), validators=[DataRequired(), yuan])
    effective_from = DateField(_l("Takes effect on"), validators=[DataRequired()],
                               description=_l("Announced today: at least one month from now."))
    submit = SubmitField(_l("Announce the new rate"))


class SettingsForm(FlaskForm):
    due_day = IntegerField(_l("Bills are due on day (1–28) of the month"),
                           validators=[InputRequired()])
    vacancy_policy = SelectField(_l("Vacant and undelivered dwellings"),
                                 choices=_choices(VACANCY_POLICIES))
    vacancy_discount_pct = IntegerField(_l("Vacancy discount (per cent)"),
                                        validators=[Optional()],
                                        description=_l("Only when billing with a discount."))
    late_fee_daily_bp = IntegerField(
        _l("Late fee per day (basis points of the amount owed; 5 = 0.05%)"),
        validators=[Optional()],
        description=_l("Only if the service contract sets a late fee. Empty: no late fee."))
    late_fee_cap_pct = IntegerField(
        _l("Late fees above this share of the amount owed are flagged as likely reducible "
           "(per cent)"), validators=[Optional()], description=_l("Empty: 30 per cent."))
    submit = SubmitField(_l("Save settings"))

    def service_data(self):
        """Keyword arguments for fees.update_settings."""
        return dict(due_day=self.due_day.data, vacancy_policy=self.vacancy_policy.data,
                    vacancy_discount_pct=self.vacancy_discount_pct.data,
                    late_fee_daily_bp=self.late_fee_daily_bp.data,
                    late_fee_cap_pct=self.late_fee_cap_pct.data)


def _this_month():
    return dt.date.today().strftime("%Y-%m")


class RunForm(FlaskForm):
    period = StringField(_l("Period (YYYY-MM)"), validators=[DataRequired()],
                         default=_this_month)
    submit = SubmitField(_l("Run billing"))


class ParkingForm(FlaskForm):
    code = StringField(_l("Space number"), validators=[DataRequired(), Length(max=32)])
    dwelling = StringField(_l("Rented to dwelling (building-number; empty: free)"),
                           validators=[Optional(), Length(max=70)])
    submit = SubmitField(_l("Save parking space"))
