"""Parking spaces and who rents them (fee items charged per space bill the renting dwelling)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt.billing.models import ParkingSpace
from propmgmt.communities import services as community_services
from propmgmt.db import db
from propmgmt.errors import Invalid


def spaces(community):
    return list(db.session.scalars(sa.select(ParkingSpace).where(
        ParkingSpace.community_id == community.id).order_by(ParkingSpace.code)))


def set_space(*, community, code, dwelling_label=None, actor=None):
    """Create a space (or find it by code) and rent it to a dwelling; an empty label frees it."""
    code = (code or "").strip()
    if not code or len(code) > 32:
        raise Invalid(fields={"code": [_("Enter the space's number (up to 32 characters).")]})
    dwelling = None
    if (dwelling_label or "").strip():
        dwelling = community_services.get_dwelling_by_label(community, dwelling_label.strip())
    space = db.session.scalar(sa.select(ParkingSpace).where(
        ParkingSpace.community_id == community.id, ParkingSpace.code == code))
    if space is None:
        space = ParkingSpace(community_id=community.id, code=code)
        db.session.add(space)
    space.dwelling_id = getattr(dwelling, "id", None)
    audit.record("parking.set", actor=actor, community_id=community.id, code=code,
                 dwelling=getattr(dwelling, "label", None))
    db.session.commit()
    return space
