"""Billing records: fee items and rates, bills, payments and their allocations, refunds,
adjustments, the ledger, provider events."""
from propmgmt.billing.models.bills import Bill  # noqa: F401
from propmgmt.billing.models.bills import BillAdjustment  # noqa: F401
from propmgmt.billing.models.bills import BillingSettings  # noqa: F401
from propmgmt.billing.models.bills import Reminder  # noqa: F401
from propmgmt.billing.models.fees import FeeItem  # noqa: F401
from propmgmt.billing.models.fees import FeeRate  # noqa: F401
from propmgmt.billing.models.fees import ParkingSpace  # noqa: F401
from propmgmt.billing.models.payments import Allocation  # noqa: F401
from propmgmt.billing.models.payments import LedgerEntry  # noqa: F401
from propmgmt.billing.models.payments import Payment  # noqa: F401
from propmgmt.billing.models.payments import ProviderEvent  # noqa: F401
from propmgmt.billing.models.payments import Refund  # noqa: F401
