"""Pages of the renovation record (projects, items, reports) and the facility registry."""
import zoneinfo
from decimal import Decimal

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import scoping
from propmgmt.auth.throttle import upload_limits
from propmgmt.communities import modes
from propmgmt.communities import queries as community_queries
from propmgmt.communities.views import community_for
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.monitoring import documents
from propmgmt.monitoring import facilities as registry
from propmgmt.monitoring import forms_renovation as forms
from propmgmt.monitoring import renovation
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import RenovationProject
from propmgmt.monitoring.models import RenovationReport
from propmgmt.monitoring.models.vocab import CONDITIONS
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import REPORT_STAGES
from propmgmt.pagination import paginate
from propmgmt.web import actor

bp = Blueprint("renovation", __name__)
LABELS = {"kinds": KINDS, "stages": REPORT_STAGES, "conditions": CONDITIONS,
          "retired_labels": forms.RETIRED_LABELS, "sources": forms.SOURCE_LABELS}
PER_PAGE = 50


def _yuan(fen):
    """Fen as exact yuan for a spreadsheet cell (a Decimal, never a float)."""
    return None if fen is None else Decimal(int(fen)) / 100


def _local(moment, community):
    return moment.astimezone(zoneinfo.ZoneInfo(community.timezone)).strftime("%Y-%m-%d %H:%M")


# Renovation projects


@bp.get("/communities/<int:community_id>/renovation")
@login_required
def index(community_id):
    community = community_for(community_id, "renovation.view")
    return render_template("renovation/index.html", community=community,
                           projects=renovation.community_projects(community),
                           missing=renovation.missing_stages, **LABELS)


@bp.get("/communities/<int:community_id>/renovation.xlsx")
@login_required
def export_projects(community_id):
    community = community_for(community_id, "renovation.view")
    rows = [(p.id, p.name, p.starts_on, p.ends_on, p.contractor, _yuan(p.cost_fen),
             "、".join(str(KINDS[i.kind]) for i in p.items), _yuan(renovation.items_cost_fen(p)),
             "、".join(str(REPORT_STAGES[s]) for s in renovation.missing_stages(p)))
            for p in renovation.community_projects(community)]
    headers = [_("No."), _("Project name"), _("Started on"), _("Finished on"), _("Contractor"),
               _("Total cost (yuan)"), _("Items"), _("Cost of the items (yuan)"),
               _("Missing reports")]
    return xlsx_response(f"renovation-{community.id}.xlsx", headers, rows,
                         title=_("Renovation projects"))


@bp.route("/communities/<int:community_id>/renovation/new", methods=["GET", "POST"])
@login_required
def create(community_id):
    community = community_for(community_id, "renovation.manage")
    form = forms.project_form()

    def submit():
        project = renovation.create_project(community=community, actor=actor(),
                                            **forms.project_data(form))
        flash(_("Renovation project recorded."), "success")
        return redirect(url_for("renovation.detail", project_id=project.id))

    return form_page(form, "renovation/project_form.html", submit, community=community,
                     project=None)


def _project(project_id, action="renovation.view"):
    return scoping.get_authorized_or_404(RenovationProject, project_id, current_user, action,
                                         options=renovation.project_detail())


def _detail(project, *, item=None, report=None):
    return render_template(
        "renovation/detail.html", project=project, community=project.community,
        item_form=item or forms.ItemForm(prefix="i"),
        report_form=report or forms.ReportForm(prefix="r"),
        register_form=forms.RegisterForm(prefix="g"), remove_form=forms.RemoveReportForm(
            prefix="x"), missing=renovation.missing_stages(project),
        items_cost=renovation.items_cost_fen(project), pending=registry.pending_items(project),
        facility_count=registry.project_facility_count(project), **LABELS)


def _back(project, message):
    flash(message, "success")
    return redirect(url_for("renovation.detail", project_id=project.id))


@bp.get("/renovation/<int:project_id>")
@login_required
def detail(project_id):
    return _detail(_project(project_id))


