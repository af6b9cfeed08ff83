"""API for communities: what the caller may see, management modes, dwellings."""
from flask_login import current_user

from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.base import PageQuerySchema
from propmgmt.api.schemas.communities import CommunityDetailSchema
from propmgmt.api.schemas.communities import CommunityPageSchema
from propmgmt.api.schemas.communities import DwellingPageSchema
from propmgmt.api.schemas.communities import ModeChangeRequestSchema
from propmgmt.api.schemas.communities import ModeChangeSchema
from propmgmt.communities import queries
from propmgmt.communities import services
from propmgmt.communities.models import Community
from propmgmt.pagination import paginate
from propmgmt.web import actor as _actor

bp = Blueprint("api_communities", __name__, url_prefix="/api/v1",
               description="Communities, their management modes and dwellings.")

COMMUNITY = f"/communities/<{ID_CONVERTER}:cid>"


def _community(cid, action):
    """The community if the caller may see it (else 404) and may do `action` on it (else 403)."""
    community = scoping.get_authorized_or_404(Community, cid, current_user, action)
    return community


def _detail(community):
    return {
        "id": community.id,
        "name": community.name,
        "district": community.district,
        "management_mode": community.management_mode,
        "organizations": queries.organizations(community),
        "dwelling_count": queries.dwelling_count(community),
        "mode_history": community.mode_changes,
    }


@bp.get("/communities")
@bp.token_required
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, CommunityPageSchema)
@bp.errors(422)
def index(page, per_page):
    """Communities the caller may see, by name."""
    return paginate(queries.visible_communities_stmt(current_user), page, per_page)


@bp.get(COMMUNITY)
@bp.token_required
@bp.response(200, CommunityDetailSchema)
@bp.errors(403, 404)
def detail(cid):
    """One community with its organizations, size and management-mode history."""
    return _detail(_community(cid, "community.view"))


@bp.post(f"{COMMUNITY}/management-mode")
@bp.token_required
@bp.arguments(ModeChangeRequestSchema)
@bp.response(201, ModeChangeSchema)
@bp.errors(400, 403, 404, 422)
def change_mode(change, cid):
    """Record a new management mode from a date on (admin, district supervisor).

    The date must come after the last change; the history is appended, never rewritten.
    What decided the change must be given: `vote_id`, a closed owners' vote of this community
    that passed, or else `decided_by`, the authority that decided (e.g. the street office's
    document). A vote that is unknown here, still open or failed is a 422 on `vote_id`.
    """
    community = _community(cid, "community.change_mode")
    return services.change_mode(community=community, actor=_actor(),
                                **change)


@bp.get(f"{COMMUNITY}/dwellings")
@bp.token_required
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, DwellingPageSchema)
@bp.errors(403, 404, 422)
def dwellings(cid, page, per_page):
    """Dwellings of a community in roster order (staff, committees, supervisors)."""
    community = _community(cid, "dwelling.list")
    return paginate(queries.dwellings_stmt(community), page, per_page)
