"""The landing page after login and the community switcher."""
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import residents
from propmgmt import scoping
from propmgmt.auth.services import safe_next
from propmgmt.communities import queries
from propmgmt.communities.models import Community
from propmgmt.localtime import local_today
from propmgmt.meetings import queries as meetings
from propmgmt.monitoring import dashboard
from propmgmt.monitoring import scoring
from propmgmt.monitoring.models import vocab
from propmgmt.web import row_id

ALERT_ROLES = ("party_secretary", "district_supervisor")

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    communities = queries.community_summaries(current_user)
    mine = queries.my_dwellings(current_user)
    today = local_today()
    overdue = meetings.overdue_items(current_user, today,
                                     meetings.watched_community_ids(current_user))
    alert_ids = {m.community_id for m in current_user.memberships
                 if m.role in ALERT_ROLES and m.community_id is not None}
    owed = residents.owed_by_dwelling([dwelling.id for _name, dwelling, _kind in mine])
    open_tickets, waiting_tickets = residents.my_tickets(current_user) if mine else (0, 0)
    return render_template("home/index.html", communities=communities, my_dwellings=mine,
                           owed=owed, open_tickets=open_tickets, waiting_tickets=waiting_tickets,
                           votes_waiting=residents.votes_waiting(current_user) if mine else [],
                           overdue_items=overdue, today=today,
                           alerts=dashboard.open_alerts(current_user, sorted(alert_ids)),
                           alert_kinds=vocab.ALERT_KINDS, rate_labels=scoring.RATE_LABELS)


@bp.post("/switch-community")
@login_required
def switch_community():
    community = scoping.get_visible_or_404(Community, request.form.get("community_id", type=row_id),
                                           current_user)
    session["community_id"] = community.id
    flash(_("You are now working in %(name)s.", name=community.name), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("communities.detail",
                                                                    community_id=community.id))
