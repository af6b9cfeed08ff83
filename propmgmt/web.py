"""Request wiring for pages: the current community, template helpers, forced password change."""
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from werkzeug.routing import IntegerConverter
from flask_babel import get_locale
from flask_login import current_user

from propmgmt import policy
from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.communities import queries
from propmgmt.money import format_fen
from propmgmt.notifications import services as notifications
from propmgmt.tickets import vocab as ticket_vocab

PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "auth.set_language", "static",
                          "ops.healthz", "ops.readyz",
                          "bootstrap.static"}


def actor():
    """The logged-in user as a plain object, for services (which never read current_user)."""
    return current_user._get_current_object()


def current_community():
    """The community the user is working in: the session's choice if still visible, else the first."""
    if "current_community" in g:
        return g.current_community
    g.current_community = None
    if current_user.is_authenticated:
        g.current_community = queries.working_community(current_user, session.get("community_id"))
    return g.current_community


def _force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and not request.path.startswith("/api/")
            and request.endpoint not in PASSWORD_CHANGE_EXEMPT):
        return redirect(url_for("auth.change_password"))
    return None


def _template_helpers():
    return {
        "can": lambda action, obj=None: policy.can(current_user, action, obj),
        "may_grant": lambda role, community: policy.may_grant(current_user, role, community),
        "current_community": current_community,
        "visible_communities": lambda: queries.visible_communities(current_user),
        "role_labels": roles.LABELS,
        "mode_labels": modes.LABELS,
        "org_labels": modes.ORG_LABELS,
        "occupancy_labels": roles.OCCUPANCY_KINDS,
        "dwelling_statuses": roles.DWELLING_STATUSES,
        "area_sources": roles.AREA_SOURCES,
        "format_fen": format_fen,
        "ticket_statuses": ticket_vocab.STATUSES,
        "ticket_kinds": ticket_vocab.KINDS,
        "ticket_categories": ticket_vocab.CATEGORIES,
        "ticket_priorities": ticket_vocab.PRIORITIES,
        "ticket_channels": ticket_vocab.CHANNELS,
        "ticket_actions": ticket_vocab.ACTIONS,
        "unread_notifications": lambda: notifications.unread_count(current_user),
        "get_locale": get_locale,
        "format_datetime": format_datetime,
    }


class RowId(IntegerConverter):
    """`<int:...>` in URLs stops at the largest INTEGER id, so huge numbers are a 404, not a
    database overflow."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app):
    app.url_map.converters["int"] = RowId
    app.before_request(_force_password_change)
    app.context_processor(_template_helpers)
