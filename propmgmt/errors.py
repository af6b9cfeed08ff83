"""Domain errors raised by services, and the one place they become HTTP answers.

Pages get an HTML error page; everything under /api/ gets the JSON error body of shared/API.md.
"""
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message=None, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    """A business rule refused the input; `fields` maps field name to messages."""

    status = 422
    code = "validation_error"


def _default_messages():
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The upload is too large."),
        415: _("This content type is not supported."),
        422: _("Some of the input is not valid."),
        429: _("Too many attempts. Please try again later."),
        500: _("Something went wrong on our side."),
    }


def wants_json():
    return request.path.startswith("/api/") or request.path.startswith("/payments/stripe/")


def error_response(status, code, message=None, fields=None, headers=None):
    """Render an error as the API's JSON body or as an HTML page, by path."""
    message = message or _default_messages().get(status) or _("Error")
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
    else:
        response = render_template("errors/error.html", status=status, message=message)
    return response, status, headers or {}


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "rate_limited",
}


def _handle_domain_error(error):
    return error_response(error.status, error.code, error.message, error.fields)


def _handle_http_exception(error):
    fields = None
    message = None
    data = getattr(error, "data", None)
    if error.code == 422 and data:
        fields = _flatten_webargs(data.get("messages", {}))
    if error.code == 429:
        from propmgmt.auth.throttle import retry_message  # noqa: PLC0415 (avoid a cycle)

        message = retry_message()
    headers = dict(error.get_headers()) if error.code in (405, 429) else None
    if headers:
        headers.pop("Content-Type", None)
    return error_response(error.code or 500, _HTTP_CODES.get(error.code, "error"), message,
                          fields, headers)


def _flatten_webargs(messages):
    """webargs nests messages by location (json/query); the API reports them by field."""
    fields = {}
    for location in messages.values():
        if isinstance(location, dict):
            for name, errs in location.items():
                fields[name] = [str(e) for e in errs] if isinstance(errs, list) else [str(errs)]
    return fields or None


def _handle_csrf(error):
    return error_response(400, "csrf_failed", _("The form expired or was not sent from this site. "
                                                "Please reload the page and try again."))


def _busy(error):
    """SQLite's "database is locked" under concurrent writers: ask to retry, never a 500."""
    return "database is locked" in str(getattr(error, "orig", error))


def _handle_unexpected(error):
    if isinstance(error, HTTPException):
        return _handle_http_exception(error)
    if _busy(error):
        from flask import current_app  # noqa: PLC0415

        current_app.logger.warning("database busy: %s", error)
        return error_response(503, "busy", _("The system is busy. Nothing was saved; please "
                                              "try again in a moment."))
    from flask import current_app  # noqa: PLC0415

    current_app.logger.exception("unhandled error")
    return error_response(500, "server_error")


def register_error_handlers(app):
    from flask_wtf.csrf import CSRFError  # noqa: PLC0415

    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
