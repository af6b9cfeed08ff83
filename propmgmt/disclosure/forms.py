"""Forms of notices: post a notice or disclosure, correct one, comment on a disclosure."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateTimeLocalField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

FORMAT = "%Y-%m-%dT%H:%M"
KIND_LABELS = {
    "notice": _l("Notice"),
    "income_spending": _l("Income and spending disclosure"),
    "meeting_minutes": _l("Meeting minutes"),
    "other": _l("Other"),
}
LINES_HELP = _l("One line per item: label | income | expense, amounts in yuan "
                "(e.g. Parking fees | 12000 | 0).")


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), default="notice")
    building_id = SelectField(_l("For"), coerce=int, validate_choice=False, default=0)
    publish_at = DateTimeLocalField(_l("Publish at (empty: now)"), format=FORMAT,
                                    validators=[Optional()])
    expire_at = DateTimeLocalField(_l("Expires at (optional)"), format=FORMAT,
                                   validators=[Optional()])
    is_pinned = BooleanField(_l("Pin to the top"))
    period_year = IntegerField(_l("Year (disclosures)"),
                               validators=[Optional(), NumberRange(min=2000, max=2100)])
    period_quarter = SelectField(_l("Quarter (empty: the whole year)"), coerce=int, default=0,
                                 choices=[(0, "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    lines = TextAreaField(_l("Lines (disclosures)"), description=LINES_HELP,
                          validators=[Optional(), Length(max=20000)])
    arrears = StringField(_l("Owners' arrears in yuan (optional)"),
                          validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Publish"))


class CorrectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    lines = TextAreaField(_l("Lines (empty: keep the lines)"), description=LINES_HELP,
                          validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Publish corrected version"))


class DraftForm(FlaskForm):
    """Change a draft in place (before its publication date)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    publish_at = DateTimeLocalField(_l("Publish at"), format=FORMAT, validators=[DataRequired()])
    expire_at = DateTimeLocalField(_l("Expires at (optional)"), format=FORMAT,
                                   validators=[Optional()])
    is_pinned = BooleanField(_l("Pin to the top"))
    submit = SubmitField(_l("Save draft"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add comment"))
