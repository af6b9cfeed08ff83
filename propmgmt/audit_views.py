"""The audit log for administrators: who changed what and when, filtered, exported."""
import datetime as dt

import sqlalchemy as sa
from flask import Blueprint
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import policy
from propmgmt.audit import AuditEntry
from propmgmt.auth.models import User
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.exports import xlsx_response
from propmgmt.pagination import paginate
from propmgmt.web import row_id

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
GROUPS = {
    "money": ("billing.", "payment.", "bill.", "fee_item.", "parking."),
    "status": ("ticket.", "vote.", "meeting.", "notice.", "alert.", "inspection.", "survey.",
               "facility.", "dwelling.status"),
    "permissions": ("membership.", "user.", "community.mode_change", "roster."),
}


def _filters():
    args = request.args
    try:
        since = dt.date.fromisoformat(args.get("since", ""))
    except ValueError:
        since = None
    return {"q": (args.get("q") or "").strip()[:64], "group": args.get("group") or "",
            "community_id": args.get("community", type=row_id), "since": since}


def _stmt(filters):
    stmt = (sa.select(AuditEntry, User.username, Community.name)
            .outerjoin(User, User.id == AuditEntry.actor_id)
            .outerjoin(Community, Community.id == AuditEntry.community_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if filters["q"]:
        stmt = stmt.where(AuditEntry.action.startswith(filters["q"], autoescape=True))
    if filters["group"] in GROUPS:
        stmt = stmt.where(sa.or_(*(AuditEntry.action.startswith(p, autoescape=True)
                                   for p in GROUPS[filters["group"]])))
    if filters["community_id"]:
        stmt = stmt.where(AuditEntry.community_id == filters["community_id"])
    if filters["since"]:
        stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(
            filters["since"], dt.time(), dt.timezone.utc))
    return stmt


@bp.get("/")
@login_required
def index():
    policy.require(current_user, "audit.view")
    filters = _filters()
    page = paginate(_stmt(filters).with_only_columns(AuditEntry),
                    request.args.get("page", 1, type=int), 50)
    ids = [e.id for e in page.items]
    names = {entry_id: (user, community) for entry_id, user, community in db.session.execute(
        sa.select(AuditEntry.id, User.username, Community.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Community, Community.id == AuditEntry.community_id)
        .where(AuditEntry.id.in_(ids)))} if ids else {}
    communities = db.session.execute(sa.select(Community.id, Community.name)
                                     .order_by(Community.name)).all()
    return render_template("audit/index.html", page=page, names=names, filters=filters,
                           groups=GROUPS, communities=communities)


@bp.get("/audit.xlsx")
@login_required
def export():
    policy.require(current_user, "audit.view")
    rows = db.session.execute(_stmt(_filters()).limit(100_000))
    return xlsx_response("audit.xlsx", [_("When (UTC)"), _("Who"), _("Community"), _("Action"),
                                        _("Details")],
                         ((e.at.replace(tzinfo=None), user or "", community or "", e.action,
                           str(e.detail or "")) for e, user, community in rows),
                         title=_("Audit log"))
