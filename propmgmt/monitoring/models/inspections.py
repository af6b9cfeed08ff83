"""Inspection plans (巡查), the tasks they generate on schedule, and the findings of each task."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import Timestamps
from propmgmt.db import UTCDateTime
from propmgmt.db import db
from propmgmt.monitoring.models.facilities import ORGS
from propmgmt.monitoring.models.vocab import FINDING_RESULTS
from propmgmt.monitoring.models.vocab import FREQUENCIES
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import TASK_STATUSES
from propmgmt.monitoring.models.vocab import sql_in


class InspectionPlan(CommunityOwned, Timestamps, db.Model):
    """What to inspect how often: a facility kind, one facility or an area (building), with a
    checklist. `flask monitoring plan-inspections` turns plans into dated tasks."""

    __table_args__ = (
        sa.CheckConstraint(f"frequency {sql_in(FREQUENCIES)}", name="frequency_known"),
        sa.CheckConstraint(f"facility_kind IS NULL OR facility_kind {sql_in(KINDS)}",
                           name="kind_known"),
        sa.CheckConstraint(f"responsible_org IS NULL OR responsible_org {sql_in(ORGS)}",
                           name="org_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    frequency: Mapped[str] = mapped_column(sa.String(16))
    facility_kind: Mapped[Optional[str]] = mapped_column(sa.String(32))
    facility_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("facility.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("building.id", ondelete="CASCADE"), index=True)
    checklist: Mapped[list] = mapped_column(sa.JSON)
    responsible_org: Mapped[Optional[str]] = mapped_column(sa.String(32))
    starts_on: Mapped[dt.date]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821
    facility: Mapped[Optional["Facility"]] = relationship()  # noqa: F821
    building: Mapped[Optional["Building"]] = relationship()  # noqa: F821


class InspectionTask(CommunityOwned, Timestamps, db.Model):
    """One inspection due by `due_on` (the last day of its period, which began `period_start`).

    Open until an inspector submits it; a task not done by its due date becomes `missed` (it
    counts against the completion rate). `submission_key` is the phone's id for a submission, so
    an offline phone that retries does not submit twice."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "plan_id", "due_on"),
        sa.UniqueConstraint("community_id", "submission_key"),
        sa.CheckConstraint(f"status {sql_in(TASK_STATUSES)}", name="status_known"),
        sa.CheckConstraint("result IS NULL OR result IN ('pass', 'fail')", name="result_known"),
        sa.CheckConstraint("due_on >= period_start", name="period_ordered"),
        sa.Index("ix_inspection_task_community_due", "community_id", "due_on", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_plan.id", ondelete="CASCADE"),
                                         index=True)
    period_start: Mapped[dt.date]
    due_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    result: Mapped[Optional[str]] = mapped_column(sa.String(8))
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())
    inspector_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    submission_key: Mapped[Optional[str]] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[InspectionPlan] = relationship()
    inspector: Mapped[Optional["User"]] = relationship()  # noqa: F821
    findings: Mapped[list["InspectionFinding"]] = relationship(
        order_by="InspectionFinding.position", back_populates="task")


class InspectionFinding(CommunityOwned, db.Model):
    """The answer to one checklist item: pass, fail (with a note and maybe a photo; a failure
    opens a linked ticket) or not applicable."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "task_id", "position"),
        sa.CheckConstraint(f"result {sql_in(FINDING_RESULTS)}", name="result_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_task.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int]
    item: Mapped[str] = mapped_column(sa.String(200))
    result: Mapped[str] = mapped_column(sa.String(8))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    photo_stored_name: Mapped[Optional[str]] = mapped_column(sa.String(64))
    photo_content_type: Mapped[Optional[str]] = mapped_column(sa.String(32))
    facility_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("facility.id", ondelete="SET NULL"))
    ticket_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("ticket.id", ondelete="SET NULL"), index=True)

    task: Mapped[InspectionTask] = relationship(back_populates="findings")
    ticket: Mapped[Optional["Ticket"]] = relationship()  # noqa: F821
