"""Billing pages. The blueprint is shared by the view modules below, one per audience."""
from flask import Blueprint

bp = Blueprint("billing", __name__)

from propmgmt.billing import views_bills  # noqa: E402,F401  (residents: bills, paying online)
from propmgmt.billing import views_fees  # noqa: E402,F401  (fee items, rates, settings, the run)
from propmgmt.billing import views_staff  # noqa: E402,F401  (payments, refunds, arrears, receipts)
