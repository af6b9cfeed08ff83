"""Forms of the renovation record and the facility registry.

Costs are typed in yuan and become integer fen through money.parse_yuan (never floats); the
services check what the values mean.
"""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField
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
from wtforms.validators import ValidationError

from propmgmt.communities import modes
from propmgmt.monitoring.models.vocab import CONDITIONS
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import REPORT_STAGES
from propmgmt.money import parse_yuan

YUAN_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
RETIRED_LABELS = {"": _l("In service"), "retired": _l("Retired")}
SOURCE_LABELS = {"manual": _l("Recorded by hand"), "inspection": _l("Inspection"),
                 "ticket": _l("Repair ticket")}


def yuan(form, field):
    """A yuan amount of at most two decimals (whole fen); empty is left to Optional."""
    text = (field.data or "").strip().replace(",", "")
    if text and not YUAN_RE.match(text):
        raise ValidationError(_l("Enter an amount in yuan, e.g. 1250000.50 (at most two "
                                 "decimals)."))


def fen(field):
    """The field's yuan amount as integer fen, or None when it is empty."""
    text = (field.data or "").strip()
    return parse_yuan(text) if text else None


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class ProjectForm(FlaskForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Started on"), validators=[InputRequired()])
    ends_on = DateField(_l("Finished on"), validators=[Optional()],
                        description=_l("Empty while the works go on."))
    contractor = StringField(_l("Contractor"), validators=[Optional(), Length(max=200)])
    cost = StringField(_l("Total cost (yuan)"), validators=[Optional(), yuan])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save project"))



def project_form(project=None):
    """A project form, drawn from `project` when editing and not yet submitted."""
    form = ProjectForm()
    if project is not None and not form.is_submitted():
        for name in ("name", "starts_on", "ends_on", "contractor", "notes"):
            getattr(form, name).data = getattr(project, name)
        form.cost.data = _yuan_text(project.cost_fen)
    return form


def _yuan_text(cost_fen):
    if cost_fen is None:
        return ""
    return f"{cost_fen // 100}.{cost_fen % 100:02d}"


def project_data(form):
    return {"name": form.name.data, "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data, "contractor": form.contractor.data,
            "cost_fen": fen(form.cost), "notes": form.notes.data}


class ItemForm(FlaskForm):
    kind = SelectField(_l("Item from the menu"), choices=lambda: list(KINDS.items()))
    description = StringField(_l("What was done"), validators=[Optional(), Length(max=500)],
                              description=_l("e.g. roofs of buildings 1-3"))
    cost = StringField(_l("Cost (yuan)"), validators=[Optional(), yuan])
    done_on = DateField(_l("Done on"), validators=[Optional()])
    submit = SubmitField(_l("Add item"))


def item_data(form):
    return {"kind": form.kind.data, "description": form.description.data,
            "cost_fen": fen(form.cost), "done_on": form.done_on.data}


class ReportForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=lambda: list(REPORT_STAGES.items()))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("Empty: the file's name."))
    file = FileField(_l("Document (PDF, JPEG, PNG, DOCX or XLSX)"))
    submit = SubmitField(_l("Upload report"))


class RegisterForm(FlaskForm):
    submit = SubmitField(_l("Register facilities from this project"))


class RemoveReportForm(FlaskForm):
    submit = SubmitField(_l("Remove"))


def facility_form(community, *, buildings, projects, handler, formdata=None, obj=None):
    """The facility form with this community's buildings and projects as choices."""

    class FacilityForm(FlaskForm):
        kind = SelectField(_l("Kind"), choices=list(KINDS.items()))
        name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
        location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
        building_id = SelectField(_l("Building"), default="", choices=[("", _l("None"))] + [
            (str(b.id), _l("Building %(name)s", name=b.name)) for b in buildings])
        project_id = SelectField(_l("From renovation project"), default="",
                                 choices=[("", _l("None"))] + [
                                     (str(pid), name) for pid, name in projects.items()])
        installed_on = DateField(_l("Installed or renovated on"), validators=[Optional()])
        responsible_org = SelectField(
            _l("Responsible organization"), default="",
            choices=[("", _l("The mode's first handler (now: %(org)s)",
                             org=modes.ORG_LABELS[handler] if handler else "-"))]
            + list(modes.ORG_LABELS.items()))
        inspection_interval_days = IntegerField(
            _l("Inspect every (days)"), validators=[Optional(), NumberRange(min=1, max=3660)])
        submit = SubmitField(_l("Save facility"))

    kwargs = {"formdata": formdata} if formdata is not None else {}
    form = FacilityForm(**kwargs)
    if obj is not None and not form.is_submitted():
        for name in ("kind", "name", "location", "installed_on", "inspection_interval_days"):
            getattr(form, name).data = getattr(obj, name)
        form.building_id.data = str(obj.building_id or "")
        form.project_id.data = str(obj.project_id or "")
        form.responsible_org.data = obj.responsible_org or ""
    return form


def facility_data(form):
    return {"kind": form.kind.data, "name": form.name.data, "location": form.location.data,
            "building_id": _optional_int(form.building_id.data),
            "project_id": _optional_int(form.project_id.data),
            "installed_on": form.installed_on.data,
            "responsible_org": form.responsible_org.data or None,
            "inspection_interval_days": form.inspection_interval_days.data}


class ConditionForm(FlaskForm):
    condition = SelectField(_l("Condition"), choices=lambda: list(CONDITIONS.items()))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)],
                         description=_l("What is wrong, when it is not good."))
    submit = SubmitField(_l("Record condition"))


class RetireForm(FlaskForm):
    retired_on = DateField(_l("Retired on"), validators=[InputRequired()])
    submit = SubmitField(_l("Retire facility"))
