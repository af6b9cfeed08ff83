"""The demo's inspections in 和平里小区: the four preset plans, started 40 days ago and worked day
by day since, mostly passed; a few rounds were missed, and a few recent failures opened tickets
(a blocked fire lane, clutter in a stairwell, a lift's car light). Today's rounds are still open."""
import datetime as dt
import uuid
import zoneinfo

import sqlalchemy as sa
from flask_babel import force_locale

from propmgmt import policy
from propmgmt.auth.models import User
from propmgmt.db import db
from propmgmt.monitoring import inspection_checks as checks
from propmgmt.monitoring import inspections
from propmgmt.monitoring.models import InspectionTask

DAYS = 40
MISSED_DAILY = (31, 17, 9, 4)  # days ago: nobody walked the security round
MISSED_WEEKLY_BEFORE = 21  # the weekly walk due about three weeks ago was missed as well
# What failed: (preset, days ago; None = the open task of the current period, "week" = last
# week's walk) -> (item position, note, what it opens).
FAILURES = {
    ("security", 1): (3, "3号楼前消防通道停放两辆私家车，已电话通知车主挪车。", "parking"),
    ("security", 3): (5, "院内东侧两盏路灯不亮。", "repair"),
    ("cleanliness", "week"): (1, "2号楼2单元一至三层楼道堆放旧家具和纸箱。", "clutter"),
    ("elevator", None): (5, "2号楼1单元电梯轿厢照明灯不亮。", "repair"),
}


def _user(name):
    return db.session.scalar(sa.select(User).where(User.username == name))


def _evening(community, day):
    """18:00 of a local day, in UTC: when the demo's inspectors hand in their rounds."""
    local = dt.datetime.combine(day, dt.time(18), zoneinfo.ZoneInfo(community.timezone))
    return local.astimezone(dt.timezone.utc)


def _create_plans(community, manager, today):
    plans = {}
    for key, (name, frequency, kind, _items) in checks.PRESETS.items():
        plans[key] = inspections.create_plan(
            community=community, actor=manager, name=str(name), frequency=frequency,
            facility_kind=kind, checklist=checks.preset_checklist(key),
            responsible_org="property_company", starts_on=today - dt.timedelta(days=DAYS))
    return plans


def _failure(key, task, today):
    """The failure planned for this task, if any."""
    if task.due_on >= today:
        return FAILURES.get((key, None))
    last_week = checks.period_of("weekly", today)[0] - dt.timedelta(days=1)
    return FAILURES.get((key, "week" if task.due_on == last_week else (today - task.due_on).days))


def _answers(plan, failure, facilities):
    answers = [{"result": "pass"} for _ in plan.checklist]
    if failure is not None:
        position, note, follow_up = failure
        answers[position - 1] = {"result": "fail", "note": note, "follow_up": follow_up,
                                 "facility_id": facilities[0].id if facilities else None}
    return answers


def _work(task, key, inspector, today, day):
    """Submit one task as the inspector would have on `day`; False when it is left undone."""
    days_ago = (today - task.due_on).days
    if key == "security" and days_ago in MISSED_DAILY:
        return False
    if key == "cleanliness" and MISSED_WEEKLY_BEFORE - 3 <= days_ago <= MISSED_WEEKLY_BEFORE + 3:
        return False
    plan = task.plan
    named = inspections.plan_facilities(plan) if plan.facility_kind or plan.facility_id else []
    inspections.submit_task(
        task, actor=inspector, submission_key=uuid.uuid4().hex, today=day,
        now=_evening(plan.community, day) if day < today else None,
        answers=_answers(plan, _failure(key, task, today), named))
    return True


def load_inspections(loaded):
    """Create and work 和平里's inspection plans; returns how many tasks were submitted."""
    with force_locale("zh"):  # plan names, checklists and ticket titles in Chinese
        return _load(loaded)


def _load(loaded):
    item = loaded.get("hepingli")
    manager, staff, tech = _user("manager"), _user("staff"), _user("tech")
    if item is None or None in (manager, staff, tech) or not (
            policy.can(manager, "inspection.plan", item.community)
            and policy.can(staff, "inspection.work", item.community)
            and policy.can(tech, "inspection.work", item.community)):
        return 0  # demo accounts made by hand before the load: leave the inspections out
    community = item.community
    today = inspections.local_today(community)
    plans = _create_plans(community, manager, today)
    keys = {plan.id: key for key, plan in plans.items()}
    submitted = 0
    for offset in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=offset)
        inspections.plan_inspections(today=day, community_id=community.id)
        due = db.session.scalars(sa.select(InspectionTask).where(
            InspectionTask.community_id == community.id, InspectionTask.status == "open",
            InspectionTask.due_on == day).order_by(InspectionTask.id)).all()
        for task in due:
            if day == today and keys[task.plan_id] != "elevator":
                continue  # today's rounds are left for the demo's visitors
            inspector = staff if offset % 2 else tech
            submitted += _work(task, keys[task.plan_id], inspector, today, day)
    lift = _open_task(community, plans["elevator"])
    if lift is not None:
        submitted += _work(lift, "elevator", tech, today, today)
    return submitted


def _open_task(community, plan):
    """The elevator check of the current quarter (due later, but its period has begun)."""
    return db.session.scalar(sa.select(InspectionTask).where(
        InspectionTask.community_id == community.id, InspectionTask.plan_id == plan.id,
        InspectionTask.status == "open").order_by(InspectionTask.due_on.desc()))
