from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional

from propmgmt import roles


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me logged in"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(),
                                                                         Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8,
                                                                                     max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


def _role_choices():
    return [(r, label) for r, label in roles.LABELS.items() if r != roles.ADMIN]


def _occupancy_choices():
    return list(roles.OCCUPANCY_KINDS.items())


class CreateUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8, max=256)],
                             description=_l("Leave empty to generate a one-time password."))
    role = SelectField(_l("Role"), choices=_role_choices)
    dwelling = StringField(_l("Dwelling (building-number, residents only)"),
                           validators=[Optional(), Length(max=70)])
    occupancy = SelectField(_l("Tie to the dwelling"), choices=_occupancy_choices, default="owner")
    submit = SubmitField(_l("Create user"))


class GrantForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("Role"), choices=_role_choices)
    dwelling = StringField(_l("Dwelling (building-number, residents only)"),
                           validators=[Optional(), Length(max=70)])
    occupancy = SelectField(_l("Tie to the dwelling"), choices=_occupancy_choices, default="owner")
    submit = SubmitField(_l("Grant role"))


class RevokeForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Revoke"))
