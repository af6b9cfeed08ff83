"""The facility registry: what the renovation delivered, and each facility's condition history."""
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
from propmgmt.monitoring.models.vocab import CONDITIONS
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.models.vocab import sql_in

ORGS = ("party_organization", "residents_committee", "owners_committee", "property_company")


class Facility(CommunityOwned, Timestamps, db.Model):
    """A registered facility. `responsible_org` empty = whoever handles repairs under the current
    mode (the mode's first handler); `condition` is the latest entry of its history."""

    __table_args__ = (
        sa.CheckConstraint(f"kind {sql_in(KINDS)}", name="kind_known"),
        sa.CheckConstraint(f"condition {sql_in(CONDITIONS)}", name="condition_known"),
        sa.CheckConstraint(f"responsible_org IS NULL OR responsible_org {sql_in(ORGS)}",
                           name="org_known"),
        sa.CheckConstraint("inspection_interval_days IS NULL OR inspection_interval_days > 0",
                           name="interval_positive"),
        sa.Index("ix_facility_community_kind", "community_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(150))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    building_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("building.id", ondelete="SET NULL"), index=True)
    project_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("renovation_project.id", ondelete="SET NULL"), index=True)
    installed_on: Mapped[Optional[dt.date]]
    responsible_org: Mapped[Optional[str]] = mapped_column(sa.String(32))
    inspection_interval_days: Mapped[Optional[int]]
    condition: Mapped[str] = mapped_column(sa.String(16), default="good")
    condition_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_on: Mapped[Optional[dt.date]]

    community: Mapped["Community"] = relationship()  # noqa: F821
    building: Mapped[Optional["Building"]] = relationship()  # noqa: F821
    history: Mapped[list["FacilityCondition"]] = relationship(
        order_by="FacilityCondition.id", back_populates="facility")


class FacilityCondition(CommunityOwned, db.Model):
    """One recorded condition of a facility (append-only): by hand, from an inspection finding,
    or from a repair ticket."""

    __table_args__ = (
        sa.CheckConstraint(f"condition {sql_in(CONDITIONS)}", name="condition_known"),
        sa.CheckConstraint("source IN ('manual', 'inspection', 'ticket')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"),
                                             index=True)
    condition: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(16), default="manual")
    finding_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("inspection_finding.id", ondelete="SET NULL"))
    ticket_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ticket.id",
                                                                   ondelete="SET NULL"))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    facility: Mapped[Facility] = relationship(back_populates="history")
    recorded_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
