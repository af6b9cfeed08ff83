"""Billing pages (fees)."""
from propmgmt.billing.views import bp  # noqa: F401
