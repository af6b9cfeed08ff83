"""Request wiring for pages: the current community, template helpers, forced password change,
and the input pages refuse before any view sees it."""
from flask import abort
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
from propmgmt.errors import wants_json
from propmgmt.money import format_fen
from propmgmt.notifications import services as notifications
from propmgmt.tickets import vocab as ticket_vocab

# Page endpoints that take a JSON body (the pay page's script); every other page takes forms.
JSON_PAGE_ENDPOINTS = {"billing.pay_submit"}
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


def follow_community(community):
    """A page of `community` (authorized by the caller) makes it the working community, so
    the navigation links and the switcher match the page being read."""
    g.current_community = community
    if session.get("community_id") != community.id:
        session["community_id"] = community.id


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


MAX_ROW_ID = 2**31 - 1   # the largest INTEGER id (PostgreSQL's int4)


def row_id(text):
    """A form or query value naming a row, as werkzeug's `type=`: a positive int up to
    MAX_ROW_ID, else ValueError (so `.get(name, type=row_id)` gives None, never a number the
    database overflows on)."""
    value = int(text)
    if not 1 <= value <= MAX_ROW_ID:
        raise ValueError(text)
    return value


def to_row_id(text):
    """row_id(text), or None for anything that names no row ("", "²", a 30-digit number)."""
    try:
        return row_id(text)
    except (TypeError, ValueError):
        return None


def _numbers_up_to(limit):
    """A regex matching exactly the numbers 1..`limit` written without sign or leading zero."""
    text = str(limit)
    options = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(text) - i - 1
            options.append(f"{text[:i]}[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    return "(?:" + "|".join([*options, text]) + ")"


class RowId(IntegerConverter):
    """`<int:...>` in URLs stops at the largest INTEGER id, so huge numbers are a 404, not a
    database overflow. The range is in the regex, not only in to_python: werkzeug answers 405
    instead of 404 when a value its regex took fails to_python on a path that another rule
    serves with other methods (GET /api/v1/communities/0/tickets, where POST exists)."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ROW_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if min == 1 and max is not None and not (fixed_digits or signed):
            self.regex = _numbers_up_to(max)


def _has_nul(multidict):
    return any("\x00" in value for _key, values in multidict.lists() for value in values)


def _refuse_unusable_input():
    """Pages (not the JSON API, not the payment webhook) take HTML forms and query strings:
    - a JSON body is 415: Flask-WTF would feed it to the form, where a number, a list or an
      object where text is expected crashes the field (a 500);
    - a NUL character in a form or query value is 400: no browser form sends one, and
      PostgreSQL refuses to store it (a 500 once it reaches the database)."""
    if wants_json():
        return None
    if request.is_json and request.endpoint not in JSON_PAGE_ENDPOINTS:
        abort(415)
    if _has_nul(request.args) or _has_nul(request.form) or any(
            "\x00" in (upload.filename or "") for _key, uploads in request.files.lists()
            for upload in uploads):
        abort(400)
    return None


def register(app):
    app.url_map.converters["int"] = RowId
    app.before_request(_refuse_unusable_input)
    app.before_request(_force_password_change)
    app.context_processor(_template_helpers)
