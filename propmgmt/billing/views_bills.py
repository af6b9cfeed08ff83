"""Billing pages (bills)."""
from propmgmt.billing.views import bp  # noqa: F401
