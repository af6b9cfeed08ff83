"""Shared schema pieces: fields whose messages reach users translated, pages and the error body.

Field messages are lazy strings; marshmallow keeps them lazy and propmgmt.errors renders them
in the request's language (Accept-Language for the API).
"""
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from propmgmt.pagination import MAX_PER_PAGE

MAX_ID = 2**31 - 1


class _Translated:
    """Messages every field can give, in the user's language."""

    default_error_messages = {
        "required": _l("This field is required."),
        "null": _l("This field may not be null."),
        "validator_failed": _l("This value is not valid."),
    }


class String(_Translated, ma.fields.String):
    """Text that the database can store: no NUL character, no lone surrogate."""

    default_error_messages = {
        "invalid": _l("Enter text."),
        "unstorable": _l("This text contains characters that cannot be stored."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("unstorable") from None
        if "\x00" in text:
            raise self.make_error("unstorable")
        return text


class Integer(_Translated, ma.fields.Integer):
    default_error_messages = {
        "invalid": _l("Enter a whole number."),
        "too_large": _l("This number is too large."),
        "special": _l("Enter a whole number."),
    }


class Date(_Translated, ma.fields.Date):
    default_error_messages = {"invalid": _l("Enter a date as YYYY-MM-DD.")}


class DateTime(_Translated, ma.fields.DateTime):
    """Output only so far (ISO 8601 with offset)."""


class Float(_Translated, ma.fields.Float):
    """Output only so far."""


class Nested(_Translated, ma.fields.Nested):
    """Output only so far."""


class List(_Translated, ma.fields.List):
    """Output only so far."""


def length(maximum):
    return validate.Length(max=maximum, error=_l("Use at most {max} characters."))


def id_range():
    return validate.Range(min=1, max=MAX_ID, error=_l("Enter a number from {min} to {max}."))


class Schema(ma.Schema):
    """Request bodies must be JSON objects with known fields only."""

    error_messages = {
        "type": _l("Send a JSON object."),
        "unknown": _l("Unknown field."),
    }


class PageQuerySchema(Schema):
    page = Integer(load_default=1, validate=validate.Range(
        min=1, error=_l("Enter a page number of {min} or more.")))
    per_page = Integer(load_default=20, validate=validate.Range(
        min=1, max=MAX_PER_PAGE, error=_l("Enter a number from {min} to {max}.")))


class PageSchema(Schema):
    """A page of a list; subclasses declare `items`."""

    page = Integer(required=True)
    per_page = Integer(required=True)
    total = Integer(required=True)


class ApiErrorDetailSchema(ma.Schema):
    code = String(required=True, metadata={"description": "Stable machine-readable code."})
    message = String(required=True, metadata={
        "description": "Human-readable message in the language of Accept-Language."})
    field_errors = ma.fields.Dict(
        keys=String(), values=List(String()), data_key="fields",
        metadata={"description": "Messages by input field (validation errors)."})


class ApiErrorSchema(ma.Schema):
    """The one error body of the API."""

    error = Nested(ApiErrorDetailSchema, required=True)
