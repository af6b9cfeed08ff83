"""Schemas of communities, their management modes and dwellings."""
from propmgmt.api.schemas.base import Date
from propmgmt.api.schemas.base import Float
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import PageSchema
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import id_range
from propmgmt.api.schemas.base import length
from propmgmt.communities import modes


class CommunitySchema(Schema):
    id = Integer()
    name = String()
    district = String()
    management_mode = String(allow_none=True, metadata={"enum": list(modes.ALL)})


class CommunityPageSchema(PageSchema):
    items = List(Nested(CommunitySchema), required=True)


class OrganizationSchema(Schema):
    kind = String(metadata={"enum": list(modes.ORG_KINDS)})
    name = String()


class ModeChangeSchema(Schema):
    id = Integer()
    mode = String(metadata={"enum": list(modes.ALL)})
    effective_from = Date()
    reason = String()
    decided_by = String(allow_none=True)
    vote_id = Integer(allow_none=True)


class CommunityDetailSchema(CommunitySchema):
    organizations = List(Nested(OrganizationSchema))
    dwelling_count = Integer()
    mode_history = List(Nested(ModeChangeSchema), metadata={"description": "Oldest first."})


class ModeChangeRequestSchema(Schema):
    """Shape only; the service decides whether the mode and date are acceptable."""

    mode = String(required=True, validate=length(32), metadata={"enum": list(modes.ALL)})
    effective_from = Date(required=True)
    reason = String(required=True, validate=length(2000))
    vote_id = Integer(strict=True, allow_none=True, validate=id_range(), metadata={
        "description": "The closed, passed owners' vote of this community that decided it."})
    decided_by = String(allow_none=True, validate=length(200), metadata={
        "description": "Without a vote: the authority that decided (e.g. a street document)."})


class DwellingSchema(Schema):
    id = Integer()
    building = String(attribute="building.name", metadata={"description": "Building name."})
    number = String()
    area_m2 = Float(metadata={"description": "Floor area in m², two decimals."})


class DwellingPageSchema(PageSchema):
    items = List(Nested(DwellingSchema), required=True)
