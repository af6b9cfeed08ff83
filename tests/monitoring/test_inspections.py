"""Inspections: periods, the task run, plans, submissions with their tickets, figures (rule 44)."""
import dataclasses
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from propmgmt import jobs
from propmgmt import roles
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.monitoring import inspection_checks as checks
from propmgmt.monitoring import inspections
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionPlan
from propmgmt.monitoring.models import InspectionTask
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketPhoto
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

D = dt.date
MONDAY = D(2026, 3, 2)


@dataclasses.dataclass
class Cast:
    community: object
    building: object
    lift: object
    manager: object
    staff: object
    secretary: object
    resident: object
    outsider: object

    def plan(self, *, frequency="daily", starts_on=MONDAY, items=("Doors", "Lights", "Lanes"),
             **kwargs):
        return inspections.create_plan(community=self.community, actor=self.manager,
                                       name=kwargs.pop("name", f"{frequency} round"),
                                       frequency=frequency, checklist="\n".join(items),
                                       starts_on=starts_on, **kwargs)

    def task(self, plan, due_on):
        return db.session.scalar(sa.select(InspectionTask).where(
            InspectionTask.plan_id == plan.id, InspectionTask.due_on == due_on))


def make_cast():
    """A community with a building, a lift, its staff, a secretary, a resident and an outsider."""
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    lift = Facility(community_id=community.id, kind="elevator", name="Lift 1-A",
                    location="Building 1, unit A", building_id=building.id)
    db.session.add(lift)
    db.session.flush()
    dwelling = DwellingFactory(building=building)
    return Cast(community=community, building=building, lift=lift,
                manager=member(community, roles.PROPERTY_MANAGER),
                staff=member(community, roles.PROPERTY_STAFF),
                secretary=member(community, roles.PARTY_SECRETARY),
                resident=member(community, roles.RESIDENT, dwelling=dwelling),
                outsider=member(CommunityFactory(), roles.PROPERTY_STAFF))


@pytest.fixture
def cast():
    return make_cast()


def passes(n=3, **overrides):
    answers = [{"result": "pass"} for _ in range(n)]
    for position, answer in overrides.items():
        answers[int(position[1:]) - 1] = answer
    return answers


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (20, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class Upload(io.BytesIO):
    def __init__(self, data, filename="photo.png"):
        super().__init__(data)
        self.filename = filename


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- Periods -----------------------------------------------------------------------------------

@pytest.mark.parametrize("frequency, day, period", [
    ("daily", D(2026, 3, 4), (D(2026, 3, 4), D(2026, 3, 4))),
    ("weekly", D(2026, 3, 4), (D(2026, 3, 2), D(2026, 3, 8))),
    ("weekly", D(2026, 3, 8), (D(2026, 3, 2), D(2026, 3, 8))),
    ("monthly", D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
    ("monthly", D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 29))),
    ("monthly", D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
    ("quarterly", D(2026, 5, 20), (D(2026, 4, 1), D(2026, 6, 30))),
    ("quarterly", D(2026, 12, 1), (D(2026, 10, 1), D(2026, 12, 31))),
    ("quarterly", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 3, 31))),
])
def test_period_of_each_frequency(frequency, day, period):
    assert checks.period_of(frequency, day) == period


def test_periods_start_on_the_plan_and_reach_back_at_most_31():
    assert checks.periods("weekly", D(2026, 3, 4), D(2026, 3, 10)) == [
        (D(2026, 3, 4), D(2026, 3, 8)), (D(2026, 3, 9), D(2026, 3, 15))]
    assert checks.periods("daily", D(2026, 3, 5), D(2026, 3, 4)) == []
    back = checks.periods("daily", D(2020, 1, 1), D(2026, 3, 31))
    assert len(back) == 31 and back[0][0] == D(2026, 3, 1) and back[-1][1] == D(2026, 3, 31)
    assert checks.periods("monthly", D(2026, 1, 1), D(2026, 3, 2), after=D(2026, 2, 28)) == [
        (D(2026, 3, 1), D(2026, 3, 31))]


def test_presets_are_valid_checklists():
    for key, (name, frequency, kind, items) in checks.PRESETS.items():
        assert checks.parse_checklist(checks.preset_checklist(key)) == [str(i) for i in items]
        assert frequency in ("daily", "weekly", "monthly", "quarterly") and str(name)
        assert kind in (None, "fire_safety", "elevator")


