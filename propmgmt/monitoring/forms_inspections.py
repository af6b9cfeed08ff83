"""Forms of inspections: a plan (with presets), and a task's checklist as worked on a phone."""
import datetime as dt
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from propmgmt.communities import modes
from propmgmt.monitoring import inspection_checks as checks
from propmgmt.monitoring.models.vocab import FINDING_RESULTS
from propmgmt.monitoring.models.vocab import FREQUENCIES
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import TASK_STATUSES

NONE = [("", "—")]


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    frequency = SelectField(_l("How often"), choices=list(FREQUENCIES.items()), default="daily")
    facility_kind = SelectField(_l("Facility kind"), validate_choice=False,
                                choices=[("", _l("Any kind"))] + list(KINDS.items()))
    facility_id = SelectField(_l("One facility"), validate_choice=False)
    building_id = SelectField(_l("Area: building"), validate_choice=False)
    checklist = TextAreaField(
        _l("Checklist"), validators=[DataRequired(), Length(max=checks.MAX_ITEMS * 202)],
        description=_l("One item per line, at most %(n)s items.", n=checks.MAX_ITEMS))
    responsible_org = SelectField(_l("Responsible organization"), validate_choice=False,
                                  choices=NONE + list(modes.ORG_LABELS.items()))
    starts_on = DateField(_l("First inspection on"), validators=[InputRequired()])
    submit = SubmitField(_l("Create plan"))


def plan_form(facilities, buildings, preset=None, today=None):
    """The plan form with the community's facilities and buildings, prefilled from a preset."""
    form = PlanForm()
    form.facility_id.choices = NONE + [
        (str(f.id), f"{KINDS.get(f.kind, f.kind)} · {f.name}") for f in facilities]
    form.building_id.choices = NONE + [(str(b.id), b.name) for b in buildings]
    if not form.is_submitted():
        form.starts_on.data = today or dt.date.today()
        if preset in checks.PRESETS:
            name, frequency, kind, _items = checks.PRESETS[preset]
            form.name.data, form.frequency.data = str(name), frequency
            form.facility_kind.data = kind or ""
            form.checklist.data = checks.preset_checklist(preset)
    return form


class DeactivateForm(FlaskForm):
    submit = SubmitField(_l("Stop this plan"))


def task_form(task, facilities, formdata=None):
    """One result, note, follow-up, facility and photo field per checklist item, and the hidden
    submission key a retry of the same submission carries again."""

    class TaskForm(FlaskForm):
        submission_key = HiddenField()
        note = TextAreaField(_l("Remarks on the round (optional)"),
                             validators=[Optional(), Length(max=checks.MAX_NOTE)])
        submit = SubmitField(_l("Submit inspection"))

    choices = NONE + [(str(f.id), f.name) for f in facilities]
    default = str(task.plan.facility_id) if task.plan.facility_id else ""
    for position, item in enumerate(task.plan.checklist, start=1):
        setattr(TaskForm, f"result_{position}", RadioField(
            item, choices=list(FINDING_RESULTS.items()), validate_choice=False))
        setattr(TaskForm, f"note_{position}", TextAreaField(
            _l("What is wrong"), validators=[Optional(), Length(max=checks.MAX_NOTE)]))
        setattr(TaskForm, f"follow_up_{position}", SelectField(
            _l("Ticket to open"), choices=list(checks.FOLLOW_UPS.items()), default="repair",
            validate_choice=False))
        setattr(TaskForm, f"facility_{position}", SelectField(
            _l("Facility"), choices=choices, default=default, validate_choice=False))
        setattr(TaskForm, f"photo_{position}", FileField(_l("Photo (JPEG, PNG or WebP)")))
    form = TaskForm(formdata=formdata) if formdata is not None else TaskForm()
    if not form.is_submitted():
        form.submission_key.data = uuid.uuid4().hex
    return form


def answers_of(form, task):
    """The form's answers as the service takes them: one dict per checklist item."""
    return [{"result": form[f"result_{n}"].data, "note": form[f"note_{n}"].data,
             "follow_up": form[f"follow_up_{n}"].data,
             "facility_id": form[f"facility_{n}"].data, "photo": form[f"photo_{n}"].data}
            for n in range(1, len(task.plan.checklist) + 1)]


def item_fields(form, task):
    """[(position, result, note, follow-up, facility, photo)] for the template."""
    return [(n, form[f"result_{n}"], form[f"note_{n}"], form[f"follow_up_{n}"],
             form[f"facility_{n}"], form[f"photo_{n}"])
            for n in range(1, len(task.plan.checklist) + 1)]


def task_filters(args):
    """(status, plan id, month as its first day) from a list page's query string; anything
    malformed is ignored rather than refused."""
    status = args.get("status")
    plan_id = args.get("plan", type=int)
    try:
        month = dt.datetime.strptime(args.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = None
    return (status if status in TASK_STATUSES else None, plan_id if plan_id and
            0 < plan_id < 2**31 else None, month)
