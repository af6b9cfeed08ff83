"""Forms of joint meetings: schedule, minutes with attendance, action items and their updates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DateTimeLocalField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from propmgmt.communities import modes

FORMAT = "%Y-%m-%dT%H:%M"
KIND_LABELS = {"regular": _l("Regular meeting"), "extraordinary": _l("Extraordinary meeting")}
STATUS_LABELS = {"scheduled": _l("Scheduled"), "held": _l("Held"), "cancelled": _l("Cancelled")}
ITEM_STATUS_LABELS = {"open": _l("Open"), "done": _l("Done"), "dropped": _l("Dropped")}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(_l("Kind"), choices=list(KIND_LABELS.items()), default="regular")
    scheduled_at = DateTimeLocalField(_l("Date and time"), format=FORMAT,
                                      validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    orgs = MultiCheckboxField(_l("Invite"), choices=list(modes.ORG_LABELS.items()),
                              default=list(modes.ORG_KINDS))
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Schedule meeting"))


def minutes_form(meeting, formdata=None):
    """The minutes form with a present-checkbox and a names field per invited organization."""

    class MinutesForm(FlaskForm):
        held_at = DateTimeLocalField(_l("Held at"), format=FORMAT, validators=[Optional()])
        minutes = TextAreaField(_l("Minutes"), validators=[DataRequired(), Length(max=20000)])
        submit = SubmitField(_l("Save minutes"))

    for invitee in meeting.invitees:
        setattr(MinutesForm, f"present_{invitee.org_kind}", BooleanField(
            _l("%(org)s present", org=modes.ORG_LABELS[invitee.org_kind]),
            default=bool(invitee.attended)))
        setattr(MinutesForm, f"names_{invitee.org_kind}", StringField(
            _l("Who came for %(org)s", org=modes.ORG_LABELS[invitee.org_kind]),
            validators=[Optional(), Length(max=300)], default=invitee.attendees))
    form = MinutesForm(prefix="m", formdata=formdata) if formdata is not None \
        else MinutesForm(prefix="m")
    if not form.is_submitted() and meeting.minutes and meeting.status == "held":
        form.minutes.data = meeting.minutes
    return form


def attendance_of(form, meeting):
    return {i.org_kind: (form[f"present_{i.org_kind}"].data, form[f"names_{i.org_kind}"].data)
            for i in meeting.invitees}


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason for cancelling"), validators=[DataRequired(),
                                                                  Length(max=500)])
    submit = SubmitField(_l("Cancel meeting"))


class ItemForm(FlaskForm):
    title = StringField(_l("Action item"), validators=[DataRequired(), Length(max=200)])
    owner_org = SelectField(_l("Owned by"), choices=list(modes.ORG_LABELS.items()))
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    submit = SubmitField(_l("Add action item"))


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("Progress"), validators=[Optional(), Length(max=20000)])
    status = SelectField(_l("Status after this update"), choices=list(ITEM_STATUS_LABELS.items()))
    version = HiddenField()
    submit = SubmitField(_l("Post update"))

    def version_number(self):
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish minutes to residents"))
