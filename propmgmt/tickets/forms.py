from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField
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

from propmgmt.communities import modes
from propmgmt.tickets import vocab


def _category_choices():
    return {str(vocab.KINDS[kind]): [(c, label) for c, label in cats.items()]
            for kind, cats in vocab.CATEGORIES.items()}


class TicketForm(FlaskForm):
    kind = RadioField(_l("What is it?"), choices=list(vocab.KINDS.items()), default=vocab.REPAIR)
    category = SelectField(_l("Category"), choices=_category_choices, validate_choice=False)
    priority = RadioField(_l("Priority"), choices=list(vocab.PRIORITIES.items()),
                          default=vocab.NORMAL)
    dwelling_id = SelectField(_l("Dwelling"), coerce=str, validate_choice=False)
    location = StringField(_l("Where (for stairwells, roofs, roads and other common areas)"),
                           validators=[Optional(), Length(max=200)])
    about_org = SelectField(_l("Complaint about which organization"), validate_choice=False,
                            choices=[("", "—"), *modes.ORG_LABELS.items()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=5000)])
    photos = MultipleFileField(_l("Photos (up to 3: JPEG, PNG or WebP)"))
    submit = SubmitField(_l("File ticket"))


class StaffTicketForm(TicketForm):
    """Filing on a resident's behalf: how it came in and who reported it."""

    channel = SelectField(_l("Came in by"), choices=[(c, vocab.CHANNELS[c]) for c in
                                                     ("phone", "walk_in", "hotline_12345", "web")])
    dwelling_label = StringField(_l("Dwelling (building-number)"),
                                 validators=[Optional(), Length(max=70)])
    reporter_username = StringField(_l("Resident's username (if they have an account)"),
                                    validators=[Optional(), Length(max=64)])
    reporter_name = StringField(_l("Reporter's name"), validators=[Optional(), Length(max=100)])
    reporter_phone = StringField(_l("Reporter's phone"), validators=[Optional(), Length(max=32)])
    external_ref = StringField(_l("12345 hotline number"), validators=[Optional(),
                                                                      Length(max=64)])


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    assignee_id = SelectField(_l("Assign to"), coerce=str, validate_choice=False)
    photos = MultipleFileField(_l("Photo (optional)"))


class RatingForm(FlaskForm):
    score = RadioField(_l("Your rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)],
                       validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Rate"))


class DeadlineForm(FlaskForm):
    kind = HiddenField(validators=[DataRequired()])
    category = HiddenField(validators=[DataRequired()])
    priority = HiddenField(validators=[DataRequired()])
    response_minutes = IntegerField(_l("Response (minutes)"),
                                    validators=[InputRequired(), NumberRange(min=1)])
    resolution_hours = IntegerField(_l("Resolution (hours)"),
                                    validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Save"))
