"""Forms of owners' votes: open a vote, cast a ballot, enter a paper ballot."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from propmgmt.governance import rules

FORMAT = "%Y-%m-%dT%H:%M"


def _item_choices():
    return [("", _l("No specific item (choose the matter below)")),
            *[(code, f"{number}. {label}") for code, (number, label) in rules.ITEMS.items()]]


class VoteForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    item = SelectField(_l("Civil Code art. 278 item"), choices=_item_choices,
                       description=_l("Items 6-8 are major matters (3/4 of participants)."))
    matter = RadioField(_l("Matter"), choices=list(rules.MATTER_LABELS.items()),
                        default=rules.ORDINARY)
    options = StringField(_l("Options (comma-separated; empty for agree, disagree, abstain)"),
                          validators=[Optional(), Length(max=500)])
    opens_at = DateTimeLocalField(
        _l("Voting opens at"), format=FORMAT, validators=[InputRequired()],
        description=_l("At least 15 days from now: the vote notice is posted today."))
    closes_at = DateTimeLocalField(_l("Voting closes at"), format=FORMAT,
                                   validators=[InputRequired()])
    objection_days = IntegerField(_l("Days for objections to the provisional result"),
                                  default=7, validators=[Optional(), NumberRange(1, 30)])
    submit = SubmitField(_l("Announce vote"))


class BallotForm(FlaskForm):
    option = RadioField(_l("Your choice"), validators=[InputRequired()])
    submit = SubmitField(_l("Cast ballot"))


class PaperBallotForm(FlaskForm):
    person_id = SelectField(_l("Owner"), coerce=int, validate_choice=False)
    option = RadioField(_l("Choice on the paper"), validators=[InputRequired()])
    paper_ref = StringField(_l("Reference of the signed paper ballot"),
                            validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Enter paper ballot"))


def option_choices(vote):
    """(code, label) of a vote's options, the default ones translated."""
    return [(o, rules.OPTION_LABELS.get(o, o)) for o in vote.options]


class ObjectionForm(FlaskForm):
    body = TextAreaField(_l("Your objection"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Raise objection"))


class AnswerForm(FlaskForm):
    response = TextAreaField(_l("The committee's answer"),
                             validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Answer"))


class StepForm(FlaskForm):
    """A button for one step of the cycle (post the result, declare it final, remind)."""

    submit = SubmitField()
