"""Online payment providers behind one small interface, so bills and the ledger never name one.

An adapter turns a provider's API into the four calls below and its statuses into the four
statuses here; amounts are integer fen. Stripe is the first adapter (stripe_gateway.py). A
mainland deployment adds WeChat Pay, Alipay or UnionPay with another module that calls
`register(...)`: propmgmt.billing.online, the bills and the ledger stay as they are.
"""
import dataclasses
from typing import Callable
from typing import Optional
from typing import Protocol

from flask import current_app

SUCCEEDED = "succeeded"
REQUIRES_ACTION = "requires_action"  # the payer must act: 3-D Secure, or confirm on the client
PROCESSING = "processing"
FAILED = "failed"

# What an event means to us, whatever the provider calls it.
PAYMENT_SUCCEEDED = "payment_succeeded"
PAYMENT_FAILED = "payment_failed"
REFUNDED = "refunded"
OTHER = "other"


class Unreachable(Exception):
    """The provider did not answer (network, outage, bad keys): the outcome is unknown."""


class BadSignature(Exception):
    """A webhook whose signature is missing, wrong or too old."""


@dataclasses.dataclass(frozen=True)
class Intent:
    """A payment at the provider, as it stands (or as an event saw it)."""

    provider_ref: Optional[str]
    status: str
    amount_fen: int = 0
    currency: str = ""
    metadata: dict = dataclasses.field(default_factory=dict)
    client_secret: Optional[str] = None
    failure_message: Optional[str] = None
    charge_ref: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class RefundState:
    """Money returned on a payment so far: the provider's running total (events may come twice)."""

    payment_ref: Optional[str]
    charge_ref: Optional[str]
    amount_refunded_fen: int
    currency: str = ""
    refund_ref: Optional[str] = None
    metadata: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Event:
    """A verified provider event: its id (unique per provider), its own type and what it means."""

    provider: str
    event_id: str
    type: str
    kind: str
    payload: dict
    intent: Optional[Intent] = None
    refund: Optional[RefundState] = None


class Gateway(Protocol):
    name: str

    def create_and_confirm(self, *, amount_fen, currency, payment_method, metadata,
                           idempotency_key) -> Intent:
        """Create the payment and confirm it with `payment_method` (None: the client confirms).
        A decline is an Intent with status FAILED; no answer raises Unreachable."""

    def retrieve(self, provider_ref) -> Intent:
        """The payment as it stands now."""

    def refund(self, provider_ref, amount_fen, idempotency_key) -> str:
        """Return `amount_fen` of a payment; the provider's refund id."""

    def parse_event(self, body, signature_header) -> Event:
        """Verify a webhook body's signature (else BadSignature) and read it."""

    def event_from_payload(self, payload) -> Event:
        """Read an event stored earlier (already verified)."""


_FACTORIES: dict = {}


def register(name, factory: Callable[[dict], Optional[Gateway]]):
    """Make a provider available: `factory(config)` returns an adapter, or None when unconfigured."""
    _FACTORIES[name] = factory


def get(name="stripe") -> Optional[Gateway]:
    """The configured adapter called `name` for this app, or None (offline payment only)."""
    _load_adapters()
    factory = _FACTORIES.get(name)
    return factory(current_app.config) if factory else None


def _load_adapters():
    from propmgmt.billing import stripe_gateway  # noqa: F401,PLC0415 (registers itself)