# --- The task run ------------------------------------------------------------------------------

def test_run_creates_each_period_once_and_marks_missed_idempotently(cast):
    daily, weekly = cast.plan(), cast.plan(frequency="weekly")
    monthly = cast.plan(frequency="monthly", starts_on=D(2026, 1, 15))
    quarterly = cast.plan(frequency="quarterly", starts_on=D(2026, 3, 4))
    run = inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    assert (run.plans, run.created, run.missed) == (4, 3 + 1 + 3 + 1, 2 + 2)
    again = inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    assert (again.created, again.missed) == (0, 0)
    tasks = {(t.plan_id, t.period_start, t.due_on, t.status) for t in db.session.scalars(
        sa.select(InspectionTask).where(InspectionTask.community_id == cast.community.id))}
    assert (daily.id, D(2026, 3, 2), D(2026, 3, 2), "missed") in tasks
    assert (daily.id, D(2026, 3, 4), D(2026, 3, 4), "open") in tasks
    assert (weekly.id, D(2026, 3, 2), D(2026, 3, 8), "open") in tasks
    assert (monthly.id, D(2026, 1, 15), D(2026, 1, 31), "missed") in tasks
    assert (monthly.id, D(2026, 3, 1), D(2026, 3, 31), "open") in tasks
    assert (quarterly.id, D(2026, 3, 4), D(2026, 3, 31), "open") in tasks
    later = inspections.plan_inspections(today=D(2026, 3, 9), community_id=cast.community.id)
    assert (later.created, later.missed) == (5 + 1, 5 + 1)  # 5 days, a week; 3-4..3-8 missed


def test_run_ignores_stopped_plans_and_other_communities(cast):
    other = make_cast()
    stopped = cast.plan(name="Stopped")
    inspections.deactivate_plan(stopped, actor=cast.manager, today=MONDAY)
    other.plan()
    run = inspections.plan_inspections(today=MONDAY, community_id=cast.community.id)
    assert (run.plans, run.created) == (0, 0)
    assert count(InspectionTask, InspectionTask.community_id == other.community.id) == 0


def test_first_run_of_an_old_plan_is_bounded(cast):
    cast.plan(starts_on=D(2025, 1, 1))
    run = inspections.plan_inspections(today=MONDAY, community_id=cast.community.id)
    assert (run.created, run.missed) == (31, 30)


def test_job_and_command_run_the_same_service(app, cast):
    cast.plan()
    job = jobs.by_name("monitoring.plan_inspections")
    assert job.trigger == jobs.cron("10 0 * * *") and job.func.__module__ == "propmgmt.jobs.monitoring"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["monitoring", "plan-inspections", "--today", "2026-03-03",
                                 "--community", str(cast.community.id)])
    assert result.exit_code == 0, result.output
    assert "created 2 tasks, marked 1 missed" in result.output
    again = runner.invoke(args=["monitoring", "plan-inspections", "--today", "2026-03-03"])
    assert "created 0 tasks, marked 0 missed" in again.output
    bad = runner.invoke(args=["monitoring", "plan-inspections", "--today", "2026-02-30"])
    assert bad.exit_code == 2 and "--today" in bad.output
    nowhere = runner.invoke(args=["monitoring", "plan-inspections", "--community", "Atlantis"])
    assert nowhere.exit_code == 1 and "Atlantis" in nowhere.output
    assert "marked missed" in job.func()  # today's run: the past days are missed now


# --- Plans -------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"checklist": ""}, "checklist"),
    ({"checklist": "\n".join(f"item {n}" for n in range(31))}, "checklist"),
    ({"checklist": "x" * 201}, "checklist"),
    ({"frequency": "hourly"}, "frequency"),
    ({"name": " "}, "name"),
    ({"facility_kind": "volcano"}, "facility_kind"),
    ({"responsible_org": "mafia"}, "responsible_org"),
    ({"starts_on": None}, "starts_on"),
    ({"building_id": "abc"}, "building_id"),
])
def test_bad_plans_are_refused_with_the_field(cast, changes, field):
    data = {"name": "Round", "frequency": "daily", "checklist": "a\nb", "starts_on": MONDAY,
            **changes}
    with pytest.raises(Invalid) as error:
        inspections.create_plan(community=cast.community, actor=cast.manager, **data)
    assert field in error.value.fields
    assert count(InspectionPlan, InspectionPlan.community_id == cast.community.id) == 0


