"""Login throttling (Flask-Limiter): failed attempts per account and per address."""
import datetime as dt

from flask import current_app
from flask import request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from flask_limiter.util import get_remote_address

from propmgmt.extensions import limiter


def _username_key():
    try:
        data = request.get_json(silent=True) if request.is_json else None
    except RecursionError:  # absurdly nested JSON: no username to key on
        data = None
    name = (data or {}).get("username") if isinstance(data, dict) else request.form.get("username")
    return f"login:{str(name or '').strip().lower()}"


def _address_key():
    return f"login-ip:{get_remote_address()}"


def _failed(response):
    """Only failed logins count: a success is a redirect (page) or 200 (API)."""
    return response.status_code not in (200, 302, 303)


def login_limits():
    """Decorators that throttle failed logins by account and by address."""
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_username_key,
        methods=["POST"], deduct_when=_failed, per_method=True,
    )
    per_address = limiter.limit(
        "50 per hour", key_func=_address_key, methods=["POST"], deduct_when=_failed,
        per_method=True,
    )
    return lambda view: per_address(per_account(view))


def _files_sent():
    return sum(1 for _name, uploads in request.files.lists() for upload in uploads
               if upload and upload.filename)


def _uploader_key():
    return f"uploads:{current_user.get_id() or get_remote_address()}"


def upload_limits():
    """A per-user quota of uploaded files (photos, reports), UPLOAD_RATE_LIMIT: each file
    counts once, a request without files not at all (RELIABILITY F4)."""
    return limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"], key_func=_uploader_key,
                         methods=["POST"], cost=_files_sent,
                         exempt_when=lambda: _files_sent() == 0)


def retry_message():
    """A message saying when the user may try again, in their language."""
    limit = limiter.current_limit
    if limit is None:
        return _("Too many attempts. Please try again later.")
    reset = dt.datetime.fromtimestamp(limit.reset_at, dt.timezone.utc)
    seconds = max(1, int(limit.reset_at - dt.datetime.now(dt.timezone.utc).timestamp()))
    at = format_datetime(reset, "HH:mm:ss")
    if "uploads:" in limit.key:
        return _("You have sent many files in a short time. Try again in %(seconds)s seconds "
                 "(at %(time)s).", seconds=seconds, time=at)
    return _("Too many failed attempts. Try again in %(seconds)s seconds (at %(time)s).",
             seconds=seconds, time=at)
