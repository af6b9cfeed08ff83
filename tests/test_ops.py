"""Operations: health probes, request ids, one structured log line per request, `make check`."""
import io
import json
import logging
import re

import pytest
from flask import g
from flask import request
from flask.logging import default_handler

from propmgmt import ROOT
from propmgmt import logs
from propmgmt import ops
from propmgmt import roles
from propmgmt.config import from_env
from propmgmt.db import db
from tests.conftest import make_app
from tests.factories import CommunityFactory
from tests.factories import member

HEX_ID = re.compile(r"[0-9a-f]{32}")
FIELDS = {"method", "path", "status", "duration_ms", "user_id", "community_id", "request_id"}


@pytest.fixture
def request_lines(caplog):
    """The records of "propmgmt.request" captured at INFO."""
    caplog.set_level(logging.INFO, logger="propmgmt.request")
    return lambda: [r for r in caplog.records if r.name == "propmgmt.request"]


def _json(record):
    return json.loads(logs.JsonFormatter().format(record))


@pytest.fixture
def fresh_app(database_url):
    """Build more apps; their own connection pools are closed afterwards (readyz opens them)."""
    apps = []

    def build(url=None, **overrides):
        apps.append(make_app(url or database_url, **overrides))
        return apps[-1]

    yield build
    for app in apps:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def broken_app(fresh_app, tmp_path):
    """An app whose database cannot be opened (its folder does not exist)."""
    return fresh_app(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}")


def test_healthz_answers_without_touching_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert counter.count == 0


def test_healthz_is_up_while_the_database_is_down(broken_app):
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers_at_the_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok",
                                   "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_is_503_when_the_database_is_at_another_revision(client, monkeypatch):
    monkeypatch.setattr(ops, "expected_heads", lambda: ("0999",))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["failed"] == ["migrations"]
    assert body["checks"]["database"] == "ok"
    assert "code expects 0999" in body["checks"]["migrations"]


def test_readyz_is_503_when_the_database_is_unreachable(broken_app, caplog):
    response = broken_app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["database", "migrations"]
    assert body["checks"] == {"database": "unreachable", "migrations": "not checked"}
    assert "missing" not in response.get_data(as_text=True)  # details go to the log only
    assert any(r.name == "propmgmt.ops" and r.levelno == logging.WARNING for r in caplog.records)


def test_expected_heads_is_the_pinned_head(app):
    with app.app_context():
        pinned = (ROOT / "migrations" / ".current-alembic-head").read_text().strip()
        assert ops.expected_heads() == (pinned,)


def test_probes_are_neither_rate_limited_nor_sent_to_https(fresh_app):
    app = fresh_app(FORCE_HTTPS=True)
    client = app.test_client()
    assert client.get("/login").status_code in (301, 302)  # the rest of the site goes to HTTPS
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    assert ops.bp.name in _limiter_exempt_blueprints()


def _limiter_exempt_blueprints():
    from propmgmt.extensions import limiter  # noqa: PLC0415

    manager = limiter.limit_manager
    return set(getattr(manager, "_blueprint_exemptions", {}) or {})


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-2026.11_abc-XYZ"})
    assert response.headers["X-Request-ID"] == "lb-2026.11_abc-XYZ"


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second) and first != second


@pytest.mark.parametrize("incoming", ["has spaces in it", "x" * 200, "a/b", "id;drop", "é"])
def test_a_malformed_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_one_json_line_per_request_with_its_fields(client, request_lines):
    response = client.get("/login?next=%2Fsecret", headers={"X-Request-ID": "trace-1"})
    client.get("/no-such-page")
    records = request_lines()
    assert len(records) == 2
    line = _json(records[0])
    assert FIELDS <= set(line)
    assert line["logger"] == "propmgmt.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/login", 200)
    assert line["request_id"] == "trace-1" == response.headers["X-Request-ID"]
    assert line["user_id"] is None and line["community_id"] is None
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert _json(records[1])["status"] == 404