def test_plan_areas_belong_to_the_community_and_one_facility_stands_alone(cast):
    other = make_cast()
    with pytest.raises(Invalid) as error:
        cast.plan(facility_id=other.lift.id)
    assert "facility_id" in error.value.fields
    with pytest.raises(Invalid) as error:
        cast.plan(facility_id=cast.lift.id, facility_kind="elevator")
    assert "facility_id" in error.value.fields
    plan = cast.plan(facility_id=str(cast.lift.id), responsible_org="property_company")
    assert (plan.facility_id, plan.checklist) == (cast.lift.id, ["Doors", "Lights", "Lanes"])
    with pytest.raises(NotAllowed):
        inspections.create_plan(community=cast.community, actor=cast.staff, name="x",
                                frequency="daily", checklist="a", starts_on=MONDAY)


def test_stopping_a_plan_withdraws_its_open_tasks_but_keeps_the_record(cast):
    plan = cast.plan()
    inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    inspections.submit_task(cast.task(plan, D(2026, 3, 4)), actor=cast.staff, answers=passes(),
                            submission_key="k" * 32, today=D(2026, 3, 4))
    inspections.plan_inspections(today=D(2026, 3, 6), community_id=cast.community.id)
    assert inspections.deactivate_plan(plan, actor=cast.manager, today=D(2026, 3, 6)) == 1
    statuses = sorted(t.status for t in db.session.scalars(
        sa.select(InspectionTask).where(InspectionTask.plan_id == plan.id)))
    assert statuses == ["done", "missed", "missed", "missed"]
    with pytest.raises(Conflict):
        inspections.deactivate_plan(plan, actor=cast.manager)


# --- Submissions -------------------------------------------------------------------------------

@pytest.fixture
def lift_task(cast):
    plan = cast.plan(name="Lift check", frequency="quarterly", facility_id=cast.lift.id,
                     starts_on=D(2026, 1, 1), items=("Certificate", "Alarm", "Doors"))
    inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    return cast.task(plan, D(2026, 3, 31))


def submit(cast, task, answers, key="a" * 32, **kwargs):
    return inspections.submit_task(task, actor=kwargs.pop("actor", cast.staff), answers=answers,
                                   submission_key=key, today=kwargs.pop("today", D(2026, 3, 4)),
                                   **kwargs)


def test_all_passes_finish_the_task_without_tickets(cast, lift_task):
    result = submit(cast, lift_task, passes(3, p2={"result": "na"}), note="All fine")
    assert not result.repeated
    task = db.session.get(InspectionTask, lift_task.id)
    assert (task.status, task.result, task.inspector_id, task.note) == (
        "done", "pass", cast.staff.id, "All fine")
    assert [(f.position, f.item, f.result, f.facility_id) for f in task.findings] == [
        (1, "Certificate", "pass", cast.lift.id), (2, "Alarm", "na", cast.lift.id),
        (3, "Doors", "pass", cast.lift.id)]
    assert count(Ticket, Ticket.community_id == cast.community.id) == 0


def test_a_failed_item_opens_a_linked_ticket_and_marks_the_facility_poor(
        cast, lift_task, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    submit(cast, lift_task, passes(3, p2={"result": "fail", "note": "Alarm button dead",
                                         "photo": Upload(png())}))
    task = db.session.get(InspectionTask, lift_task.id)
    failed = task.findings[1]
    ticket = db.session.get(Ticket, failed.ticket_id)
    assert task.result == "fail" and failed.photo_content_type == "image/png"
    assert inspections.photo_path(failed).is_file()
    assert (ticket.kind, ticket.category, ticket.channel, ticket.description) == (
        "repair", "elevator", "inspection", "Alarm button dead")
    assert "Lift check" in ticket.title and "Alarm" in ticket.title
    assert ticket.external_ref == f"inspection:{task.id}" and "Lift 1-A" in ticket.location
    assert count(TicketPhoto, TicketPhoto.ticket_id == ticket.id) == 1
    condition = db.session.scalar(sa.select(FacilityCondition).where(
        FacilityCondition.facility_id == cast.lift.id))
    assert (condition.condition, condition.source, condition.finding_id, condition.ticket_id) == (
        "poor", "inspection", failed.id, ticket.id)
    assert db.session.get(Facility, cast.lift.id).condition == "poor"


def test_a_failure_may_open_a_complaint_instead(cast):
    plan = cast.plan(name="Cleanliness")
    inspections.plan_inspections(today=MONDAY, community_id=cast.community.id)
    submit(cast, cast.task(plan, MONDAY), passes(3, p3={
        "result": "fail", "note": "Cars on the fire lane", "follow_up": "parking"}),
           today=MONDAY)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.community_id == cast.community.id))
    assert (ticket.kind, ticket.category, ticket.location) == ("complaint", "parking",
                                                               "Cleanliness")
    assert count(FacilityCondition, FacilityCondition.community_id == cast.community.id) == 0


