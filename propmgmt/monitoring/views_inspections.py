"""Pages of inspections: the inspector's list and checklist (phone first), plans, the task list."""
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

from propmgmt import policy
from propmgmt import scoping
from propmgmt.auth.throttle import upload_limits
from propmgmt.communities import modes
from propmgmt.communities.views import community_for
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.monitoring import forms_inspections as forms
from propmgmt.monitoring import inspection_checks as checks
from propmgmt.monitoring import inspections
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionPlan
from propmgmt.monitoring.models import InspectionTask
from propmgmt.monitoring.models import vocab
from propmgmt.pagination import paginate
from propmgmt.web import actor

bp = Blueprint("inspections", __name__)


@bp.get("/communities/<int:community_id>/inspections")
@login_required
def index(community_id):
    community = community_for(community_id, "inspection.work")
    today = inspections.local_today(community)
    open_tasks, missed = inspections.work_list(community, today)
    return render_template("inspections/index.html", community=community, today=today,
                           open_tasks=open_tasks, missed=missed, vocab=vocab)


@bp.get("/communities/<int:community_id>/inspections/tasks")
@login_required
def tasks(community_id):
    community = community_for(community_id, "facility.view")
    status, plan_id, month = forms.task_filters(request.args)
    today = inspections.local_today(community)
    first, last = checks.period_of("monthly", month or today)
    page = paginate(inspections.tasks_stmt(community, status=status, plan_id=plan_id,
                                           month=month), request.args.get("page", 1, type=int),
                    50)
    return render_template(
        "inspections/tasks.html", community=community, page=page, status=status,
        plan_id=plan_id, month=month, plans=inspections.community_plans(community),
        figures=inspections.inspection_figures([community.id], first, last)[community.id],
        figures_month=first, today=today, vocab=vocab)


@bp.get("/communities/<int:community_id>/inspections/tasks.xlsx")
@login_required
def export_tasks(community_id):
    community = community_for(community_id, "facility.view")
    status, plan_id, month = forms.task_filters(request.args)
    rows = [(t.id, t.plan.name, str(vocab.FREQUENCIES[t.plan.frequency]), t.period_start,
             t.due_on, str(vocab.TASK_STATUSES[t.status]),
             str(vocab.FINDING_RESULTS[t.result]) if t.result else "",
             t.inspector.display_name if t.inspector else "",
             t.submitted_at.replace(tzinfo=None) if t.submitted_at else None)
            for t in inspections.task_rows(community, status=status, plan_id=plan_id,
                                           month=month)]
    headers = [_("No."), _("Plan"), _("How often"), _("Period from"), _("Due on"), _("Status"),
               _("Result"), _("Inspector"), _("Submitted at (UTC)")]
    return xlsx_response(f"inspections-{community.id}.xlsx", headers, rows,
                         title=_("Inspections"))


@bp.get("/communities/<int:community_id>/inspections/plans")
@login_required
def plans(community_id):
    community = community_for(community_id, "facility.view")
    return render_template("inspections/plans.html", community=community, vocab=vocab,
                           plans=inspections.community_plans(community),
                           deactivate_form=forms.DeactivateForm())


@bp.get("/communities/<int:community_id>/inspections/plans.xlsx")
@login_required
def export_plans(community_id):
    community = community_for(community_id, "facility.view")
    rows = [(p.id, p.name, str(vocab.FREQUENCIES[p.frequency]), _area(p), len(p.checklist),
             str(modes.ORG_LABELS[p.responsible_org]) if p.responsible_org else "",
             p.starts_on, _("yes") if p.active else _("no"))
            for p in inspections.community_plans(community)]
    headers = [_("No."), _("Plan"), _("How often"), _("Inspects"), _("Items"),
               _("Responsible organization"), _("First inspection on"), _("Active")]
    return xlsx_response(f"inspection-plans-{community.id}.xlsx", headers, rows,
                         title=_("Inspection plans"))