@bp.route("/renovation/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = _project(project_id, "renovation.manage")
    form = forms.project_form(project)

    def submit():
        renovation.update_project(project, actor=actor(), **forms.project_data(form))
        return _back(project, _("Renovation project saved."))

    return form_page(form, "renovation/project_form.html", submit, community=project.community,
                     project=project)


@bp.post("/renovation/<int:project_id>/items")
@login_required
def add_item(project_id):
    project = _project(project_id, "renovation.manage")
    form = forms.ItemForm(prefix="i")

    def submit():
        renovation.add_item(project, actor=actor(), **forms.item_data(form))
        return _back(project, _("Item added."))

    return form_page(form, None, submit, render=lambda: _detail(project, item=form))


@bp.post("/renovation/<int:project_id>/reports")
@login_required
@upload_limits()
def upload_report(project_id):
    project = _project(project_id, "renovation.manage")
    form = forms.ReportForm(prefix="r")

    def submit():
        renovation.add_report(project, actor=actor(), stage=form.stage.data,
                              title=form.title.data, upload=form.file.data)
        return _back(project, _("Report uploaded."))

    return form_page(form, None, submit, render=lambda: _detail(project, report=form))


def _report(report_id, action):
    report = scoping.get_authorized_or_404(RenovationReport, report_id, current_user, action)
    return report


@bp.get("/renovation/reports/<int:report_id>")
@login_required
def download_report(report_id):
    """Reports are served only to those who may see the record, never from static/."""
    report = _report(report_id, "renovation.view")
    path = documents.path_of(report)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=report.content_type, as_attachment=True,
                         download_name=report.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/renovation/reports/<int:report_id>/delete")
@login_required
def remove_report(report_id):
    report = _report(report_id, "renovation.manage")
    project = report.project
    form = forms.RemoveReportForm(prefix="x")

    def submit():
        renovation.remove_report(report, actor=actor())
        return _back(project, _("Report removed."))

    return form_page(form, None, submit, render=lambda: _detail(project))


@bp.post("/renovation/<int:project_id>/facilities")
@login_required
def register_facilities(project_id):
    project = _project(project_id, "facility.manage")
    form = forms.RegisterForm(prefix="g")

    def submit():
        created = registry.register_from_project(project, actor=actor())
        flash(_("%(n)d facilities registered from this project.", n=len(created)), "success")
        return redirect(url_for("renovation.facilities", community_id=project.community_id,
                                project=project.id))

    return form_page(form, None, submit, render=lambda: _detail(project))


# Facilities


def _row_id(name):
    """An id from the query string, or None when it is not one (never a database overflow)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value < 2**31 else None


def _facility_filters():
    kind, condition = request.args.get("kind"), request.args.get("condition")
    return {"kind": kind if kind in KINDS else None,
            "condition": condition if condition in CONDITIONS else None,
            "building_id": _row_id("building"), "project_id": _row_id("project"),
            "retired": request.args.get("status") == "retired"}


@bp.get("/communities/<int:community_id>/facilities")
@login_required
def facilities(community_id):
    community = community_for(community_id, "facility.view")
    filters = _facility_filters()
    page = paginate(registry.facilities_stmt(community, **filters),
                    request.args.get("page", 1, type=int), PER_PAGE)
    return render_template(
        "renovation/facilities.html", community=community, page=page, filters=filters,
        buildings=[b for b, _count in community_queries.buildings(community)],
        projects=renovation.project_names(community), handler=registry.first_handler(community),
        **LABELS)


@bp.get("/communities/<int:community_id>/facilities.xlsx")
@login_required
def export_facilities(community_id):
    community = community_for(community_id, "facility.view")
    projects = renovation.project_names(community)
    rows = [(f.id, str(KINDS[f.kind]), f.name, f.location, f.building.name if f.building else "",
             projects.get(f.project_id, ""), f.installed_on,
             str(modes.ORG_LABELS.get(registry.responsible_org(f, community), "")),
             f.inspection_interval_days, str(CONDITIONS[f.condition]),
             _local(f.condition_at, community), f.retired_on)
            for f in registry.all_facilities(
                registry.facilities_stmt(community, **_facility_filters()))]
    headers = [_("No."), _("Kind"), _("Name"), _("Location"), _("Building"),
               _("From renovation project"), _("Installed or renovated on"),
               _("Responsible organization"), _("Inspect every (days)"), _("Condition"),
               _("Condition recorded at"), _("Retired on")]
    return xlsx_response(f"facilities-{community.id}.xlsx", headers, rows, title=_("Facilities"))


def _facility_form(community, obj=None):
    return forms.facility_form(
        community, buildings=[b for b, _count in community_queries.buildings(community)],
        projects=renovation.project_names(community), handler=registry.first_handler(community),
        obj=obj)


@bp.route("/communities/<int:community_id>/facilities/new", methods=["GET", "POST"])
@login_required
def new_facility(community_id):
    community = community_for(community_id, "facility.manage")
    form = _facility_form(community)

    def submit():
        facility = registry.register_facility(community=community, actor=actor(),
                                              **forms.facility_data(form))
        flash(_("Facility registered."), "success")
        return redirect(url_for("renovation.facility", facility_id=facility.id))

    return form_page(form, "renovation/facility_form.html", submit, community=community,
                     facility=None)


def _facility(facility_id, action="facility.view"):
    facility = scoping.get_authorized_or_404(Facility, facility_id, current_user, action)
    return facility


def _facility_page(facility, *, condition=None, retire=None):
    community = facility.community
    return render_template(
        "renovation/facility.html", facility=facility, community=community,
        history=registry.history(facility), org=registry.responsible_org(facility, community),
        project_name=renovation.project_names(community).get(facility.project_id),
        condition_form=condition or forms.ConditionForm(prefix="c"),
        retire_form=retire or forms.RetireForm(prefix="t", retired_on=renovation.local_today(
            community)), **LABELS)


def _back_to_facility(facility, message):
    flash(message, "success")
    return redirect(url_for("renovation.facility", facility_id=facility.id))


@bp.get("/facilities/<int:facility_id>")
@login_required
def facility(facility_id):
    return _facility_page(_facility(facility_id))


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@login_required
def edit_facility(facility_id):
    facility = _facility(facility_id, "facility.manage")
    form = _facility_form(facility.community, obj=facility)

    def submit():
        registry.update_facility(facility, actor=actor(), **forms.facility_data(form))
        return _back_to_facility(facility, _("Facility saved."))

    return form_page(form, "renovation/facility_form.html", submit,
                     community=facility.community, facility=facility)


@bp.post("/facilities/<int:facility_id>/condition")
@login_required
def record_condition(facility_id):
    facility = _facility(facility_id, "facility.manage")
    form = forms.ConditionForm(prefix="c")

    def submit():
        registry.record_condition(facility, condition=form.condition.data, note=form.note.data,
                                  actor=actor())
        return _back_to_facility(facility, _("Condition recorded."))

    return form_page(form, None, submit, render=lambda: _facility_page(facility, condition=form))


@bp.post("/facilities/<int:facility_id>/retire")
@login_required
def retire(facility_id):
    facility = _facility(facility_id, "facility.manage")
    form = forms.RetireForm(prefix="t")

    def submit():
        registry.retire_facility(facility, actor=actor(), retired_on=form.retired_on.data)
        return _back_to_facility(facility, _("Facility retired."))

    return form_page(form, None, submit, render=lambda: _facility_page(facility, retire=form))
