"""The Stripe adapter: PaymentIntents through the official SDK (a `stripe.StripeClient` from config).

It sends only fields that both Stripe and localstripe accept (no description, receipt_email or
automatic_payment_methods), reads `latest_charge` as an id or an expanded object, and turns
Stripe's statuses, declines and webhooks into propmgmt.billing.gateway's terms.
"""
import json
import logging

import stripe
from flask_babel import lazy_gettext as _l

from propmgmt.billing import gateway

NAME = "stripe"
TOLERANCE_SECONDS = 300  # a signed webhook older than this is refused (replays)
log = logging.getLogger(__name__)

STATUSES = {
    "succeeded": gateway.SUCCEEDED,
    "processing": gateway.PROCESSING,
    "requires_capture": gateway.PROCESSING,
    "requires_action": gateway.REQUIRES_ACTION,
    "requires_confirmation": gateway.REQUIRES_ACTION,
    "canceled": gateway.FAILED,
}
EVENT_KINDS = {
    "payment_intent.succeeded": gateway.PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": gateway.PAYMENT_FAILED,
    "charge.refunded": gateway.REFUNDED,
}
DECLINES = {
    "card_declined": _l("Your card was declined. Try another card, or pay at the property office."),
    "insufficient_funds": _l("The card has insufficient funds. Try another card, or pay at the "
                             "property office."),
    "expired_card": _l("The card has expired. Try another card."),
    "incorrect_cvc": _l("The card's security code is incorrect."),
    "processing_error": _l("The card could not be processed. Please try again."),
    "payment_intent_authentication_failure": _l(
        "The card's verification (3-D Secure) failed. Try again or use another card."),
}
DECLINED = _l("The payment was declined. Try another card, or pay at the property office.")
REFUSED = _l("This card could not be used. Try another card, or pay at the property office.")
UNREACHABLE = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError,
               stripe.AuthenticationError, stripe.PermissionError)


def charge_id(latest_charge):
    """`latest_charge` is an id (Stripe since 2022-11-15) or an expanded Charge (localstripe)."""
    if isinstance(latest_charge, dict):
        return latest_charge.get("id")
    return latest_charge or None


def decline_message(code):
    return str(DECLINES.get(code or "", DECLINED))


def _status(intent):
    status = intent.get("status")
    if status == "requires_payment_method":
        # After a failed try the payer must start again; before any, the client confirms.
        return gateway.FAILED if intent.get("last_payment_error") else gateway.REQUIRES_ACTION
    return STATUSES.get(status, gateway.PROCESSING)


def intent_from(obj):
    """A gateway.Intent from a PaymentIntent as a plain dict (API answer or event snapshot)."""
    error = obj.get("last_payment_error") or {}
    status = _status(obj)
    return gateway.Intent(
        provider_ref=obj.get("id"), status=status, amount_fen=int(obj.get("amount") or 0),
        currency=(obj.get("currency") or "").upper(), metadata=dict(obj.get("metadata") or {}),
        client_secret=obj.get("client_secret"), charge_ref=charge_id(obj.get("latest_charge")),
        failure_message=decline_message(error.get("decline_code") or error.get("code"))
        if status == gateway.FAILED else None)


def refund_from(obj):
    """A gateway.RefundState from a Charge (charge.refunded): the running total refunded."""
    refunds = (obj.get("refunds") or {}).get("data") or []
    payment_ref = obj.get("payment_intent")
    return gateway.RefundState(
        payment_ref=payment_ref.get("id") if isinstance(payment_ref, dict) else payment_ref,
        charge_ref=obj.get("id"), amount_refunded_fen=int(obj.get("amount_refunded") or 0),
        currency=(obj.get("currency") or "").upper(),
        refund_ref=refunds[0].get("id") if refunds else None,
        metadata=dict(obj.get("metadata") or {}))


class StripeGateway:
    name = NAME

    def __init__(self, secret_key, webhook_secret, api_base, max_network_retries, timeout):
        self.client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout))
        self.webhook_secret = webhook_secret

    def create_and_confirm(self, *, amount_fen, currency, payment_method, metadata,
                           idempotency_key):
        params = {"amount": amount_fen, "currency": currency.lower(),
                  "payment_method_types": ["card"],
                  "metadata": {key: str(value) for key, value in metadata.items()}}
        if payment_method:
            params.update(payment_method=payment_method, confirm=True)
        try:
            intent = self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key})
        except stripe.CardError as error:
            return self._declined(error)
        except UNREACHABLE as error:
            log.warning("Stripe unreachable creating %s: %s", idempotency_key, error)
            raise gateway.Unreachable(str(error)) from error
        except stripe.StripeError as error:  # a bad payment method id, a reused key, ...
            log.warning("Stripe refused %s: %s", idempotency_key, error)
            return gateway.Intent(provider_ref=None, status=gateway.FAILED,
                                  failure_message=str(REFUSED))
        return intent_from(intent.to_dict())

    def _declined(self, error):
        body = error.json_body.get("error", {}) if isinstance(error.json_body, dict) else {}
        intent = body.get("payment_intent") or {}
        return gateway.Intent(
            provider_ref=intent.get("id") if isinstance(intent, dict) else intent,
            status=gateway.FAILED,
            failure_message=decline_message(body.get("decline_code") or error.code))

    def retrieve(self, provider_ref):
        try:
            return intent_from(self.client.v1.payment_intents.retrieve(provider_ref).to_dict())
        except stripe.StripeError as error:
            raise gateway.Unreachable(str(error)) from error

    def refund(self, provider_ref, amount_fen, idempotency_key):
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": provider_ref, "amount": amount_fen},
                options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise gateway.Unreachable(str(error)) from error
        return refund.id

    def parse_event(self, body, signature_header):
        try:
            stripe.WebhookSignature.verify_header(body, signature_header, self.webhook_secret,
                                                  TOLERANCE_SECONDS)
            payload = json.loads(body)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise gateway.BadSignature(str(error)) from error
        if not (isinstance(payload, dict) and isinstance(payload.get("id"), str)
                and isinstance(payload.get("type"), str)):
            raise gateway.BadSignature("not an event")
        obj = (payload.get("data") or {}).get("object")
        if isinstance(obj, dict):
            obj.pop("client_secret", None)  # the inbox keeps no secret the payer's page had
        return self.event_from_payload(payload)

    def event_from_payload(self, payload):
        kind = EVENT_KINDS.get(payload["type"], gateway.OTHER)
        obj = (payload.get("data") or {}).get("object") or {}
        return gateway.Event(
            provider=NAME, event_id=payload["id"], type=payload["type"], kind=kind,
            payload=payload,
            intent=intent_from(obj) if kind in (gateway.PAYMENT_SUCCEEDED,
                                                gateway.PAYMENT_FAILED) else None,
            refund=refund_from(obj) if kind == gateway.REFUNDED else None)


_ADAPTERS = {}


def from_config(config):
    """The adapter for these settings (one client per distinct configuration), or None."""
    if not config.get("STRIPE_SECRET_KEY"):
        return None
    settings = (config["STRIPE_SECRET_KEY"], config.get("STRIPE_WEBHOOK_SECRET") or "",
                config.get("STRIPE_API_BASE") or "",
                int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
                float(config.get("STRIPE_TIMEOUT_SECONDS", 30)))
    if settings not in _ADAPTERS:
        _ADAPTERS[settings] = StripeGateway(*settings)
    return _ADAPTERS[settings]


gateway.register(NAME, from_config)
