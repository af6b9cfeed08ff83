"""Renovation projects: the items done and the three assessment reports (uploaded documents)."""
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
from propmgmt.db import utcnow
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import REPORT_STAGES
from propmgmt.monitoring.models.vocab import sql_in


class RenovationProject(CommunityOwned, Timestamps, db.Model):
    """One renovation project (改造项目) of a community: when, by whom, for how much."""

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("cost_fen IS NULL OR cost_fen >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[Optional[dt.date]]
    contractor: Mapped[str] = mapped_column(sa.String(200), default="")
    cost_fen: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped["Community"] = relationship()  # noqa: F821
    items: Mapped[list["RenovationItem"]] = relationship(
        order_by="RenovationItem.id", back_populates="project")
    reports: Mapped[list["RenovationReport"]] = relationship(
        order_by="RenovationReport.id", back_populates="project")


class RenovationItem(CommunityOwned, db.Model):
    """One menu item done by a project (e.g. roofs of buildings 1-3), with its cost."""

    __table_args__ = (
        sa.CheckConstraint(f"kind {sql_in(KINDS)}", name="kind_known"),
        sa.CheckConstraint("cost_fen IS NULL OR cost_fen >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("renovation_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    cost_fen: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    done_on: Mapped[Optional[dt.date]]

    project: Mapped[RenovationProject] = relationship(back_populates="items")


class RenovationReport(CommunityOwned, db.Model):
    """An assessment report of a project (diagnosis, audit, acceptance), stored outside static/
    under a random name, like ticket photos."""

    __table_args__ = (
        sa.CheckConstraint(f"stage {sql_in(REPORT_STAGES)}", name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("renovation_project.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[RenovationProject] = relationship(back_populates="reports")
