from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import DateField
from wtforms import DecimalField
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

from propmgmt.communities import modes


def _mode_choices():
    return list(modes.LABELS.items())


def _optional_id(value):
    """A select's value as an id, or None for the empty choice."""
    if value is None or value == "" or value == "None":
        return None
    return int(value)


def _org_choices():
    return list(modes.ORG_LABELS.items())


class CommunityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    district = StringField(_l("District"), validators=[DataRequired(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    mode = SelectField(_l("Management mode"), choices=_mode_choices)
    submit = SubmitField(_l("Create community"))


class ModeChangeForm(FlaskForm):
    mode = SelectField(_l("New management mode"), choices=_mode_choices)
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    vote_id = SelectField(_l("Owners' vote that decided it"), coerce=_optional_id,
                          validate_choice=False, validators=[Optional()])
    decided_by = StringField(_l("Decided by (without a vote: the street office's document or "
                                "other authority)"),
                             validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Change mode"))


class BuildingForm(FlaskForm):
    name = StringField(_l("Building"), validators=[DataRequired(), Length(max=32)])
    floors = IntegerField(_l("Floors"), validators=[Optional(), NumberRange(min=1, max=200)])
    submit = SubmitField(_l("Add building"))


class DwellingForm(FlaskForm):
    building_id = SelectField(_l("Building"), coerce=int, validate_choice=False)
    number = StringField(_l("Dwelling number"), validators=[DataRequired(), Length(max=32)])
    area_m2 = DecimalField(_l("Floor area (m²)"), places=2, validators=[InputRequired()])
    submit = SubmitField(_l("Add dwelling"))


class OrganizationForm(FlaskForm):
    kind = SelectField(_l("Organization"), choices=_org_choices)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)])
    submit = SubmitField(_l("Save organization"))


class ContractForm(FlaskForm):
    company_name = StringField(_l("Property company"), validators=[DataRequired(),
                                                                   Length(max=150)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on (empty: no fixed term)"), validators=[Optional()])
    fee_yuan_per_m2 = DecimalField(_l("Service fee (yuan per m² per month)"), places=2,
                                   validators=[Optional(), NumberRange(min=0, max=100)])
    scope = TextAreaField(_l("Scope of service"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record contract"))


class RosterForm(FlaskForm):
    file = FileField(_l("Roster file (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    submit = SubmitField(_l("Import roster"))
