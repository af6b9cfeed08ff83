"""People who log in: users, their memberships and their API tokens."""
import datetime as dt
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from propmgmt import roles
from propmgmt.db import Timestamps
from propmgmt.db import UTCDateTime
from propmgmt.db import db


class User(UserMixin, Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[Optional[str]] = mapped_column(sa.String(8))
    is_active_user: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self):
        return self.is_active_user

    def get_id(self):
        """The session names the user and the session version, so logout ends old cookies."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self):
        return any(m.role == roles.ADMIN for m in self.memberships)

    def roles_in(self, community_id):
        """The roles this user holds in one community."""
        return {m.role for m in self.memberships if m.community_id == community_id}

    def community_ids(self):
        return {m.community_id for m in self.memberships if m.community_id is not None}

    def __repr__(self):
        return f"<User {self.username}>"


class Membership(Timestamps, db.Model):
    """A (community, role) a user holds; `admin` alone has no community."""

    __table_args__ = (
        sa.UniqueConstraint("community_id", "user_id", "role"),
        sa.CheckConstraint("(role = 'admin') = (community_id IS NULL)", name="admin_has_no_community"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))

    user: Mapped[User] = relationship(back_populates="memberships")
    community: Mapped[Optional["Community"]] = relationship()  # noqa: F821


class ApiToken(Timestamps, db.Model):
    """A bearer token; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
