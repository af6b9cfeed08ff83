"""Schemas of the token and account endpoints."""
from propmgmt.api.schemas.base import DateTime
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import length


class TokenRequestSchema(Schema):
    username = String(required=True, validate=length(64))
    password = String(required=True, load_only=True, validate=length(256))


class TokenSchema(Schema):
    token = String(required=True, metadata={"description": "Send as `Authorization: Bearer`."})
    expires_at = DateTime(required=True)


class MembershipSchema(Schema):
    community_id = Integer(allow_none=True, metadata={"description": "null for admin."})
    role = String()


class MeSchema(Schema):
    id = Integer()
    username = String()
    display_name = String()
    locale = String(allow_none=True)
    memberships = List(Nested(MembershipSchema))
