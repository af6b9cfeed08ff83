"""The monthly figures of every community, one grouped statement per source table.

Each function takes the communities (already authorized by the caller: the indicator job covers
them all) and a `Window` and returns {community_id: {count column: value}}. Nothing here issues a
query per community or per row: the SQL does the counting (issue 6: indicators for 100
communities and a million tickets in one run in seconds).
"""
import dataclasses
import datetime as dt
import zoneinfo

import sqlalchemy as sa

from propmgmt import scoping
from propmgmt.billing import figures as billing_figures
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.meetings.models import ActionItem
from propmgmt.meetings.models import Meeting
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionTask
from propmgmt.surveys.models import Survey
from propmgmt.surveys.models import SurveyAnswer
from propmgmt.tickets import vocab
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
# Ticket categories that are signs of sliding back (DOMAIN indicator 17): illegal building,
# clutter (乱堆乱放, 飞线充电), fire lanes and fire safety, parking chaos.
BACKSLIDING_CATEGORIES = ("illegal_construction", "clutter", "parking", "fire_safety")
HOTLINE = "hotline_12345"


@dataclasses.dataclass(frozen=True)
class Window:
    """A month: local dates [start_date, end_date) and the same as UTC moments; `as_of` is the
    moment the state-at-end-of-month figures are taken (the month's end, or now if earlier)."""

    period: str
    start_date: dt.date
    end_date: dt.date
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime

    @classmethod
    def of(cls, period, now):
        year, month = (int(part) for part in period.split("-"))
        start_date = dt.date(year, month, 1)
        end_date = dt.date(year + month // 12, month % 12 + 1, 1)
        start = dt.datetime.combine(start_date, dt.time(), ZONE).astimezone(dt.timezone.utc)
        end = dt.datetime.combine(end_date, dt.time(), ZONE).astimezone(dt.timezone.utc)
        return cls(period, start_date, end_date, start, end, min(end, now))

    @property
    def quarter(self):
        return f"{self.start_date.year}-Q{(self.start_date.month - 1) // 3 + 1}"


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _rows(stmt, names):
    """{community_id: {name: int}} from a statement selecting community_id then `names`."""
    stmt = scoping.unscoped(stmt, reason="monthly indicators cover every community")
    return {row[0]: {name: int(value or 0) for name, value in zip(names, row[1:], strict=True)}
            for row in db.session.execute(stmt)}


def dwellings(ids, window):
    stmt = (sa.select(Dwelling.community_id, sa.func.count())
            .where(Dwelling.community_id.in_(ids)).group_by(Dwelling.community_id))
    return _rows(stmt, ["dwellings"])


def billing(ids, window):
    """Bills of the month (billing/figures.py: after adjustments, voided ones left out)."""
    found = billing_figures.collection_by_community(ids, [window.period])
    return {cid: {"billed_fen": f.billed_fen, "paid_fen": f.paid_fen,
                  "billed_dwellings": f.dwellings_billed, "paid_dwellings": f.dwellings_paid}
            for (cid, _period), f in found.items() if f.has_data}


def tickets_opened(ids, window):
    opened = sa.and_(Ticket.created_at >= window.start, Ticket.created_at < window.end)
    stmt = (sa.select(Ticket.community_id, sa.func.count(),
                      _count(Ticket.kind == vocab.COMPLAINT), _count(Ticket.channel == HOTLINE),
                      _count(Ticket.category.in_(BACKSLIDING_CATEGORIES)))
            .where(Ticket.community_id.in_(ids), opened).group_by(Ticket.community_id))
    return _rows(stmt, ["tickets_opened", "complaints_opened", "hotline_opened",
                        "backsliding_events"])


def ticket_deadlines(ids, window):
    """Deadlines that fell in the month and whether they were met; ratings given in it."""
    def within(column):
        return sa.and_(column >= window.start, column < window.end)

    response_due = within(Ticket.response_due_at)
    resolution_due = within(Ticket.resolution_due_at)
    stmt = (sa.select(
        Ticket.community_id,
        _count(response_due),
        _count(sa.and_(response_due, Ticket.responded_at.is_not(None),
                       Ticket.responded_at <= Ticket.response_due_at)),
        _count(resolution_due),
        _count(sa.and_(resolution_due, Ticket.resolved_at.is_not(None),
                       Ticket.resolved_at <= Ticket.resolution_due_at)),
        _count(within(Ticket.resolved_at)),
        _count(within(Ticket.rated_at)),
        _count(sa.and_(within(Ticket.rated_at), Ticket.rating >= 4)),
        sa.func.sum(sa.case((within(Ticket.rated_at), Ticket.rating), else_=0)),
        _count(sa.and_(Ticket.created_at < window.as_of,
                       Ticket.status.in_(vocab.OPEN_STATUSES),
                       Ticket.resolution_due_at < window.as_of)),
    ).where(Ticket.community_id.in_(ids),
            sa.or_(response_due, resolution_due, within(Ticket.resolved_at),
                   within(Ticket.rated_at),
                   sa.and_(Ticket.status.in_(vocab.OPEN_STATUSES),
                           Ticket.resolution_due_at < window.as_of)))
        .group_by(Ticket.community_id))
    return _rows(stmt, ["response_due", "responded_on_time", "resolution_due",
                        "resolved_on_time", "resolved", "rated", "rated_good", "rating_sum",
                        "overdue_open"])


def ticket_events(ids, window):
    reopened = (sa.select(TicketEvent.community_id, sa.func.count())
                .where(TicketEvent.community_id.in_(ids), TicketEvent.action == "reopen",
                       TicketEvent.at >= window.start, TicketEvent.at < window.end)
                .group_by(TicketEvent.community_id))
    escalated = (sa.select(TicketBreach.community_id, sa.func.count())
                 .where(TicketBreach.community_id.in_(ids), TicketBreach.at >= window.start,
                        TicketBreach.at < window.end)
                 .group_by(TicketBreach.community_id))
    return _merge(_rows(reopened, ["reopened"]), _rows(escalated, ["escalated"]))


def surveys(ids, window):
    """Overall scores of the surveys for this month or its quarter."""
    stmt = (sa.select(SurveyAnswer.community_id, sa.func.count(),
                      sa.func.sum(SurveyAnswer.overall))
            .join(Survey, Survey.id == SurveyAnswer.survey_id)
            .where(SurveyAnswer.community_id.in_(ids),
                   Survey.period.in_([window.period, window.quarter]))
            .group_by(SurveyAnswer.community_id))
    return _rows(stmt, ["survey_answers", "survey_score_sum"])


def inspections(ids, window):
    due = sa.and_(InspectionTask.due_on >= window.start_date,
                  InspectionTask.due_on < window.end_date)
    # A task can be submitted only until the end of its due day (later it is missed), so a
    # done task is a task done on time.
    on_time = InspectionTask.status == "done"
    tasks = (sa.select(InspectionTask.community_id, sa.func.count(), _count(on_time),
                       _count(InspectionTask.status == "missed"))
             .where(InspectionTask.community_id.in_(ids), due)
             .group_by(InspectionTask.community_id))
    submitted = sa.and_(InspectionTask.submitted_at >= window.start,
                        InspectionTask.submitted_at < window.end)
    findings = (sa.select(InspectionFinding.community_id,
                          _count(InspectionFinding.result != "na"),
                          _count(InspectionFinding.result == "pass"),
                          _count(InspectionFinding.result == "fail"))
                .join(InspectionTask, sa.and_(
                    InspectionTask.community_id == InspectionFinding.community_id,
                    InspectionTask.id == InspectionFinding.task_id))
                .where(InspectionFinding.community_id.in_(ids), submitted)
                .group_by(InspectionFinding.community_id))
    return _merge(_rows(tasks, ["inspections_due", "inspections_done_on_time",
                                "inspections_missed"]),
                  _rows(findings, ["findings_checked", "findings_passed", "backsliding_events"]))


def facilities(ids, window):
    """Facilities registered and in service at the month's end, and how many were in good
    condition then (the last recorded condition before the end, else the registered one)."""
    last = (sa.select(FacilityCondition.condition)
            .where(FacilityCondition.facility_id == Facility.id,
                   FacilityCondition.recorded_at < window.as_of)
            .order_by(FacilityCondition.recorded_at.desc(), FacilityCondition.id.desc())
            .limit(1).correlate(Facility).scalar_subquery())
    condition = sa.func.coalesce(last, Facility.condition)
    stmt = (sa.select(Facility.community_id, sa.func.count(), _count(condition == "good"))
            .where(Facility.community_id.in_(ids), Facility.created_at < window.as_of,
                   sa.or_(Facility.retired_on.is_(None),
                          Facility.retired_on >= window.end_date))
            .group_by(Facility.community_id))
    return _rows(stmt, ["facilities", "facilities_good"])


def governance(ids, window):
    held = (sa.select(Meeting.community_id, sa.func.count())
            .where(Meeting.community_id.in_(ids), Meeting.status == "held",
                   Meeting.held_at >= window.start, Meeting.held_at < window.end)
            .group_by(Meeting.community_id))
    as_of_date = window.as_of.astimezone(ZONE).date()
    overdue = (sa.select(ActionItem.community_id, sa.func.count())
               .where(ActionItem.community_id.in_(ids), ActionItem.due_on < as_of_date,
                      ActionItem.created_at < window.as_of,
                      sa.or_(ActionItem.closed_on.is_(None), ActionItem.closed_on >= as_of_date))
               .group_by(ActionItem.community_id))
    return _merge(_rows(held, ["meetings_held"]), _rows(overdue, ["action_items_overdue"]))


SOURCES = (dwellings, billing, tickets_opened, ticket_deadlines, ticket_events, surveys,
           inspections, facilities, governance)


def _merge(*parts):
    """Merge {cid: {name: n}} dicts, adding counts that appear in more than one."""
    merged = {}
    for part in parts:
        for cid, values in part.items():
            row = merged.setdefault(cid, {})
            for name, value in values.items():
                row[name] = row.get(name, 0) + value
    return merged


def month_figures(ids, window):
    """Every count of every community for the month: {cid: {column: int}}."""
    return _merge(*(source(sorted(ids), window) for source in SOURCES))
