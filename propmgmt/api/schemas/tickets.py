"""Schemas of tickets: filing, the queue and its filters, detail with timeline, actions, rating.

Bodies are checked for shape here; propmgmt.tickets.intake and services check meaning (a
category of the kind, a dwelling of the community, an action allowed now) and answer 422/403/409.
"""
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from propmgmt.api.schemas.base import DateTime
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import PageQuerySchema
from propmgmt.api.schemas.base import PageSchema
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import _Translated
from propmgmt.api.schemas.base import id_range
from propmgmt.api.schemas.base import length
from propmgmt.communities import modes
from propmgmt.tickets import intake
from propmgmt.tickets import vocab
from propmgmt.tickets import workflow

CATEGORIES = list(dict.fromkeys([*vocab.REPAIR_CATEGORIES, *vocab.COMPLAINT_CATEGORIES]))
STATUS_FILTERS = [*vocab.STATUSES, "open"]
MAX_NOTE = 5000
MAX_COMMENT = 2000


class Boolean(_Translated, ma.fields.Boolean):
    default_error_messages = {"invalid": _l("Enter true or false.")}


def one_of(choices):
    return validate.OneOf(list(choices), error=_l("Choose one of: {choices}."))


def _enum(choices, description=None):
    return {"enum": list(choices), **({"description": description} if description else {})}


class TicketCreateSchema(Schema):
    kind = String(required=True, validate=length(16), metadata=_enum(vocab.KINDS))
    category = String(required=True, validate=length(32), metadata=_enum(
        CATEGORIES, "A repair or a complaint category (shared/API.md)."))
    priority = String(load_default=vocab.NORMAL, validate=length(16),
                      metadata=_enum(vocab.PRIORITIES))
    title = String(required=True, validate=length(intake.MAX_TITLE))
    description = String(required=True, validate=length(intake.MAX_DESCRIPTION))
    dwelling_id = Integer(strict=True, allow_none=True, validate=id_range(), metadata={
        "description": "A dwelling of the community; a resident's own dwellings only."})
    location = String(allow_none=True, validate=length(200), metadata={
        "description": "Where, when not a dwelling (a repair needs one or the other)."})
    about_org = String(allow_none=True, validate=length(32), metadata=_enum(
        modes.ORG_KINDS, "For complaints of category `organization`: which one."))
    channel = String(load_default="app", validate=length(20), metadata=_enum(
        vocab.CHANNELS, "How the ticket came in (staff filing for someone); residents: app."))
    reporter_name = String(allow_none=True, validate=length(100),
                           metadata={"description": "Staff filing for someone without an account."})
    reporter_phone = String(allow_none=True, validate=length(32))
    external_ref = String(allow_none=True, validate=length(64),
                          metadata={"description": "e.g. the 12345 hotline's case number."})


class TicketQuerySchema(PageQuerySchema):
    status = String(validate=one_of(STATUS_FILTERS), metadata=_enum(
        STATUS_FILTERS, "`open`: any status before resolved."))
    kind = String(validate=one_of(vocab.KINDS), metadata=_enum(vocab.KINDS))
    category = String(validate=one_of(CATEGORIES), metadata=_enum(CATEGORIES))
    handler = String(validate=one_of(modes.ORG_KINDS), metadata=_enum(modes.ORG_KINDS))
    overdue = Boolean(load_default=False, metadata={"description": "Only open tickets past due."})
    mine = Boolean(load_default=False, metadata={
        "description": "Only tickets the caller filed or is assigned to."})


class TransitionRequestSchema(Schema):
    action = String(required=True, validate=one_of(workflow.TRANSITIONS),
                    metadata=_enum(workflow.TRANSITIONS))
    assignee_id = Integer(strict=True, allow_none=True, validate=id_range(), metadata={
        "description": "For `assign`: a member of the community who is not only a resident."})
    note = String(allow_none=True, validate=length(MAX_NOTE), metadata={
        "description": "Required for resolve, reopen, escalate and close."})


class RatingRequestSchema(Schema):
    score = Integer(strict=True, required=True, validate=validate.Range(
        min=1, max=5, error=_l("Enter a number from {min} to {max}.")))
    comment = String(allow_none=True, validate=length(MAX_COMMENT))


class HandlerSchema(Schema):
    kind = String(metadata=_enum(modes.ORG_KINDS))
    name = String(metadata={"description": "The community's organization of that kind."})


class TicketSchema(Schema):
    id = Integer()
    kind = String(metadata=_enum(vocab.KINDS))
    category = String(metadata=_enum(CATEGORIES))
    priority = String(metadata=_enum(vocab.PRIORITIES))
    status = String(metadata=_enum(vocab.STATUSES))
    title = String()
    handler = Nested(HandlerSchema)
    dwelling = String(allow_none=True, metadata={"description": "BUILDING-NUMBER, e.g. 3-502."})
    location = String(allow_none=True)
    created_at = DateTime()
    due_at = DateTime(metadata={
        "description": "Response deadline until accepted, then the resolution deadline."})
    overdue = Boolean()
    assignee_id = Integer(allow_none=True)
    rating = Integer(allow_none=True)


class TicketPageSchema(PageSchema):
    items = List(Nested(TicketSchema), required=True)


class EventSchema(Schema):
    at = DateTime()
    actor = String(allow_none=True, metadata={"description": "null for automatic steps."})
    action = String(metadata=_enum(vocab.ACTIONS))
    note = String(allow_none=True)


class TicketDetailSchema(TicketSchema):
    description = String()
    about_org = String(allow_none=True, metadata=_enum(modes.ORG_KINDS))
    reporter = String(allow_none=True, metadata={
        "description": "The reporter's display name, or the name staff recorded."})
    channel = String(metadata=_enum(vocab.CHANNELS))
    rating_comment = String(allow_none=True)
    photo_count = Integer()
    events = List(Nested(EventSchema), metadata={"description": "Oldest first."})
    available_actions = List(String(metadata=_enum(workflow.TRANSITIONS)), metadata={
        "description": "Actions the caller may take now with POST .../transitions."})
    can_rate = Boolean(metadata={"description": "Whether the caller may rate it now."})
