"""Renovation records: a community's projects, the menu items they did, and the three
assessment reports (diagnosis before, audit during, acceptance after) as uploaded documents.

Costs are integer fen; the forms parse the yuan people type (money.parse_yuan).
"""
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from propmgmt import audit
from propmgmt import policy
from propmgmt.db import db
from propmgmt.localtime import local_today  # noqa: F401 (also used by views)
from propmgmt.errors import Invalid
from propmgmt.monitoring import documents
from propmgmt.monitoring.models import RenovationItem
from propmgmt.monitoring.models import RenovationProject
from propmgmt.monitoring.models import RenovationReport
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import REPORT_STAGES

MAX_COST_FEN = 10**14  # a trillion yuan: anything above is a typing mistake
MAX_NOTES = 5000
FIELD_LIMITS = {"name": 200, "contractor": 200, "description": 500, "title": 200}


def _text(value, field, *, required=False, limit=None):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(fields={field: [_("This field is required.")]})
    limit = limit or FIELD_LIMITS.get(field, MAX_NOTES)
    if len(value) > limit:
        raise Invalid(fields={field: [_("Use at most %(max)d characters.", max=limit)]})
    return value


def _cost(cost_fen, field="cost"):
    if cost_fen is None:
        return None
    if not isinstance(cost_fen, int) or cost_fen < 0:
        raise Invalid(fields={field: [_("The cost cannot be negative.")]})
    if cost_fen >= MAX_COST_FEN:
        raise Invalid(fields={field: [_("This cost is too large; check the amount.")]})
    return cost_fen


def _project_fields(*, name, starts_on, ends_on=None, contractor="", cost_fen=None,
                    notes=""):
    if not isinstance(starts_on, dt.date):
        raise Invalid(fields={"starts_on": [_("Give the date the project started.")]})
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(fields={"ends_on": [_("The project cannot end before it starts.")]})
    return {"name": _text(name, "name", required=True), "starts_on": starts_on,
            "ends_on": ends_on, "contractor": _text(contractor, "contractor"),
            "cost_fen": _cost(cost_fen), "notes": _text(notes, "notes")}


def create_project(*, community, actor, **fields):
    """Record a renovation project of a community (name, dates, contractor, cost, notes)."""
    policy.require(actor, "renovation.manage", community)
    project = RenovationProject(community_id=community.id, created_by_id=actor.id,
                                **_project_fields(**fields))
    db.session.add(project)
    db.session.flush()
    audit.record("renovation.create", actor=actor, community_id=community.id,
                 project_id=project.id)
    db.session.commit()
    return project


def update_project(project, *, actor, **fields):
    """Correct a project's name, dates, contractor, cost or notes."""
    policy.require(actor, "renovation.manage", project)
    values = _project_fields(**fields)
    first_done = min((i.done_on for i in project.items if i.done_on), default=None)
    if first_done and first_done < values["starts_on"]:
        raise Invalid(fields={"starts_on": [_("An item of this project was done on %(date)s, "
                                              "before this date.", date=first_done.isoformat())]})
    changed = sorted(k for k, v in values.items() if getattr(project, k) != v)
    for key, value in values.items():
        setattr(project, key, value)
    audit.record("renovation.update", actor=actor, community_id=project.community_id,
                 project_id=project.id, changed=changed)
    db.session.commit()
    return project


def add_item(project, *, actor, kind, description="", cost_fen=None, done_on=None):
    """Add a menu item (pipes, roofs, lighting…) the project did, with its cost and date."""
    policy.require(actor, "renovation.manage", project)
    if kind not in KINDS:
        raise Invalid(fields={"kind": [_("Choose an item from the menu.")]})
    if done_on is not None and done_on < project.starts_on:
        raise Invalid(fields={"done_on": [_("An item cannot be done before its project "
                                            "started.")]})
    if done_on is not None and done_on > local_today(project.community):
        raise Invalid(fields={"done_on": [_("The date an item was done cannot be in the "
                                            "future.")]})
    item = RenovationItem(community_id=project.community_id, project_id=project.id, kind=kind,
                          description=_text(description, "description"),
                          cost_fen=_cost(cost_fen), done_on=done_on)
    db.session.add(item)
    db.session.flush()
    audit.record("renovation.add_item", actor=actor, community_id=project.community_id,
                 project_id=project.id, item_id=item.id, kind=kind)
    db.session.commit()
    return item


def add_report(project, *, actor, stage, upload, title=""):
    """Attach an assessment report (PDF, image, DOCX or XLSX) to a project for one stage."""
    policy.require(actor, "renovation.manage", project)
    if stage not in REPORT_STAGES:
        raise Invalid(fields={"stage": [_("Choose the stage of the report.")]})
    title = _text(title, "title")
    data, filename = documents.read(upload)
    content_type, extension = documents.check(data, filename)
    stored = documents.store(project.community_id, data, extension)
    report = RenovationReport(
        community_id=project.community_id, project_id=project.id, stage=stage,
        title=title or filename.rsplit(".", 1)[0][:200] or filename, filename=filename,
        stored_name=stored, content_type=content_type, size=len(data), uploaded_by_id=actor.id)
    try:
        db.session.add(report)
        db.session.flush()
        audit.record("renovation.add_report", actor=actor, community_id=project.community_id,
                     project_id=project.id, report_id=report.id, stage=stage)
        db.session.commit()
    except Exception:
        db.session.rollback()
        documents.discard(project.community_id, stored)
        raise
    return report


def remove_report(report, *, actor):
    """Remove a report uploaded by mistake (the file goes too; the audit log keeps the fact)."""
    policy.require(actor, "renovation.manage", report)
    community_id, stored = report.community_id, report.stored_name
    audit.record("renovation.remove_report", actor=actor, community_id=community_id,
                 project_id=report.project_id, stage=report.stage, filename=report.filename)
    db.session.delete(report)
    db.session.commit()
    documents.discard(community_id, stored)


def missing_stages(project):
    """The report stages (in order) that have no uploaded report yet."""
    present = {r.stage for r in project.reports}
    return [stage for stage in REPORT_STAGES if stage not in present]


def items_cost_fen(project):
    """The sum of the items' costs (items without a cost count as nothing)."""
    return sum(i.cost_fen or 0 for i in project.items)


# Reading


def community_projects(community):
    """A community's projects with their items and reports, the latest first (three queries)."""
    return db.session.scalars(
        sa.select(RenovationProject).where(RenovationProject.community_id == community.id)
        .options(selectinload(RenovationProject.items), selectinload(RenovationProject.reports))
        .order_by(RenovationProject.starts_on.desc(), RenovationProject.id.desc())).all()


def project_detail():
    """Loader options of a project's page: its items and reports in two more queries."""
    return (selectinload(RenovationProject.items), selectinload(RenovationProject.reports))


def project_names(community):
    """{project id: name} of a community's projects, for choices and labels."""
    return dict(db.session.execute(
        sa.select(RenovationProject.id, RenovationProject.name)
        .where(RenovationProject.community_id == community.id)
        .order_by(RenovationProject.starts_on.desc(), RenovationProject.id.desc())).all())
