"""factory_boy factories bound to the test session, and role helpers built on them."""
import datetime as dt
import functools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.communities import modes
from propmgmt.communities import people
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import ModeChange
from propmgmt.communities.models import Organization
from propmgmt.db import db
from tests.conftest import PASSWORD


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


@functools.lru_cache(maxsize=None)
def _password_hash(password):
    from propmgmt.auth.passwords import hash_password  # noqa: PLC0415

    return hash_password(password)


class UserFactory(Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password_hash = factory.LazyFunction(lambda: _password_hash(PASSWORD))


class CommunityFactory(Base):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    district = "Dongcheng"

    class Params:
        mode = modes.PROFESSIONAL

    @factory.post_generation
    def initial_mode(obj, create, extracted, **kwargs):
        mode = extracted or modes.PROFESSIONAL
        obj.mode_changes.append(ModeChange(community_id=obj.id, mode=mode,
                                           effective_from=dt.date(2024, 1, 1),
                                           reason="initial"))
        db.session.flush()


class BuildingFactory(Base):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    community_id = factory.SelfAttribute("community.id")
    name = factory.Sequence(lambda n: str(n + 1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.pop("community", None)
        return super()._create(model_class, *args, **kwargs)


class DwellingFactory(Base):
    class Meta:
        model = Dwelling

    building = factory.SubFactory(BuildingFactory)
    community_id = factory.SelfAttribute("building.community_id")
    number = factory.Sequence(lambda n: str(101 + n))
    area_x100 = 8850


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    kind = modes.RESIDENTS
    name = factory.LazyAttribute(lambda o: f"{o.kind} org")


def member(community, role, username=None, dwelling=None, occupancy="owner"):
    """A user holding `role` in `community` (bound to `dwelling` when given)."""
    user = UserFactory(**({"username": username} if username else {}))
    cid = None if role == roles.ADMIN else community.id
    db.session.add(Membership(user=user, community_id=cid, role=role))
    db.session.flush()
    if dwelling is not None:
        people.bind(user=user, dwelling=dwelling, kind=occupancy)
    db.session.refresh(user)
    return user
