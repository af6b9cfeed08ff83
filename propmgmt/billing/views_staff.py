"""Billing pages (staff)."""
from propmgmt.billing.views import bp  # noqa: F401