def _area(plan):
    parts = [str(vocab.KINDS[plan.facility_kind])] if plan.facility_kind else []
    parts += [plan.facility.name] if plan.facility else []
    parts += [_("Building %(name)s", name=plan.building.name)] if plan.building else []
    return " · ".join(parts) or _("The whole community")


@bp.route("/communities/<int:community_id>/inspections/plans/new", methods=["GET", "POST"])
@login_required
def create_plan(community_id):
    community = community_for(community_id, "inspection.plan")
    facilities, buildings = inspections.area_choices(community)
    form = forms.plan_form(facilities, buildings, preset=request.args.get("preset"),
                           today=inspections.local_today(community))

    def submit():
        plan = inspections.create_plan(
            community=community, actor=actor(), name=form.name.data,
            frequency=form.frequency.data, checklist=form.checklist.data,
            starts_on=form.starts_on.data, facility_kind=form.facility_kind.data,
            facility_id=form.facility_id.data, building_id=form.building_id.data,
            responsible_org=form.responsible_org.data)
        flash(_("Plan \"%(name)s\" created; its tasks appear from %(date)s.", name=plan.name,
                date=plan.starts_on.isoformat()), "success")
        return redirect(url_for("inspections.plans", community_id=community.id))

    return form_page(form, "inspections/new_plan.html", submit, community=community,
                     presets=checks.PRESETS)


@bp.post("/inspection-plans/<int:plan_id>/deactivate")
@login_required
def deactivate_plan(plan_id):
    plan = scoping.get_authorized_or_404(InspectionPlan, plan_id, current_user, "inspection.plan")
    form = forms.DeactivateForm()
    if not form.validate_on_submit():
        abort(400)
    removed = inspections.deactivate_plan(plan, actor=actor())
    flash(_("Plan stopped; %(n)s open tasks were withdrawn.", n=removed), "success")
    return redirect(url_for("inspections.plans", community_id=plan.community_id))


def _task(task_id):
    return scoping.get_authorized_or_404(InspectionTask, task_id, current_user, "facility.view",
                                         options=inspections.TASK_DETAIL)


def _task_page(task, form=None, facilities=None, status=200):
    community, today = task.plan.community, inspections.local_today(task.plan.community)
    facilities = inspections.plan_facilities(task.plan) if facilities is None else facilities
    workable = (task.status == "open" and task.due_on >= today
                and policy.can(current_user, "inspection.work", task))
    if workable and form is None:
        form = forms.task_form(task, facilities)
    return render_template(
        "inspections/task.html", task=task, community=community, vocab=vocab,
        form=form if workable else None, items=forms.item_fields(form, task) if workable else None,
        facilities={f.id: f for f in facilities}, today=today), status


@bp.get("/inspection-tasks/<int:task_id>")
@login_required
def task(task_id):
    return _task_page(_task(task_id))


@bp.post("/inspection-tasks/<int:task_id>")
@login_required
@upload_limits()
def submit(task_id):
    task = _task(task_id)
    policy.require(current_user, "inspection.work", task)
    facilities = inspections.plan_facilities(task.plan)
    form = forms.task_form(task, facilities)

    def done():
        result = inspections.submit_task(task, actor=actor(), answers=forms.answers_of(form, task),
                                         submission_key=form.submission_key.data,
                                         note=form.note.data)
        flash(_("This inspection was already submitted; nothing was recorded twice.")
              if result.repeated else _("Inspection submitted."), "success")
        return redirect(url_for("inspections.task", task_id=task.id))

    return form_page(form, None, done,
                     render=lambda: _task_page(task, form, facilities, 422)[0])


@bp.get("/inspection-findings/<int:finding_id>/photo")
@login_required
def photo(finding_id):
    """Photos are served only to those who may see the inspection, never from static/."""
    finding = scoping.get_authorized_or_404(InspectionFinding, finding_id, current_user,
                                            "facility.view")
    path = inspections.photo_path(finding) if finding.photo_stored_name else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=finding.photo_content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
