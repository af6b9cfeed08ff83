"""Forms of satisfaction surveys: open a survey, answer it (radio buttons 1-5 per dimension)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from propmgmt.surveys.services import DIMENSION_LABELS
from propmgmt.surveys.services import MAX_COMMENT

FORMAT = "%Y-%m-%dT%H:%M"
SCORES = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    period = StringField(_l("Survey period"), validators=[DataRequired(), Length(max=16)],
                         description=_l("For example 2026-Q4 or 2026-11."))
    opens_at = DateTimeLocalField(_l("Opens at"), format=FORMAT, validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes at"), format=FORMAT, validators=[InputRequired()])
    submit = SubmitField(_l("Open survey"))


def _score_field(dimension):
    return RadioField(DIMENSION_LABELS[dimension], choices=SCORES, coerce=int,
                      validators=[InputRequired(message=_l("Give a score from 1 to 5."))])


class AnswerForm(FlaskForm):
    dwelling_id = SelectField(_l("Dwelling"), coerce=int, validate_choice=False)
    cleaning = _score_field("cleaning")
    security = _score_field("security")
    greenery = _score_field("greenery")
    repairs = _score_field("repairs")
    parking = _score_field("parking")
    overall = _score_field("overall")
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), Length(max=MAX_COMMENT)])
    submit = SubmitField(_l("Submit answer"))
