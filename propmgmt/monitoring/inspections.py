"""Inspections (巡查): plans, the tasks they generate on schedule, and the inspector's submission.

A plan generates one task per period (day, week, month or quarter), due on the period's last day;
a task not done by then is "missed" and counts against the completion rate (DOMAIN rule 44). A
failed checklist item opens a ticket, linked back to its finding, in the same transaction as the
rest of the submission. The phone sends a key with each submission, so a retry (offline, double
tap) lands on the finished task instead of submitting twice.
"""
import contextlib
import dataclasses
import datetime as dt
import io
import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from propmgmt import audit
from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.services import MAX_ID
from propmgmt.db import db
from propmgmt.localtime import local_today  # noqa: F401 (also used by views)
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.monitoring import facilities as registry
from propmgmt.monitoring import inspection_checks as checks
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionPlan
from propmgmt.monitoring.models import InspectionTask
from propmgmt.monitoring.models.facilities import ORGS
from propmgmt.monitoring.models.vocab import FREQUENCIES
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.tickets import photos as photo_store
from propmgmt.tickets import services as tickets
from propmgmt.tickets.intake import TicketInput

CHUNK = 500
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REF_PREFIX = "inspection:"  # a ticket's external_ref when an inspection opened it


# --- Plans -------------------------------------------------------------------------------------

def _own(model, ident, community, field, errors):
    """A row of `model` in `community` chosen by id in a form, or None; an unknown id is an error."""
    if ident in (None, ""):
        return None
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        ident = None
    row = db.session.get(model, ident) if ident and 0 < ident <= MAX_ID else None
    if row is None or row.community_id != community.id:
        errors[field] = [_("Choose one from the list.")]
        return None
    return row


def _plan_fields(name, frequency, facility_kind, responsible_org, starts_on, errors):
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Give the plan a name of at most 200 characters.")]
    if frequency not in FREQUENCIES:
        errors["frequency"] = [_("Choose daily, weekly, monthly or quarterly.")]
    if facility_kind not in (None, "", *KINDS):
        errors["facility_kind"] = [_("Choose a facility kind from the list.")]
    if responsible_org not in (None, "", *ORGS):
        errors["responsible_org"] = [_("Choose one of the four organizations.")]
    if not isinstance(starts_on, dt.date) or not 2000 <= starts_on.year <= 2100:
        errors["starts_on"] = [_("Give the date of the first inspection.")]
    return name


