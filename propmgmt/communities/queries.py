"""Read-side queries for community pages and the API; each is a bounded number of statements."""
import sqlalchemy as sa

from propmgmt import roles
from propmgmt import scoping
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Organization
from propmgmt.communities.models import Person
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from propmgmt.governance.models import Vote


def visible_communities_stmt(user):
    """A select of the communities the user may see, by name."""
    return scoping.visible(sa.select(Community), user, Community).order_by(Community.name,
                                                                           Community.id)


def visible_communities(user):
    """Communities the user may see, by name."""
    return list(db.session.scalars(visible_communities_stmt(user)))


def working_community(user, wanted_id):
    """The community chosen in the session when still visible, else the user's first."""
    if wanted_id:
        stmt = scoping.visible(sa.select(Community).where(Community.id == wanted_id), user,
                               Community)
        community = db.session.scalar(stmt)
        if community is not None:
            return community
    return db.session.scalar(visible_communities_stmt(user).limit(1))


def _dwelling_counts(ids):
    stmt = (sa.select(Dwelling.community_id, sa.func.count(), sa.func.sum(Dwelling.area_x100))
            .group_by(Dwelling.community_id))
    if ids is not None:
        stmt = stmt.where(Dwelling.community_id.in_(ids))
    return {cid: (n, area or 0) for cid, n, area in db.session.execute(stmt)}


def community_summaries(user):
    """(community, dwelling count, total area x100) for every community the user may see."""
    communities = visible_communities(user)
    counts = _dwelling_counts([c.id for c in communities]) if communities else {}
    return [(c, *counts.get(c.id, (0, 0))) for c in communities]


def dwelling_count(community):
    return db.session.scalar(sa.select(sa.func.count()).where(
        Dwelling.community_id == community.id)) or 0


def organizations(community):
    return list(db.session.scalars(sa.select(Organization).where(
        Organization.community_id == community.id).order_by(Organization.kind)))


def contracts(community):
    return list(db.session.scalars(sa.select(ServiceContract).where(
        ServiceContract.community_id == community.id).order_by(ServiceContract.starts_on.desc())))


def buildings(community):
    """Buildings with their dwelling counts."""
    stmt = (sa.select(Building, sa.func.count(Dwelling.id))
            .outerjoin(Dwelling, Dwelling.building_id == Building.id)
            .where(Building.community_id == community.id)
            .group_by(Building.id).order_by(Building.name))
    return list(db.session.execute(stmt))


def dwellings_stmt(community, building_id=None, search=None):
    """Dwellings of a community in roster order (a select to paginate or export)."""
    stmt = (sa.select(Dwelling).join(Building, Building.id == Dwelling.building_id)
            .where(Dwelling.community_id == community.id)
            .order_by(Building.name, Dwelling.number))
    if building_id:
        stmt = stmt.where(Dwelling.building_id == building_id)
    if search:
        stmt = stmt.where(Dwelling.number.contains(search, autoescape=True))
    return stmt


def all_dwellings(community, building_id=None, search=None):
    """Every dwelling matching the filters (for exports)."""
    return list(db.session.scalars(dwellings_stmt(community, building_id, search)))


def occupants_by_dwelling(community, dwelling_ids):
    """{dwelling id: [(person, kind), ...]} for the given dwellings in one query."""
    if not dwelling_ids:
        return {}
    rows = db.session.execute(
        sa.select(Occupancy.dwelling_id, Person, Occupancy.kind)
        .join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community.id, Occupancy.dwelling_id.in_(dwelling_ids))
        .order_by(Occupancy.kind, Person.name))
    result = {}
    for dwelling_id, person, kind in rows:
        result.setdefault(dwelling_id, []).append((person, kind))
    return result


def organization_members(community):
    """{organization kind: [(display name, role), ...]} of the users holding the roles through
    which each of the four organizations acts, in one statement; names only, never contacts."""
    org_of = {role: kind for kind, org_roles in roles.ORG_ROLES.items() for role in org_roles}
    rows = db.session.execute(
        sa.select(User.display_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, Membership.role.in_(sorted(org_of)),
               User.is_active_user.is_(True))
        .order_by(Membership.role, User.display_name, User.id))
    result = {}
    for name, role in rows:
        result.setdefault(org_of[role], []).append((name, role))
    return result


def deciding_votes(community, limit=50):
    """The community's owners' votes whose final result passed, latest first: what may be
    attached to a management-mode change. Only the latest `limit` final votes are considered."""
    final = db.session.scalars(
        sa.select(Vote).where(Vote.community_id == community.id, Vote.finalized_at.is_not(None))
        .order_by(Vote.finalized_at.desc(), Vote.id.desc()).limit(limit)).all()
    return [vote for vote in final if vote.final_result and vote.final_result.get("passed")]


def members(community):
    """(user, role) pairs of a community, by role then username."""
    stmt = (sa.select(User, Membership.role).join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id)
            .order_by(Membership.role, User.username))
    return list(db.session.execute(stmt))


def my_dwellings(user):
    """(community name, dwelling, kind) for every dwelling the user is tied to."""
    stmt = (sa.select(Community.name, Dwelling, Occupancy.kind)
            .join(Occupancy, Occupancy.dwelling_id == Dwelling.id)
            .join(Person, Person.id == Occupancy.person_id)
            .join(Community, Community.id == Dwelling.community_id)
            .where(Person.user_id == user.id)
            .order_by(Community.name, Dwelling.id))
    return list(db.session.execute(stmt))
