"""Logging: a request id on every request and one structured line per request.

Every request gets an id (the caller's `X-Request-ID` when it is a sane token, else a new one) in
`g.request_id`, sent back in `X-Request-ID` and put on every log record made during the request.
At its end the logger "propmgmt.request" writes one line: method, path, status, duration, user,
community and request id (successful health probes at DEBUG, so they do not flood INFO).

Outside tests one handler on the root logger writes to stderr: a JSON object per line, or plain
text when stderr is a terminal. Under pytest nothing is installed, so its log capture works.
"""
import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import g
from flask import has_request_context
from flask import request
from flask.logging import default_handler

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
QUIET_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
request_log = logging.getLogger("propmgmt.request")


def configure(app):
    """Give `app` request ids and request lines; outside tests, send logs to stderr."""
    # First of all before_request hooks: a later one may answer (redirect, 429) or raise.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    for logger in (app.logger, request_log):
        if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
            logger.addFilter(RequestIdFilter())
    if not app.testing:
        install_handler(app.logger)


def request_id():
    """This request's id: the caller's X-Request-ID if it is a sane token, else a new uuid4."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record (None outside a request), for formatters and tests."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id() if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, a record's `fields`."""

    def format(self, record):
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def install_handler(app_logger, root=None, stream=None):
    """One stderr handler on the root logger, however many apps this process builds.

    When the root logger has handlers already (ours, or logging configured by a server's
    settings or a test runner), handlers and levels are left as they are."""
    root = root or logging.getLogger()
    app_logger.removeHandler(default_handler)  # Flask's own, which would print twice
    if root.handlers:
        return
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    tty = getattr(stream, "isatty", lambda: False)()
    handler.setFormatter(logging.Formatter(TEXT_FORMAT) if tty else JsonFormatter())
    root.addHandler(handler)
    werkzeug = logging.getLogger("werkzeug")  # `flask run` prints its address at INFO
    if werkzeug.level == logging.NOTSET:
        werkzeug.setLevel(logging.INFO)


def _start():
    request_id()
    g.request_started = time.perf_counter()


def _finish(response):
    rid = request_id()
    response.headers[HEADER] = rid
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": duration,
        "user_id": _user_id(),
        "community_id": (request.view_args or {}).get("community_id"),
        "request_id": rid,
    }
    request_log.log(_level(response.status_code), "%s %s %s %sms", request.method, request.path,
                    response.status_code, duration, extra={"fields": fields, "request_id": rid})
    return response


def _user_id():
    """The user this request ran as, if it was loaded at all (never a query just for the log)."""
    user = g.get("_login_user")
    return user.id if getattr(user, "is_authenticated", False) else None


def _level(status):
    if status >= 500:
        return logging.WARNING
    if request.endpoint in QUIET_ENDPOINTS and status < 400:
        return logging.DEBUG
    return logging.INFO
