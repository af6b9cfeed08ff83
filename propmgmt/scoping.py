"""The one scoping helper: what a user may see, by community. Other communities answer 404."""
import sqlalchemy as sa

from propmgmt.db import db
from propmgmt.errors import NotFound


def community_ids(user):
    """The ids of communities `user` may see, or None for all (administrators)."""
    if user.is_admin:
        return None
    return user.community_ids()


def _column(model):
    if model.__name__ == "Community":
        return model.id
    return model.community_id


def visible(stmt, user, model):
    """Restrict a select to rows of the communities `user` may see."""
    ids = community_ids(user)
    if ids is None:
        return stmt
    return stmt.where(_column(model).in_(sorted(ids)) if ids else sa.false())


def get_visible_or_404(model, ident, user, options=()):
    """Load one community-owned row the user may see, else NotFound (never 403: ids don't leak)."""
    stmt = visible(sa.select(model).where(model.id == ident), user, model)
    obj = db.session.scalar(stmt.options(*options))
    if obj is None:
        raise NotFound()
    return obj


def get_authorized_or_404(model, ident, user, action, options=()):
    """get_visible_or_404, then policy.require(user, action, row): the record behind a URL."""
    from propmgmt import policy  # noqa: PLC0415 (policy reads scoping's community ids)

    obj = get_visible_or_404(model, ident, user, options)
    policy.require(user, action, obj)
    return obj


def unscoped(stmt, *, reason):
    """A deliberate cross-community query (jobs, supervisors' aggregates); the reason is required."""
    if not reason:
        raise ValueError("unscoped() needs a reason")
    return stmt
