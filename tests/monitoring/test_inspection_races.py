"""Races on PostgreSQL with real commits: phones retrying one submission, several inspectors
submitting one task, and task runs overlapping."""
import uuid

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.monitoring import inspections
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionTask
from propmgmt.tickets.models import Ticket
from tests import realdb
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import member

pytestmark = realdb.postgresql_only

THREADS = 8
ANSWERS = [{"result": "fail", "note": "Alarm dead"}, {"result": "pass"},
           {"result": "fail", "note": "Door sticks"}]


def _setup():
    """A community with a lift, a manager, two inspectors and today's lift check: committed."""
    tag = uuid.uuid4().hex[:10]
    community = CommunityFactory(name=f"Inspection race {tag}")
    building = BuildingFactory(community=community, name="1")
    lift = Facility(community_id=community.id, kind="elevator", name="Lift", location="1-A",
                    building_id=building.id)
    db.session.add(lift)
    manager = member(community, roles.PROPERTY_MANAGER, username=f"ir-{tag}-m")
    staff = [member(community, roles.PROPERTY_STAFF, username=f"ir-{tag}-{n}") for n in (1, 2)]
    db.session.commit()
    today = inspections.local_today(community)
    plan = inspections.create_plan(community=community, actor=manager, name="Lift check",
                                   frequency="daily", facility_id=lift.id, starts_on=today,
                                   checklist="Alarm\nLight\nDoors")
    inspections.plan_inspections(today=today, community_id=community.id)
    task_id = db.session.scalar(sa.select(InspectionTask.id).where(
        InspectionTask.plan_id == plan.id))
    return community.id, task_id, lift.id, [manager.id] + [u.id for u in staff], today


def _cleanup(engine, community_id, user_ids):
    with engine.begin() as conn:
        conn.execute(sa.delete(Community).where(Community.id == community_id))
        conn.execute(sa.delete(User).where(User.id.in_(user_ids)))


def _count(conn, model, *where):
    return conn.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("scenario", ["one phone retrying", "many phones", "mixed"])
def test_one_task_submitted_at_once_is_recorded_once(app, session, scenario):
    with realdb.real_sessions(THREADS) as engine:
        with app.app_context():
            community_id, task_id, lift_id, user_ids, today = _setup()
            db.session.remove()
        retry = uuid.uuid4().hex
        keys = {"one phone retrying": [retry] * THREADS,
                "many phones": [uuid.uuid4().hex for _ in range(THREADS)],
                "mixed": [retry] * (THREADS // 2) + [uuid.uuid4().hex
                                                     for _ in range(THREADS // 2)]}[scenario]

        def work(barrier):
            index = work.counter.pop()
            task = db.session.get(InspectionTask, task_id)
            actor = db.session.get(User, user_ids[1 + index % 2])
            task.plan.community  # noqa: B018 (loaded before the race, as a page would)
            barrier.wait()
            try:
                result = inspections.submit_task(task, actor=actor, answers=ANSWERS,
                                                 submission_key=keys[index], today=today)
            except Conflict:
                db.session.rollback()
                return "conflict", keys[index]
            return ("repeated" if result.repeated else "ok"), keys[index]

        work.counter = list(range(THREADS))
        try:
            results = realdb.race(app, work, THREADS)
            assert all(isinstance(r, tuple) for r in results), results
            outcomes = sorted(outcome for outcome, _key in results)
            winner = [key for outcome, key in results if outcome == "ok"]
            assert len(winner) == 1, results
            same = keys.count(winner[0]) - 1
            assert outcomes == sorted(["ok"] + ["repeated"] * same
                                      + ["conflict"] * (THREADS - 1 - same)), results
            with engine.connect() as conn:
                task = conn.execute(sa.select(InspectionTask.status, InspectionTask.result,
                                              InspectionTask.submission_key)
                                    .where(InspectionTask.id == task_id)).one()
                figures = {
                    "findings": _count(conn, InspectionFinding,
                                       InspectionFinding.task_id == task_id),
                    "tickets": _count(conn, Ticket, Ticket.community_id == community_id,
                                      Ticket.external_ref == f"inspection:{task_id}"),
                    "conditions": _count(conn, FacilityCondition,
                                         FacilityCondition.facility_id == lift_id),
                    "linked": _count(conn, InspectionFinding,
                                     InspectionFinding.task_id == task_id,
                                     InspectionFinding.ticket_id.is_not(None)),
                }
            print(f"{scenario}: {THREADS} threads → {outcomes.count('ok')} ok, "
                  f"{outcomes.count('repeated')} repeated, {outcomes.count('conflict')} "
                  f"conflict; {figures}")
            assert tuple(task) == ("done", "fail", winner[0])
            assert figures == {"findings": 3, "tickets": 2, "conditions": 2, "linked": 2}
        finally:
            _cleanup(engine, community_id, user_ids)


def test_overlapping_task_runs_create_each_task_once(app, session):
    with realdb.real_sessions(THREADS) as engine:
        with app.app_context():
            community_id, task_id, _lift, user_ids, today = _setup()
            db.session.execute(sa.delete(InspectionTask).where(InspectionTask.id == task_id))
            db.session.commit()
            db.session.remove()

        def work(barrier):
            barrier.wait()
            return inspections.plan_inspections(today=today, community_id=community_id).created

        try:
            results = realdb.race(app, work, THREADS)
            print(f"{THREADS} overlapping runs created {sorted(map(str, results))} tasks")
            assert sorted(map(str, results)) == ["0"] * (THREADS - 1) + ["1"], results
            with engine.connect() as conn:
                assert _count(conn, InspectionTask,
                              InspectionTask.community_id == community_id) == 1
        finally:
            _cleanup(engine, community_id, user_ids)
