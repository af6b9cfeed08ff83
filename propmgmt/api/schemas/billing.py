"""Schemas of billing: fee items and their rates, billing runs, a dwelling's bills, payments.

Bodies are checked for shape here; propmgmt.billing (fees, periods, payments) checks meaning
(a known basis and cycle, a month of notice for a new rate, an amount within the bill's balance)
and answers 422 or 409 with translated messages.
"""
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from propmgmt.api.schemas.base import Date
from propmgmt.api.schemas.base import DateTime
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import List
from propmgmt.api.schemas.base import Nested
from propmgmt.api.schemas.base import PageSchema
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import length
from propmgmt.api.schemas.tickets import Boolean
from propmgmt.billing import balances
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing.periods import CYCLE_MONTHS

BILL_STATUSES = [balances.OPEN, balances.PARTIAL, balances.PAID, balances.VOID]
MAX_IDEMPOTENCY_KEY = 64


def _enum(choices, description=None):
    return {"enum": list(choices), **({"description": description} if description else {})}


def _range(low, high):
    return validate.Range(min=low, max=high, error=_l("Enter a number from {min} to {max}."))


def _doc(description):
    return {"description": description}


class FeeRateSchema(Schema):
    rate_fen = Integer(metadata=_doc("Fen per month (per m², or per dwelling)."))
    effective_from = Date()
    announced_on = Date()


class FeeItemSchema(Schema):
    id = Integer()
    name = String()
    basis = String(metadata=_enum(fees.BASES))
    rate_fen = Integer(allow_none=True, metadata=_doc(
        "Fen per month in force today; null before the first rate takes effect."))
    cycle = String(metadata=_enum(CYCLE_MONTHS, "How often it is billed: every month, in "
                                                "Jan/Apr/Jul/Oct, or in January."))
    kind = String(metadata=_enum(fees.KINDS))
    price_form = String(metadata=_enum(fees.PRICE_FORMS))
    guided_base_fen = Integer(allow_none=True, metadata=_doc("Guided price: the base rate."))
    guided_float_pct = Integer(allow_none=True, metadata=_doc(
        "Guided price: how far, in percent, the rate may lie from the base."))
    legal_basis = String(metadata=_doc("The contract or price filing the fee rests on."))
    is_active = Boolean()
    rates = List(Nested(FeeRateSchema), metadata=_doc("The rate history, oldest first."))


class FeeItemListSchema(PageSchema):
    items = List(Nested(FeeItemSchema), required=True)


class FeeItemCreateSchema(Schema):
    """A new fee item, or, when the community has one of that name, a new rate for it."""

    name = String(required=True, validate=length(100), metadata=_doc(
        "An existing item's name makes this a rate change: only `rate_fen` and "
        "`effective_from` change, the other fields must match the item."))
    basis = String(required=True, validate=length(16), metadata=_enum(fees.BASES))
    rate_fen = Integer(strict=True, required=True, metadata=_doc(
        f"Fen per month, 0 to {fees.MAX_RATE_FEN}."))
    cycle = String(required=True, validate=length(16), metadata=_enum(CYCLE_MONTHS))
    effective_from = Date(allow_none=True, metadata=_doc(
        "A new item: from when (default: the first of this month). A rate change: required, "
        "at least one month after today (the announcement)."))
    kind = String(validate=length(20), metadata=_enum(fees.KINDS, "Default `service`."))
    price_form = String(validate=length(16), metadata=_enum(fees.PRICE_FORMS,
                                                            "Default `market`."))
    guided_base_fen = Integer(strict=True, allow_none=True, validate=_range(0, fees.MAX_RATE_FEN),
                              metadata=_doc("Required for a guided price."))
    guided_float_pct = Integer(strict=True, allow_none=True, validate=_range(0, 100),
                               metadata=_doc("Required for a guided price."))
    legal_basis = String(validate=length(2000))


class BillingRunRequestSchema(Schema):
    period = String(required=True, validate=validate.Regexp(
        r"^\d{4}-\d{2}\Z", error=_l("Give the period as YYYY-MM, e.g. 2026-11.")),
        metadata=_doc("YYYY-MM, at most 12 months ahead."))


class BillingRunSchema(Schema):
    period = String()
    created = Integer(metadata=_doc("Bills this run created."))
    skipped = Integer(metadata=_doc("Bills the period already had."))


class BillSchema(Schema):
    id = Integer()
    fee_item = String(metadata=_doc("The fee item's name."))
    fee_item_id = Integer()
    period = String(metadata=_doc("YYYY-MM"))
    months = Integer(metadata=_doc("Months the bill covers (3 for a quarterly item)."))
    amount_fen = Integer(metadata=_doc("What the bill asks for, after any adjustments."))
    paid_fen = Integer()
    balance_fen = Integer(metadata=_doc("amount_fen - paid_fen."))
    status = String(metadata=_enum(BILL_STATUSES))
    due_date = Date()


class BillPageSchema(PageSchema):
    items = List(Nested(BillSchema), required=True)


class PaymentRequestSchema(Schema):
    amount_fen = Integer(strict=True, required=True, metadata=_doc(
        "More than 0 and at most the bill's balance."))
    method = String(required=True, validate=length(20),
                    metadata=_enum(payments.OFFLINE_METHODS))
    reference = String(required=True, validate=length(64), metadata=_doc(
        "The receipt or transfer number; one payment per method and reference."))


class IdempotencyHeaderSchema(Schema):
    idempotency_key = String(data_key="Idempotency-Key", load_default=None, validate=[
        length(MAX_IDEMPOTENCY_KEY),
        validate.Regexp(r"^[!-~]+\Z", error=_l("Use visible ASCII characters only, e.g. a UUID.")),
    ], metadata=_doc("Retrying with the same key and body returns the first payment and records "
                     "nothing new; the same key with another body is refused (422)."))


class AllocationSchema(Schema):
    bill_id = Integer()
    amount_fen = Integer()


class PaymentSchema(Schema):
    id = Integer()
    dwelling_id = Integer()
    amount_fen = Integer()
    method = String(metadata=_enum(payments.OFFLINE_METHODS))
    reference = String()
    received_at = DateTime()
    allocations = List(Nested(AllocationSchema), metadata=_doc("How the payment was applied."))
