"""Communities and what they are made of: buildings, dwellings, people, organizations, modes."""
import datetime as dt
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt.db import CommunityOwned
from propmgmt.db import Timestamps
from propmgmt.db import db


class Community(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    district: Mapped[str] = mapped_column(sa.String(100), index=True)
    address: Mapped[Optional[str]] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")

    mode_changes: Mapped[list["ModeChange"]] = relationship(
        order_by="ModeChange.effective_from", lazy="selectin", cascade="all, delete-orphan",
        back_populates="community",
    )

    def mode_on(self, day):
        """The management mode in force on `day` (the latest change effective by then)."""
        current = None
        for change in self.mode_changes:
            if change.effective_from <= day:
                current = change
        return (current or self.mode_changes[0]).mode if self.mode_changes else None

    @property
    def management_mode(self):
        return self.mode_on(dt.date.today())

    def __repr__(self):
        return f"<Community {self.name}>"


class ModeChange(CommunityOwned, Timestamps, db.Model):
    """A recorded management-mode change: never overwritten, only appended."""

    __table_args__ = (sa.UniqueConstraint("community_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(20))
    effective_from: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(sa.Text)
    vote_id: Mapped[Optional[int]]
    decided_by: Mapped[Optional[str]] = mapped_column(sa.String(200))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    community: Mapped[Community] = relationship(back_populates="mode_changes")
    created_by: Mapped[Optional["User"]] = relationship()  # noqa: F821


class Building(CommunityOwned, Timestamps, db.Model):
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    floors: Mapped[Optional[int]]


class Dwelling(CommunityOwned, Timestamps, db.Model):
    """A dwelling (户). Area is kept in hundredths of a square metre, so sums stay exact."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "building_id", "number"),
        sa.CheckConstraint("area_x100 > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("building.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32))
    area_x100: Mapped[int] = mapped_column(sa.BigInteger)
    # Where the area comes from (DOMAIN rule 9: register > surveyed > contract); None = not said.
    area_source: Mapped[Optional[str]] = mapped_column(sa.String(16))
    # occupied | vacant | undelivered (unsold: billed to the developer when the community says so)
    occupancy_status: Mapped[str] = mapped_column(sa.String(16), default="occupied",
                                                  server_default="occupied")

    building: Mapped[Building] = relationship(lazy="joined", innerjoin=True)
    occupancies: Mapped[list["Occupancy"]] = relationship(back_populates="dwelling")

    @property
    def area_m2(self):
        return (Decimal(self.area_x100) / 100).quantize(Decimal("0.01"))

    @property
    def label(self):
        """The roster's name for a dwelling: BUILDING-DWELLING, e.g. 3-502."""
        return f"{self.building.name}-{self.number}"


class Person(CommunityOwned, Timestamps, db.Model):
    """Someone who owns or lives in a dwelling; linked to a user when they have an account."""

    __table_args__ = (sa.UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(32))
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)

    user: Mapped[Optional["User"]] = relationship()  # noqa: F821


class Occupancy(CommunityOwned, Timestamps, db.Model):
    """A person's tie to a dwelling: owner, tenant or family member."""

    __table_args__ = (sa.UniqueConstraint("community_id", "dwelling_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dwelling_id: Mapped[int] = mapped_column(sa.ForeignKey("dwelling.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))

    dwelling: Mapped[Dwelling] = relationship(back_populates="occupancies")
    person: Mapped[Person] = relationship(lazy="joined")


class PropertyCompany(Timestamps, db.Model):
    """A property service company; companies serve many communities, so they belong to none."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), unique=True)
    credit_code: Mapped[Optional[str]] = mapped_column(sa.String(32))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(32))


class Organization(CommunityOwned, Timestamps, db.Model):
    """One of the four organizations (四位一体) of a community."""

    __table_args__ = (sa.UniqueConstraint("community_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(150))
    contact_name: Mapped[Optional[str]] = mapped_column(sa.String(100))
    contact_phone: Mapped[Optional[str]] = mapped_column(sa.String(32))
    company_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("property_company.id"))

    company: Mapped[Optional[PropertyCompany]] = relationship()


class ServiceContract(CommunityOwned, Timestamps, db.Model):
    """The dated contract under which a company serves a community."""

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="dates_ordered"),
        sa.CheckConstraint("fee_fen_per_m2 IS NULL OR fee_fen_per_m2 >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("property_company.id"), index=True)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[Optional[dt.date]]
    scope: Mapped[str] = mapped_column(sa.Text, default="")
    fee_fen_per_m2: Mapped[Optional[int]] = mapped_column(sa.BigInteger)

    company: Mapped[PropertyCompany] = relationship(lazy="joined")

    def in_force_on(self, day):
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)