def test_the_line_names_the_user_and_the_community(client, login, request_lines):
    community = CommunityFactory()
    manager = member(community, roles.PROPERTY_MANAGER)
    login(manager)
    before = len(request_lines())
    response = client.get(f"/communities/{community.id}?tab=x")
    records = request_lines()[before:]
    assert response.status_code == 200 and len(records) == 1
    line = _json(records[0])
    assert line["user_id"] == manager.id and line["community_id"] == community.id
    assert line["path"] == f"/communities/{community.id}"
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_successful_probes_log_below_info(client, request_lines, caplog):
    client.get("/healthz")
    client.get("/readyz")
    assert request_lines() == []
    caplog.set_level(logging.DEBUG, logger="propmgmt.request")
    client.get("/healthz")
    assert [r.levelno for r in request_lines()] == [logging.DEBUG]


def test_errors_are_logged_with_the_request_id(fresh_app, caplog):
    app = fresh_app()

    @app.get("/boom")
    def boom():
        assert request.path == "/boom" and g.request_id
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "err-7"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "err-7"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "propmgmt"]
    assert [r.request_id for r in errors] == ["err-7"]
    assert "RuntimeError: boom" in _json(errors[0])["exc_info"]


def test_tests_keep_pytests_log_capture(fresh_app):
    before = list(logging.getLogger().handlers)
    fresh_app("sqlite://")
    assert logging.getLogger().handlers == before


def test_production_handler_is_installed_once_and_writes_json():
    root, app_logger, stream = logging.Logger("fake-root"), logging.Logger("fake-app"), io.StringIO()
    app_logger.addHandler(default_handler)
    for _ in range(3):  # every create_app in the process
        logs.install_handler(app_logger, root=root, stream=stream)
    assert len(root.handlers) == 1 and default_handler not in app_logger.handlers
    assert app_logger.level == logging.INFO
    root.warning("disk %s", "full")
    line = json.loads(stream.getvalue())
    assert line["message"] == "disk full" and line["level"] == "WARNING"
    assert line["request_id"] is None


def test_the_handler_leaves_configured_logging_alone():
    root, app_logger = logging.Logger("fake-root"), logging.Logger("fake-app")
    theirs = logging.NullHandler()
    root.addHandler(theirs)
    logs.install_handler(app_logger, root=root, stream=io.StringIO())
    assert root.handlers == [theirs] and app_logger.level == logging.NOTSET


def test_proxy_headers_count_only_when_configured(fresh_app):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    seen = {}
    for hops in (0, 1):
        app = fresh_app(PROPMGMT_PROXY_FIX=hops)
        app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
        seen[hops] = app.test_client().get("/whoami", headers=headers).get_data(as_text=True)
    assert seen == {0: "127.0.0.1 http", 1: "203.0.113.9 https"}


@pytest.mark.parametrize("value, hops", [(None, 0), ("0", 0), ("1", 1), ("2", 2), ("yes", 1),
                                         ("no", 0)])
def test_proxy_fix_setting(monkeypatch, tmp_path, value, hops):
    if value is None:
        monkeypatch.delenv("PROPMGMT_PROXY_FIX", raising=False)
    else:
        monkeypatch.setenv("PROPMGMT_PROXY_FIX", value)
    assert from_env(tmp_path, {"SECRET_KEY": "x"})["PROPMGMT_PROXY_FIX"] == hops


def _make_rule(text, target):
    """The recipe lines of `target` in a Makefile's text."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{target}\s*:(?!=)", line))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return lines[start], recipe


def test_make_check_runs_the_linters_then_the_tests():
    text = (ROOT / "Makefile").read_text()
    phony = next(line for line in text.splitlines() if line.startswith(".PHONY:"))
    assert "check" in phony.split()
    _header, recipe = _make_rule(text, "check")
    lint = next(i for i, cmd in enumerate(recipe) if "ruff check propmgmt tests tools bench" in cmd)
    test = next(i for i, cmd in enumerate(recipe) if re.search(r"\bpytest\b", cmd))
    assert lint < test
    assert not any(cmd.startswith("-") or "|| true" in cmd for cmd in recipe)  # failures count