def create_plan(*, community, actor, name, frequency, checklist, starts_on, facility_kind=None,
                facility_id=None, building_id=None, responsible_org=None):
    """Set up an inspection plan: what (a facility kind, one facility or a building), how often,
    what to check (1-30 items), who is responsible, from when."""
    policy.require(actor, "inspection.plan", community)
    errors = {}
    name = _plan_fields(name, frequency, facility_kind, responsible_org, starts_on, errors)
    facility = _own(Facility, facility_id, community, "facility_id", errors)
    building = _own(Building, building_id, community, "building_id", errors)
    if facility is not None and (facility_kind or building is not None):
        errors["facility_id"] = [_("A plan for one facility takes neither a kind nor a "
                                   "building.")]
    try:
        items = checks.parse_checklist(checklist)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(fields=errors)
    plan = InspectionPlan(
        community_id=community.id, name=name, frequency=frequency,
        facility_kind=facility_kind or None, facility_id=getattr(facility, "id", None),
        building_id=getattr(building, "id", None), checklist=items,
        responsible_org=responsible_org or None, starts_on=starts_on, created_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    audit.record("inspection.plan_create", actor=actor, community_id=community.id,
                 plan_id=plan.id, frequency=frequency, items=len(items))
    db.session.commit()
    return plan


def deactivate_plan(plan, *, actor, today=None):
    """Stop a plan: it generates no more tasks, and its open tasks not yet overdue go away (done
    and missed ones stay, they are the record). Returns how many open tasks were removed."""
    policy.require(actor, "inspection.plan", plan)
    if not plan.active:
        raise Conflict(_("This plan is already inactive."))
    today = today or local_today(plan.community)
    removed = db.session.execute(
        sa.delete(InspectionTask).where(
            InspectionTask.community_id == plan.community_id, InspectionTask.plan_id == plan.id,
            InspectionTask.status == "open", InspectionTask.due_on >= today)
        .execution_options(synchronize_session=False)).rowcount
    plan.active = False
    audit.record("inspection.plan_deactivate", actor=actor, community_id=plan.community_id,
                 plan_id=plan.id, removed_tasks=removed)
    db.session.commit()
    return removed


# --- Generating tasks (the scheduler job) ------------------------------------------------------

@dataclasses.dataclass
class PlanRun:
    plans: int
    created: int
    missed: int

    def summary(self):
        return (f"{self.plans} active plans: {self.created} tasks created, "
                f"{self.missed} marked missed")


def _active_plans(community_id):
    """Every active plan with its community's time zone and its newest task's due date."""
    newest = (sa.select(InspectionTask.plan_id, sa.func.max(InspectionTask.due_on).label("due"))
              .group_by(InspectionTask.plan_id).subquery("newest"))
    stmt = (sa.select(InspectionPlan.id, InspectionPlan.community_id, InspectionPlan.frequency,
                      InspectionPlan.starts_on, Community.timezone, newest.c.due)
            .join(Community, Community.id == InspectionPlan.community_id)
            .outerjoin(newest, newest.c.plan_id == InspectionPlan.id)
            .where(InspectionPlan.active.is_(True)).order_by(InspectionPlan.id))
    if community_id is not None:
        stmt = stmt.where(InspectionPlan.community_id == community_id)
    return db.session.execute(scoping.unscoped(stmt, reason="the task run covers every "
                                                            "community")).all()


def _insert_tasks(rows):
    """Bulk INSERT ... ON CONFLICT DO NOTHING on (community, plan, due_on); returns the count
    really inserted, so overlapping or repeated runs create nothing twice."""
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    created = 0
    for start in range(0, len(rows), CHUNK):
        stmt = (insert(InspectionTask).values(rows[start:start + CHUNK])
                .on_conflict_do_nothing(index_elements=["community_id", "plan_id", "due_on"])
                .returning(InspectionTask.id))
        created += len(db.session.execute(stmt).all())
    return created


def _mark_missed(today, community_id):
    """One UPDATE per time zone (one in all when `today` is given): open tasks past due → missed."""
    if today is not None:
        days = [(today, None)]
    else:
        zones = sa.select(Community.timezone).distinct()
        if community_id is not None:
            zones = zones.where(Community.id == community_id)
        days = [(local_today(timezone=tz), tz) for tz in db.session.scalars(
            scoping.unscoped(zones, reason="the task run covers every community"))]
    missed = 0
    for day, zone in days:
        stmt = sa.update(InspectionTask).where(InspectionTask.status == "open",
                                               InspectionTask.due_on < day)
        if community_id is not None:
            stmt = stmt.where(InspectionTask.community_id == community_id)
        if zone is not None:
            stmt = stmt.where(InspectionTask.community_id.in_(
                sa.select(Community.id).where(Community.timezone == zone)))
        missed += db.session.execute(stmt.values(status="missed").execution_options(
            synchronize_session=False)).rowcount
    return missed


def plan_inspections(today=None, community_id=None):
    """Create the tasks whose period has begun for every active plan (at most 31 periods back,
    never before the plan starts) and mark open tasks past their due date as missed.
    Idempotent: a second run creates and changes nothing. `today` defaults to each community's
    local date."""
    plans = _active_plans(community_id)
    now, rows = utcnow(), []
    for plan_id, cid, frequency, starts_on, zone, newest in plans:
        day = today or local_today(timezone=zone)
        rows += [{"community_id": cid, "plan_id": plan_id, "period_start": start, "due_on": due,
                  "status": "open", "note": "", "created_at": now}
                 for start, due in checks.periods(frequency, starts_on, day, after=newest)]
    created = _insert_tasks(rows)
    missed = _mark_missed(today, community_id)
    db.session.commit()
    return PlanRun(plans=len(plans), created=created, missed=missed)


# --- Submitting a task -------------------------------------------------------------------------

@dataclasses.dataclass
class Submission:
    task: InspectionTask
    repeated: bool  # True: this key was already submitted; nothing was written now


def plan_facilities(plan):
    """The facilities a finding of the plan may name: its one facility, else those of its kind
    and/or building, else every facility of the community in service."""
    stmt = (sa.select(Facility).where(Facility.community_id == plan.community_id)
            .order_by(Facility.name, Facility.id).limit(300))
    if plan.facility_id is not None:
        return db.session.scalars(stmt.where(Facility.id == plan.facility_id)).all()
    stmt = stmt.where(Facility.retired_on.is_(None))
    if plan.facility_kind:
        stmt = stmt.where(Facility.kind == plan.facility_kind)
    if plan.building_id is not None:
        stmt = stmt.where(Facility.building_id == plan.building_id)
    return db.session.scalars(stmt).all()


def _still_open(task, today):
    if task.status == "done":
        raise Conflict(_("This inspection was already submitted; a second, different submission "
                         "is refused."))
    if task.status == "missed" or task.due_on < today:
        raise Conflict(_("This inspection was missed on %(date)s; file a ticket instead.",
                         date=task.due_on.isoformat()))
    if task.period_start > today:
        raise Conflict(_("This inspection is not due yet."))


def _claim(task, key, actor, result, note, now):
    """Mark the task done in one conditional UPDATE: of two submissions at once, one wins; the
    other finds the task done and is either the same submission (repeated) or refused."""
    try:
        claimed = db.session.execute(
            sa.update(InspectionTask).where(InspectionTask.id == task.id,
                                            InspectionTask.community_id == task.community_id,
                                            InspectionTask.status == "open")
            .values(status="done", result=result, inspector_id=actor.id, submitted_at=now,
                    submission_key=key, note=note)
            .execution_options(synchronize_session=False)).rowcount
    except IntegrityError:  # the key was used for another task
        db.session.rollback()
        raise Conflict(_("This submission was already used for another inspection.")) from None
    if claimed:
        db.session.expire(task)
        return True
    # Lost the race (nothing written yet): read what the winner committed.
    current = db.session.execute(sa.select(InspectionTask.status, InspectionTask.submission_key)
                                 .where(InspectionTask.id == task.id)).first()
    if current is None:
        raise Conflict(_("This inspection was withdrawn: its plan was stopped."))
    db.session.refresh(task)
    if current.submission_key == key:
        return False
    _still_open(task, local_today(task.plan.community, now))
    raise Conflict(_("This inspection was already submitted."))


@contextlib.contextmanager
def _one_transaction():
    """open_ticket commits its ticket; inside a submission it only flushes, so the findings,
    tickets and facility conditions are committed, or rolled back, together."""
    session = db.session()
    session.commit = session.flush
    try:
        yield
    finally:
        del session.commit


def _where(plan, facility):
    if facility is not None:
        return f"{facility.name} {facility.location}".strip()
    if plan.building is not None:
        return _("Building %(name)s", name=plan.building.name)
    return plan.name


def _open_ticket(task, answer, finding, facility, actor):
    """The ticket of a failed item (through the tickets service), linked from its finding."""
    plan = task.plan
    kind, category = checks.ticket_kind_and_category(
        answer, facility.kind if facility else plan.facility_kind)
    photos = ()
    if answer.photo is not None:
        data, _type, extension = answer.photo
        photos = [FileStorage(io.BytesIO(data), filename=f"photo{extension}")]
    title = _("Inspection %(plan)s: %(item)s", plan=plan.name, item=answer.item)
    ticket = tickets.open_ticket(community=plan.community, actor=actor, photos=photos,
                                 data=TicketInput(
                                     kind=kind, category=category, title=title[:200],
                                     description=answer.note,
                                     location=_where(plan, facility)[:200],
                                     channel="inspection", reporter_name=actor.display_name,
                                     external_ref=f"{REF_PREFIX}{task.id}"))
    finding.ticket_id = ticket.id
    return ticket


def _write_findings(task, answers, facilities, actor, now):
    opened = []
    for answer in answers:
        finding = InspectionFinding(
            community_id=task.community_id, task_id=task.id, position=answer.position,
            item=answer.item[:200], result=answer.result, note=answer.note,
            facility_id=answer.facility_id)
        if answer.photo is not None:
            finding.photo_stored_name = photo_store.store(task.community_id, answer.photo[0],
                                                          answer.photo[2])
            finding.photo_content_type = answer.photo[1]
        db.session.add(finding)
        db.session.flush()
        if answer.result != "fail":
            continue
        facility = facilities.get(answer.facility_id)
        ticket = _open_ticket(task, answer, finding, facility, actor)
        opened.append(ticket.id)
        if facility is not None:
            registry.record_condition(facility, condition="poor", note=answer.note,
                                      source="inspection", actor=actor, finding_id=finding.id,
                                      ticket_id=ticket.id, now=now, commit=False)
    return opened


def submit_task(task, *, actor, answers, submission_key, note="", today=None, now=None):
    """Record an inspector's checklist (one answer per item) and finish the task: a failed item
    opens a ticket (and marks its facility poor), all in one transaction. The same submission
    key again is answered with the finished task; another submission for it is a Conflict."""
    policy.require(actor, "inspection.work", task)
    key = (submission_key or "").strip()
    if not KEY.match(key):
        raise Invalid(_("The form is incomplete; reload the page and try again."))
    if task.submission_key == key:
        return Submission(task, repeated=True)
    now = now or utcnow()
    _still_open(task, today or local_today(task.plan.community, now))
    facilities = {f.id: f for f in plan_facilities(task.plan)}
    default = task.plan.facility_id if task.plan.facility_id in facilities else None
    checked = checks.read_answers(task.plan.checklist, answers, facility_ids=facilities,
                                  default_facility_id=default)
    note = (note or "").strip()[:checks.MAX_NOTE]
    result = "fail" if any(a.result == "fail" for a in checked) else "pass"
    if not _claim(task, key, actor, result, note, now):
        return Submission(task, repeated=True)
    with _one_transaction():
        opened = _write_findings(task, checked, facilities, actor, now)
    audit.record("inspection.submit", actor=actor, community_id=task.community_id,
                 task_id=task.id, result=result, tickets=opened)
    db.session.commit()
    return Submission(task, repeated=False)


# --- Reading -----------------------------------------------------------------------------------

def community_plans(community):
    """A community's plans, active first, with their facility and building."""
    return db.session.scalars(
        sa.select(InspectionPlan).where(InspectionPlan.community_id == community.id)
        .options(selectinload(InspectionPlan.facility), selectinload(InspectionPlan.building))
        .order_by(InspectionPlan.active.desc(), InspectionPlan.name, InspectionPlan.id)).all()


def area_choices(community):
    """(facilities in service, buildings) of a community, for the plan form: two statements."""
    facilities = db.session.scalars(
        sa.select(Facility).where(Facility.community_id == community.id,
                                  Facility.retired_on.is_(None))
        .order_by(Facility.kind, Facility.name, Facility.id).limit(500)).all()
    buildings = db.session.scalars(sa.select(Building).where(
        Building.community_id == community.id).order_by(Building.name)).all()
    return facilities, buildings


def _with_plan(stmt):
    return stmt.join(InspectionPlan, InspectionPlan.id == InspectionTask.plan_id).options(
        contains_eager(InspectionTask.plan))


def work_list(community, today, missed_days=14):
    """The inspector's list: open tasks (due today first, then overdue, then the rest by due
    date) and the tasks missed in the last `missed_days` days. Two statements."""
    base = _with_plan(sa.select(InspectionTask).where(InspectionTask.community_id ==
                                                      community.id))
    order = sa.case((InspectionTask.due_on == today, 0), (InspectionTask.due_on < today, 1),
                    else_=2)
    open_tasks = db.session.scalars(
        base.where(InspectionTask.status == "open", InspectionTask.period_start <= today)
        .order_by(order, InspectionTask.due_on, InspectionPlan.name).limit(200)).all()
    missed = db.session.scalars(
        base.where(InspectionTask.status == "missed",
                   InspectionTask.due_on >= today - dt.timedelta(days=missed_days))
        .order_by(InspectionTask.due_on.desc(), InspectionPlan.name).limit(50)).all()
    return open_tasks, missed


def tasks_stmt(community, *, status=None, plan_id=None, month=None):
    """A community's tasks, the latest due first, filtered by status, plan and month (a date
    of the month)."""
    stmt = _with_plan(sa.select(InspectionTask).where(
        InspectionTask.community_id == community.id)).options(
        selectinload(InspectionTask.inspector)).order_by(InspectionTask.due_on.desc(),
                                                         InspectionPlan.name,
                                                         InspectionTask.id)
    if status:
        stmt = stmt.where(InspectionTask.status == status)
    if plan_id:
        stmt = stmt.where(InspectionTask.plan_id == plan_id)
    if month:
        first, last = checks.period_of("monthly", month)
        stmt = stmt.where(InspectionTask.due_on.between(first, last))
    return stmt


def task_rows(community, **filters):
    """Every task of the list (for the export), in two statements."""
    return db.session.scalars(tasks_stmt(community, **filters)).all()


TASK_DETAIL = (selectinload(InspectionTask.plan).selectinload(InspectionPlan.community),
               selectinload(InspectionTask.inspector), selectinload(InspectionTask.findings))


def photo_path(finding):
    """Where a finding's photo is stored (with the ticket photos, under a random name)."""
    return (photo_store.upload_root() / "tickets" / str(int(finding.community_id))
            / finding.photo_stored_name)


FIGURES = ("inspections_due", "inspections_done_on_time", "inspections_missed",
           "findings_checked", "findings_passed")


def inspection_figures(community_ids, period_start, period_end):
    """Per community: tasks due in [period_start, period_end], done (submissions are refused
    after the due date, so done is on time), missed; checklist items checked (pass or fail)
    and passed on those tasks. Two grouped statements, whatever the number of communities."""
    ids = sorted(set(community_ids))
    figures = {cid: dict.fromkeys(FIGURES, 0) for cid in ids}
    if not ids:
        return figures
    due = (InspectionTask.community_id.in_(ids),
           InspectionTask.due_on.between(period_start, period_end))
    count = lambda condition: sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)  # noqa: E731
    tasks = (sa.select(InspectionTask.community_id, sa.func.count(),
                       count(InspectionTask.status == "done"),
                       count(InspectionTask.status == "missed"))
             .where(*due).group_by(InspectionTask.community_id))
    findings = (sa.select(InspectionFinding.community_id,
                          count(InspectionFinding.result.in_(("pass", "fail"))),
                          count(InspectionFinding.result == "pass"))
                .join(InspectionTask, sa.and_(
                    InspectionTask.id == InspectionFinding.task_id,
                    InspectionTask.community_id == InspectionFinding.community_id))
                .where(*due).group_by(InspectionFinding.community_id))
    reason = "indicator figures over the communities asked for"
    for cid, *values in db.session.execute(scoping.unscoped(tasks, reason=reason)):
        figures[cid].update(zip(FIGURES[:3], values, strict=True))
    for cid, *values in db.session.execute(scoping.unscoped(findings, reason=reason)):
        figures[cid].update(zip(FIGURES[3:], values, strict=True))
    return figures
