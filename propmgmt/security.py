"""HTTP security headers and the content security policy (Flask-Talisman).

Scripts come only from this site and from Stripe.js (STRIPE_JS_URL's origin): no inline script
and no inline event handler anywhere (tests/test_security_headers.py scans the templates).
Inline *styles* stay allowed: Bootstrap's widths in style attributes and the charts' <style>.
HTTPS redirects and HSTS follow PROPMGMT_FORCE_HTTPS (on behind a TLS proxy in production).
"""
from urllib.parse import urlsplit

from flask import current_app
from flask import has_app_context
from flask_talisman import Talisman

SELF = "'self'"


def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def policy(config):
    """The content security policy for the app's configuration."""
    stripe = sorted({o for o in (_origin(config.get("STRIPE_JS_URL")), "https://js.stripe.com")
                     if o})
    return {
        "default-src": SELF,
        "script-src": [SELF, *stripe],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *stripe, "https://api.stripe.com"],
        "frame-src": [SELF, *stripe, "https://hooks.stripe.com"],
        "frame-ancestors": "'none'",
        "form-action": SELF,
        "base-uri": SELF,
        "object-src": "'none'",
    }


class _Talisman(Talisman):
    """Talisman whose policy follows the app's current configuration (STRIPE_JS_URL may be
    set after the app is built, e.g. pointing at a local Stripe mock)."""

    @property
    def content_security_policy(self):
        return policy(current_app.config) if has_app_context() else self._policy

    @content_security_policy.setter
    def content_security_policy(self, value):
        self._policy = value


def register(app):
    """One Talisman per app: it keeps its settings on itself, and tests build many apps."""
    force_https = app.config.get("FORCE_HTTPS", False)
    app.extensions["talisman"] = _Talisman(
        app, force_https=force_https, strict_transport_security=force_https,
        content_security_policy=policy(app.config),
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True, frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "(self)"})
