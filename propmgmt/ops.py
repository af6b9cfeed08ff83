"""Operations: liveness and readiness probes for load balancers, and trusting a reverse proxy.

`/healthz` answers while the process serves requests and touches nothing else. `/readyz` answers
200 only when the database runs `SELECT 1` and its Alembic revision is the head of `migrations/`,
so a worker whose code expects a newer schema than the database has gets no traffic.
Both are public, never rate limited, and logged below INFO when they succeed (propmgmt.logs).
"""
import functools
import logging

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint
from flask import current_app
from flask import jsonify
from werkzeug.middleware.proxy_fix import ProxyFix

from propmgmt.extensions import db
from propmgmt.extensions import limiter

bp = Blueprint("ops", __name__)
limiter.exempt(bp)
log = logging.getLogger(__name__)

# Talisman's per-view options (what its decorator sets): a load balancer probes over plain HTTP,
# and a redirect to HTTPS would answer 302 whatever the state of the database.
PROBE_OPTIONS = {"force_https": False}


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = readiness()
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        return jsonify(status="unavailable", failed=failed, checks=checks), 503
    return jsonify(status="ok", checks=checks)


healthz.talisman_view_options = PROBE_OPTIONS
readyz.talisman_view_options = PROBE_OPTIONS


def readiness():
    """Each readiness check mapped to "ok" or to what is wrong: the database, then migrations."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_heads()
    except sa.exc.SQLAlchemyError as error:
        log.warning("readiness: the database does not answer: %s", error)
        return {"database": "unreachable", "migrations": "not checked"}
    expected = expected_heads()
    if set(current) == set(expected):
        return {"database": "ok", "migrations": "ok"}
    at = ", ".join(current) or "none"
    return {"database": "ok",
            "migrations": f"database at {at}, code expects {', '.join(expected)}"}


def expected_heads():
    """The head revision(s) of the app's migrations directory (what `flask db upgrade` reaches)."""
    return _heads(current_app.extensions["migrate"].directory)


@functools.cache
def _heads(directory):
    # Read once per process: the migration files change only with a deploy, which restarts it.
    return tuple(ScriptDirectory(directory).get_heads())


def trust_proxy(app):
    """Behind N reverse proxies (PROPMGMT_PROXY_FIX=N), take the client's address, scheme, host
    and port from their X-Forwarded-* headers; without it those headers are ignored (spoofable)."""
    hops = app.config.get("PROPMGMT_PROXY_FIX", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
