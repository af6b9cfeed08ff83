"""API authentication: bearer tokens and the caller's own account."""
from flask_babel import gettext as _

from propmgmt.api import security
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.auth import MeSchema
from propmgmt.api.schemas.auth import TokenRequestSchema
from propmgmt.api.schemas.auth import TokenSchema
from propmgmt.auth import services
from propmgmt.auth.throttle import login_limits
from propmgmt.web import actor as _actor

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1",
               description="Bearer tokens and the caller's account.")


@bp.post("/auth/token")
@login_limits()
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenSchema)
@bp.errors(400, 401, 422, 429)
def issue_token(credentials):
    """Exchange a username and password for a bearer token.

    Failed attempts are throttled per account and per address (429).
    """
    user = services.authenticate(credentials["username"], credentials["password"])
    if user is None:
        raise security.BadCredentials(_("Wrong username or password."))
    raw, token = services.issue_token(user)
    return {"token": raw, "expires_at": token.expires_at}


@bp.delete("/auth/token")
@bp.token_required
@bp.response(204)
def revoke_token():
    """Revoke the bearer token of this request; it gives 401 from then on."""
    services.revoke_token(security.bearer_token())


@bp.get("/me")
@bp.token_required
@bp.response(200, MeSchema)
def me():
    """The caller's account and memberships (an admin membership has no community)."""
    return _actor()
