"""People and their ties to dwellings (owner, tenant, family)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import roles
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.errors import Invalid


def person_for_user(user, community_id, create=True):
    """The community's person record for a user account, created on first need."""
    person = db.session.scalar(
        sa.select(Person).where(Person.community_id == community_id, Person.user_id == user.id)
    )
    if person is None and create:
        person = Person(community_id=community_id, user_id=user.id, name=user.display_name,
                        phone=user.phone)
        db.session.add(person)
        db.session.flush()
    return person


def bind(*, user, dwelling, kind="owner"):
    """Tie a user's person record to a dwelling as owner, tenant or family member."""
    if kind not in roles.OCCUPANCY_KINDS:
        raise Invalid(fields={"occupancy": [_("Choose owner, tenant or family.")]})
    person = person_for_user(user, dwelling.community_id)
    occupancy = db.session.scalar(sa.select(Occupancy).where(
        Occupancy.community_id == dwelling.community_id,
        Occupancy.dwelling_id == dwelling.id, Occupancy.person_id == person.id))
    if occupancy is None:
        db.session.add(Occupancy(community_id=dwelling.community_id, dwelling_id=dwelling.id,
                                 person_id=person.id, kind=kind))
    else:
        occupancy.kind = kind
    db.session.flush()


def unbind_all(*, user, community):
    """Remove every dwelling tie `user` has in `community` (the person record stays)."""
    person = person_for_user(user, community.id, create=False)
    if person is not None:
        db.session.execute(sa.delete(Occupancy).where(
            Occupancy.community_id == community.id, Occupancy.person_id == person.id))


def dwellings_of(user, community_id):
    """(dwelling, occupancy kind) pairs of `user` in one community, in roster order."""
    rows = db.session.execute(
        sa.select(Dwelling, Occupancy.kind)
        .join(Occupancy, Occupancy.dwelling_id == Dwelling.id)
        .join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community_id, Person.user_id == user.id)
        .order_by(Dwelling.building_id, Dwelling.number)
    )
    return list(rows)
