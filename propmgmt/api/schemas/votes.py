"""Schemas of owners' votes: opening a vote, a ballot, and the result with its computation."""
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from propmgmt.api.schemas.base import DateTime
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import _Translated
from propmgmt.api.schemas.base import length
from propmgmt.governance import rules


class AwareDateTime(_Translated, ma.fields.AwareDateTime):
    default_error_messages = {
        "invalid": _l("Enter a date and time as ISO 8601 with an offset."),
        "invalid_awareness": _l("Enter a date and time as ISO 8601 with an offset."),
    }


class Boolean(_Translated, ma.fields.Boolean):
    """Output only."""


class Number(_Translated, ma.fields.Float):
    """Output only: square metres with 2 decimals (exact hundredths are in *_x100)."""


def _enum(choices, description=None):
    return {"enum": list(choices), **({"description": description} if description else {})}


class VoteCreateSchema(Schema):
    title = String(required=True, validate=validate.Length(
        min=1, max=200, error=_l("Use 1 to {max} characters.")))
    description = String(load_default="", validate=length(5000))
    matter = String(validate=validate.OneOf(list(rules.MATTER_LABELS), error=_l(
        "Choose one of: {choices}.")), metadata=_enum(rules.MATTER_LABELS,
                                                      "Required unless `item` is given."))
    item = String(allow_none=True, validate=validate.OneOf(list(rules.ITEMS), error=_l(
        "Choose one of: {choices}.")), metadata=_enum(
        rules.ITEMS, "Civil Code art. 278 item; raise_fund, rebuild, common_use are major."))
    options = List(String(validate=length(64)), allow_none=True, metadata={
        "description": "At least 2; default agree, disagree, abstain."})
    opens_at = AwareDateTime(required=True, metadata={
        "description": "At least 15 days after now: the vote notice is posted when the vote is "
                       "created (DOMAIN rule 16)."})
    closes_at = AwareDateTime(required=True)
    objection_days = Integer(load_default=7, metadata={
        "description": "Days the provisional result stays open to objections (1-30)."})


class BallotCreateSchema(Schema):
    option = String(required=True, validate=length(64))


class VoteSchema(Schema):
    id = Integer()
    community_id = Integer()
    title = String()
    description = String()
    matter = String(metadata=_enum(rules.MATTER_LABELS))
    item = String(allow_none=True)
    options = List(String())
    opens_at = DateTime()
    closes_at = DateTime()
    announced_at = DateTime(allow_none=True)
    objection_days = Integer()


class BallotSchema(Schema):
    id = Integer()
    vote_id = Integer()
    option = String()
    owners = Integer(metadata={"description": "Always 1: one head per owner."})
    area_m2 = Number()
    dwellings = Integer(metadata={"description": "Dwellings this ballot covers."})


class WeightSchema(Schema):
    owners = Integer()
    area_m2 = Number()
    area_x100 = Integer()


class ParticipationSchema(WeightSchema):
    passed = Boolean()


class ThresholdSchema(Schema):
    num = Integer()
    den = Integer()
    inclusive = Boolean(metadata={"description": "true: at least; false: more than."})


class ThresholdsSchema(Schema):
    participation = Nested(ThresholdSchema)
    approval = Nested(ThresholdSchema)


class ResultSchema(Schema):
    vote_id = Integer()
    matter = String(metadata=_enum(rules.MATTER_LABELS))
    provisional = Boolean(metadata={"description": "true until the final result is declared "
                                                   "(after voting and the objection period)."})
    phase = String(metadata={"description": "announced, voting, counting, objections, "
                                            "awaiting_final or final."})
    totals = Nested(WeightSchema)
    participation = Nested(ParticipationSchema)
    agree = Nested(WeightSchema)
    tally = ma.fields.Dict(keys=String(), values=Nested(WeightSchema))
    thresholds = Nested(ThresholdsSchema)
    approval_passed = Boolean()
    passed = Boolean()
    rule = String(metadata=_enum([rules.RULE_PARTICIPATION, rules.RULE_ORDINARY,
                                  rules.RULE_MAJOR]))
