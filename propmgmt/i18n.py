"""Locale selection: the user's choice, then the browser's, then Chinese."""
from flask import current_app
from flask import request
from flask import session
from flask_babel import gettext as _  # noqa: F401 (re-exported)
from flask_babel import lazy_gettext as _l  # noqa: F401 (re-exported)
from flask_login import current_user


def supported():
    return list(current_app.config["LANGUAGES"])


def select_locale():
    """The API follows Accept-Language; pages follow the user's choice first."""
    if not request:
        return current_app.config.get("CLI_LOCALE") or current_app.config["BABEL_DEFAULT_LOCALE"]
    if not request.path.startswith("/api/"):
        chosen = session.get("locale")
        if chosen in supported():
            return chosen
        user_locale = getattr(current_user, "locale", None) if current_user else None
        if user_locale in supported():
            return user_locale
    best = request.accept_languages.best_match(supported())
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["PROPMGMT_TIMEZONE"]
