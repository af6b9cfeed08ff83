"""Forms of the staff's money pages. Amounts are typed in yuan and kept as integer fen."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from propmgmt.billing import arrears
from propmgmt.billing import vocab
from propmgmt.money import parse_yuan

YUAN_RE = re.compile(r"^[+-]?\d{1,12}(\.\d{1,2})?$")


class YuanField(StringField):
    """An amount in yuan typed by a person (e.g. 120.50); `fen` holds it as integer fen."""

    fen = None

    def pre_validate(self, form):
        self.fen = None
        text = (self.data or "").strip().replace(",", "")
        if not text:
            return  # DataRequired, or the form's own rule, decides whether it is needed
        if not YUAN_RE.match(text):
            raise ValidationError(_("Enter an amount in yuan, e.g. 120.50."))
        self.fen = parse_yuan(text)
        if self.fen <= 0:
            raise ValidationError(_("Enter an amount of more than 0."))


class _AmountForm(FlaskForm):
    @property
    def amount_fen(self):
        """Services name the field amount_fen; their messages land on `amount`."""
        return self.amount


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class PaymentForm(_AmountForm):
    dwelling = StringField(_l("Dwelling (building-number, e.g. 3-502)"),
                           validators=[DataRequired(), Length(max=70)])
    bill_id = SelectField(_l("Bill"), coerce=_optional_int)
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=[(m, vocab.METHODS[m])
                                                for m in ("cash", "bank_transfer")])
    reference = StringField(_l("Receipt book or transfer number"),
                            validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Record payment"))


class RefundForm(_AmountForm):
    amount = YuanField(_l("Amount to refund (yuan)"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record refund"))


ADJUSTMENTS = {"lower": _l("Lower the bill by"), "raise": _l("Raise the bill by"),
               "void": _l("Void the bill")}


class AdjustForm(_AmountForm):
    change = SelectField(_l("Change"), choices=list(ADJUSTMENTS.items()))
    amount = YuanField(_l("Amount (yuan; not needed to void)"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record adjustment"))

    def validate_amount(self, field):
        if self.change.data != "void" and field.fen is None and not field.errors:
            raise ValidationError(_("Enter the amount to lower or raise the bill by."))

    @property
    def signed_fen(self):
        """What the change does to the bill in fen (negative lowers it); None to void."""
        if self.change.data == "void":
            return None
        return -self.amount.fen if self.change.data == "lower" else self.amount.fen


class CollectionForm(FlaskForm):
    """The collection steps the law allows, and only those (rule 31)."""

    action = SelectField(_l("Step"), choices=[(a, vocab.ARREARS_ACTIONS[a])
                                              for a in arrears.ACTIONS])
    note = TextAreaField(_l("Note (letter number, mediator, court…)"),
                         validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record step"))