def test_the_same_submission_again_changes_nothing_and_another_is_a_conflict(cast, lift_task):
    answers = passes(3, p1={"result": "fail", "note": "Expired"})
    submit(cast, lift_task, answers, key="same-key-123")
    again = submit(cast, db.session.get(InspectionTask, lift_task.id), answers,
                   key="same-key-123")
    assert again.repeated
    with pytest.raises(Conflict, match="already submitted"):
        submit(cast, lift_task, passes(3), key="other-key-456")
    assert count(InspectionFinding, InspectionFinding.task_id == lift_task.id) == 3
    assert count(Ticket, Ticket.community_id == cast.community.id) == 1


def test_a_key_belongs_to_one_task(cast):
    plan = cast.plan()
    inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    weekly = cast.plan(frequency="weekly", name="Walk")
    inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    submit(cast, cast.task(plan, D(2026, 3, 4)), passes(), key="shared-key-1")
    with pytest.raises(Conflict, match="already used for another inspection"):
        submit(cast, cast.task(weekly, D(2026, 3, 8)), passes(), key="shared-key-1")
    assert cast.task(weekly, D(2026, 3, 8)).status == "open"


def test_a_missed_inspection_cannot_be_submitted_late(cast):
    plan = cast.plan()
    inspections.plan_inspections(today=D(2026, 3, 4), community_id=cast.community.id)
    missed = cast.task(plan, D(2026, 3, 3))
    with pytest.raises(Conflict, match="missed on 2026-03-03; file a ticket instead"):
        submit(cast, missed, passes())
    overdue_but_open = cast.task(plan, D(2026, 3, 4))  # the run of the 5th has not come yet
    with pytest.raises(Conflict, match="missed on 2026-03-04"):
        submit(cast, overdue_but_open, passes(), today=D(2026, 3, 5))
    assert db.session.get(InspectionTask, missed.id).status == "missed"


@pytest.mark.parametrize("answers, key, field", [
    (passes(3, p2={"result": "fail"}), "a" * 32, "note_2"),
    (passes(3, p2={"result": "maybe"}), "a" * 32, "result_2"),
    (passes(3, p1={"result": None}), "a" * 32, "result_1"),
    (passes(3, p3={"result": "fail", "note": "x", "follow_up": "war"}), "a" * 32, "follow_up_3"),
    (passes(3, p3={"result": "fail", "note": "x" * 2001}), "a" * 32, "note_3"),
    (passes(3, p3={"result": "pass", "facility_id": "999999"}), "a" * 32, "facility_3"),
    (passes(3, p2={"result": "fail", "note": "x", "photo": Upload(b"<html>", "x.png")}),
     "a" * 32, "photo_2"),
    (passes(2), "a" * 32, None),
    (passes(3), "", None),
    (passes(3), "no spaces allowed", None),
])
def test_bad_answers_are_refused_and_nothing_is_written(cast, lift_task, answers, key, field):
    with pytest.raises(Invalid) as error:
        submit(cast, lift_task, answers, key=key)
    assert (field in error.value.fields) if field else error.value.message
    task = db.session.get(InspectionTask, lift_task.id)
    assert (task.status, task.submission_key) == ("open", None)
    assert count(InspectionFinding, InspectionFinding.task_id == lift_task.id) == 0


