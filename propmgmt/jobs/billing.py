"""Billing jobs: the monthly run (idempotent: a second run creates nothing)."""
import datetime as dt

from propmgmt.billing import online
from propmgmt.billing import run


def monthly_run():
    """Bill the current month for every community."""
    period = dt.date.today().strftime("%Y-%m")
    result = run.run_billing(period=period)
    return f"billed {period}: {result.created} new lines, {result.skipped} existed"


def reconcile():
    """Settle online payments whose webhook never came (idempotent: events apply once)."""
    return online.reconcile(older_than_minutes=10).summary()
