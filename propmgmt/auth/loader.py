"""Flask-Login wiring: cookie sessions for pages, bearer tokens for the API (never both)."""
from urllib.parse import urlsplit

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import lazy_gettext as _l

from propmgmt.auth.models import User
from propmgmt.db import db
from propmgmt.errors import error_response


def _is_api():
    return request.path.startswith("/api/")


def load_from_session(user_id):
    """Session cookies name 'id:version'; a bumped version (logout elsewhere) ends them."""
    if _is_api():
        return None
    ident, _sep, version = str(user_id).partition(":")
    if not (ident.isascii() and ident.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_version != int(version):
        return None
    return user


def load_from_request(req):
    """API calls authenticate with `Authorization: Bearer <token>` only."""
    if not _is_api():
        return None
    raw = bearer_token(req)
    if not raw:
        return None
    from propmgmt.auth.services import user_for_token  # noqa: PLC0415

    return user_for_token(raw)


def bearer_token(req):
    """The raw token of an `Authorization: Bearer` header, or ''."""
    scheme, _sep, raw = req.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def unauthorized():
    if _is_api():
        return error_response(401, "unauthorized")
    flash(_l("Please log in to see this page."), "warning")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def needs_refresh():
    """A sensitive step (refunds, bill adjustments, fees, roles, the management mode) in a
    session restored from the remember-me cookie: enter the password again, then come back."""
    flash(_l("For this step, please enter your password again."), "warning")
    if request.method == "GET":
        back = request.full_path.rstrip("?")
    else:  # the form's page, not the POST-only address
        referrer = urlsplit(request.referrer or "")
        same_host = referrer.netloc in ("", request.host)
        back = (referrer.path + (f"?{referrer.query}" if referrer.query else "")
                if same_host and referrer.path else "/")
    return redirect(url_for("auth.login", next=back))


def configure(login_manager):
    login_manager.user_loader(load_from_session)
    login_manager.request_loader(load_from_request)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.needs_refresh_handler(needs_refresh)
    login_manager.session_protection = "basic"
