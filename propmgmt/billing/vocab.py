"""Billing vocabulary with translated labels."""
from flask_babel import lazy_gettext as _l

BILL_STATUSES = {"open": _l("Unpaid"), "partially_paid": _l("Partly paid"), "paid": _l("Paid"),
                 "void": _l("Void")}
BASES = {"per_m2": _l("per m² per month"), "per_dwelling": _l("per dwelling per month"),
         "per_space": _l("per parking space per month")}
CYCLES = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly"), "yearly": _l("Yearly")}
PRICE_FORMS = {"guided": _l("Government-guided price"), "market": _l("Market price")}
FEE_KINDS = {"service": _l("Property service fee"), "parking": _l("Parking"),
             "pass_through": _l("Pass-through (utilities)"), "other": _l("Other")}
METHODS = {"cash": _l("Cash"), "bank_transfer": _l("Bank transfer"), "online": _l("Online")}
PAYMENT_STATUSES = {"pending": _l("Pending"), "succeeded": _l("Received"), "failed": _l("Failed")}
ARREARS_ACTIONS = {"reminder": _l("Reminder"), "mediation": _l("Mediation by the residents' "
                                                               "committee"),
                   "lawsuit": _l("Referral to a lawsuit or arbitration")}
