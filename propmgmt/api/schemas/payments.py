"""Schemas of online payment: the pay request and the attempt's next step."""
from propmgmt.api.schemas.base import Integer
from propmgmt.api.schemas.base import Schema
from propmgmt.api.schemas.base import String
from propmgmt.api.schemas.base import length
from propmgmt.billing import gateway

STATUSES = [gateway.SUCCEEDED, gateway.REQUIRES_ACTION, gateway.PROCESSING]


class PayRequestSchema(Schema):
    payment_method = String(allow_none=True, validate=length(128), metadata={
        "description": "A PaymentMethod id made by Stripe.js or the mobile SDK (pm_...). With it "
                       "the payment is created and confirmed at once; without it, confirm on the "
                       "client with `client_secret`."})


class PayResponseSchema(Schema):
    payment_id = Integer(metadata={"description": "The attempt; its status stays `pending` until "
                                                  "the provider's event marks the bill paid."})
    provider = String(metadata={"enum": ["stripe"]})
    status = String(metadata={"enum": STATUSES, "description": (
        "`requires_action`: finish 3-D Secure (or confirm) on the client with `client_secret`. "
        "A declined card is a 402 error instead.")})
    client_secret = String(allow_none=True)
    amount_fen = Integer()
    currency = String(metadata={"enum": ["CNY"]})