def test_a_submission_is_one_transaction(cast, lift_task, monkeypatch):
    """The second failed item's ticket fails: the first ticket, the findings, the facility's
    condition and the task's status are all rolled back with it."""
    real, calls = inspections.tickets.open_ticket, []

    def flaky(**kwargs):
        calls.append(kwargs["data"].title)
        if len(calls) == 2:
            raise RuntimeError("ticket service down")
        return real(**kwargs)

    monkeypatch.setattr(inspections.tickets, "open_ticket", flaky)
    with pytest.raises(RuntimeError):
        submit(cast, lift_task, passes(3, p1={"result": "fail", "note": "a"},
                                       p3={"result": "fail", "note": "b"}))
    db.session.rollback()  # what the request's teardown does
    task = db.session.get(InspectionTask, lift_task.id)
    assert (task.status, len(calls)) == ("open", 2)
    assert count(Ticket, Ticket.community_id == cast.community.id) == 0
    assert count(InspectionFinding, InspectionFinding.task_id == task.id) == 0
    assert count(FacilityCondition, FacilityCondition.facility_id == cast.lift.id) == 0
    assert db.session.get(Facility, cast.lift.id).condition == "good"


def test_only_inspectors_submit(cast, lift_task):
    with pytest.raises(NotAllowed):
        submit(cast, lift_task, passes(), actor=cast.secretary)


# --- Figures -----------------------------------------------------------------------------------

def test_figures_per_community_in_two_statements(cast, count_queries):
    other, idle = make_cast(), make_cast()
    plan, elsewhere = cast.plan(), other.plan(frequency="weekly")
    inspections.plan_inspections(today=D(2026, 3, 4))
    submit(cast, cast.task(plan, D(2026, 3, 4)), passes(3, p1={"result": "fail", "note": "x"},
                                                        p2={"result": "na"}))
    submit(other, other.task(elsewhere, D(2026, 3, 8)), passes(), actor=other.staff)
    ids = [cast.community.id, other.community.id, idle.community.id]
    with count_queries() as counter:
        figures = inspections.inspection_figures(ids, D(2026, 3, 1), D(2026, 3, 31))
    assert counter.count == 2
    assert figures[cast.community.id] == {
        "inspections_due": 3, "inspections_done_on_time": 1, "inspections_missed": 2,
        "findings_checked": 2, "findings_passed": 1}
    assert figures[other.community.id] == {
        "inspections_due": 1, "inspections_done_on_time": 1, "inspections_missed": 0,
        "findings_checked": 3, "findings_passed": 3}
    assert set(figures[idle.community.id].values()) == {0}
    assert inspections.inspection_figures([], D(2026, 3, 1), D(2026, 3, 31)) == {}


def test_demo_inspections_leave_a_worked_history():
    from propmgmt.demo.inspections import load_inspections  # noqa: PLC0415

    cast = make_cast()
    for name, role in (("manager", roles.PROPERTY_MANAGER), ("staff", roles.PROPERTY_STAFF),
                       ("tech", roles.TECHNICIAN)):
        member(cast.community, role, username=name)
    loaded = {"hepingli": type("Loaded", (), {"community": cast.community})()}
    assert load_inspections({}) == 0
    submitted = load_inspections(loaded)
    rows = db.session.execute(sa.select(InspectionPlan.frequency, InspectionTask.status,
                                        sa.func.count())
                              .join(InspectionPlan, InspectionPlan.id == InspectionTask.plan_id)
                              .where(InspectionTask.community_id == cast.community.id)
                              .group_by(InspectionPlan.frequency, InspectionTask.status)).all()
    statuses = {(frequency, status): n for frequency, status, n in rows}
    assert statuses[("daily", "missed")] == 4 and statuses[("daily", "open")] == 1
    assert statuses[("daily", "done")] == 36 and submitted >= 36 + 4
    tickets = db.session.scalars(sa.select(Ticket).where(
        Ticket.community_id == cast.community.id)).all()
    assert sorted((t.kind, t.category) for t in tickets) == [
        ("complaint", "clutter"), ("complaint", "parking"), ("repair", "elevator"),
        ("repair", "other")]
    assert all(t.channel == "inspection" and "巡查" in t.title for t in tickets)
    assert db.session.get(Facility, cast.lift.id).condition == "poor"
    assert inspections.plan_inspections(community_id=cast.community.id).created == 0
