"""Forms of the dashboards: handle an alert, record an evaluation."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from propmgmt.monitoring.models.vocab import EVALUATIONS


class AcknowledgeForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Acknowledge"))


class CloseAlertForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Close alert"))


class EvaluationForm(FlaskForm):
    kind = SelectField(_l("Evaluation"), choices=list(EVALUATIONS.items()))
    year = IntegerField(_l("Year"), default=lambda: dt.date.today().year,
                        validators=[InputRequired(), NumberRange(2000, 2100)])
    building_id = SelectField(_l("Building (for 最美楼栋)"), coerce=int, validate_choice=False,
                              default=0)
    awarded_by = StringField(_l("Awarded by"), validators=[Optional(), Length(max=200)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record evaluation"))
