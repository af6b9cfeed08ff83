"""The notification list (the bell in the top bar links here)."""
from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from propmgmt.auth.services import safe_next
from propmgmt.notifications import services
from propmgmt.pagination import paginate
from propmgmt.web import row_id

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    page = paginate(services.recent_stmt(current_user), request.args.get("page", 1, type=int), 30)
    return render_template("notifications/index.html", page=page, render=services.render,
                           link=services.link)


@bp.post("/read")
@login_required
def mark_read():
    notification_id = request.form.get("id", type=row_id)
    if notification_id is not None or request.form.get("all"):
        services.mark_read(current_user, notification_id)
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.index"))
