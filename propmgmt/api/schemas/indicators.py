"""Schemas of the indicator endpoints: one community's month, and the supervision overview."""
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import _Translated

RATE = {"description": "Percent (0-100) with one decimal; null when there is no data "
                       "(nothing was due or recorded in the month)."}


class Number(_Translated, ma.fields.Float):
    """Output only."""


class PeriodQuerySchema(Schema):
    period = String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error=_l(
        "Give the month as YYYY-MM, e.g. 2026-11.")), metadata={
        "description": "The month (default: this month); a future month is 422."})


class AlertSchema(Schema):
    id = Integer()
    period = String()
    kind = String(metadata={"enum": ["index_low", "index_drop", "red_line"]})
    indicator = String(metadata={"description": "For red_line: the rate that crossed it."})
    value = Number(allow_none=True)
    threshold = Number(allow_none=True)
    status = String(metadata={"enum": ["open", "acknowledged", "closed"]})


class IndicatorsSchema(Schema):
    community_id = Integer()
    community = String()
    period = String()
    computed_at = ma.fields.DateTime(allow_none=True)
    collection_rate = Number(allow_none=True, metadata=RATE)
    collection_rate_dwellings = Number(allow_none=True, metadata=RATE)
    tickets_opened = Integer(allow_none=True)
    tickets_overdue = Integer(allow_none=True)
    response_rate = Number(allow_none=True, metadata=RATE)
    on_time_rate = Number(allow_none=True, metadata=RATE)
    reopen_rate = Number(allow_none=True, metadata=RATE)
    complaint_rate = Number(allow_none=True, metadata={
        "description": "Complaints per 100 dwellings in the month; null without dwellings."})
    satisfaction = Number(allow_none=True, metadata={
        "description": "Survey score 0-100 ((mean of 1-5) - 1) / 4 x 100; null without a "
                       "survey for the month or its quarter."})
    rating_good_rate = Number(allow_none=True, metadata=RATE)
    inspection_completion_rate = Number(allow_none=True, metadata=RATE)
    inspection_pass_rate = Number(allow_none=True, metadata=RATE)
    facility_intact_rate = Number(allow_none=True, metadata=RATE)
    meetings_held = Integer(allow_none=True)
    action_items_overdue = Integer(allow_none=True)
    backsliding_index = Number(allow_none=True, metadata={
        "description": "0-100; null when the components with data weigh too little."})
    components = ma.fields.Dict(keys=String(), values=Number(allow_none=True))
    alerts = List(Nested(AlertSchema))


class OverviewSchema(Schema):
    period = String()
    communities = List(Nested(IndicatorsSchema))
