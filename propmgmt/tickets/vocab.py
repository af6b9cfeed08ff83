"""Ticket vocabulary (shared/API.md): kinds, categories, priorities, statuses, channels."""
from flask_babel import lazy_gettext as _l

REPAIR = "repair"
COMPLAINT = "complaint"
KINDS = {REPAIR: _l("Repair"), COMPLAINT: _l("Complaint")}

REPAIR_CATEGORIES = {
    "water": _l("Water leak or supply"),
    "power": _l("Power"),
    "gas": _l("Gas"),
    "stairwell": _l("Stairwell"),
    "roof": _l("Roof"),
    "pipes": _l("Pipes"),
    "lighting": _l("Lighting"),
    "elevator": _l("Elevator"),
    "road": _l("Road"),
    "greenery": _l("Greenery"),
    "drainage": _l("Drainage"),
    "door": _l("Security door"),
    "fire_safety": _l("Fire safety"),
    "other": _l("Other"),
}
COMPLAINT_CATEGORIES = {
    "service": _l("The service of whoever manages the community"),
    "neighbor": _l("A neighbour (noise and the like)"),
    "illegal_construction": _l("Illegal construction"),
    "clutter": _l("Clutter in corridors"),
    "parking": _l("Parking"),
    "organization": _l("An organization"),
    "other": _l("Other"),
}
CATEGORIES = {REPAIR: REPAIR_CATEGORIES, COMPLAINT: COMPLAINT_CATEGORIES}

URGENT = "urgent"
NORMAL = "normal"
PRIORITIES = {URGENT: _l("Urgent"), NORMAL: _l("Normal")}

SUBMITTED = "submitted"
ACCEPTED = "accepted"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
CLOSED = "closed"
REOPENED = "reopened"
STATUSES = {
    SUBMITTED: _l("Submitted"),
    ACCEPTED: _l("Accepted"),
    ASSIGNED: _l("Assigned"),
    IN_PROGRESS: _l("In progress"),
    RESOLVED: _l("Resolved"),
    CLOSED: _l("Closed"),
    REOPENED: _l("Reopened"),
}
OPEN_STATUSES = (SUBMITTED, ACCEPTED, ASSIGNED, IN_PROGRESS, REOPENED)
AWAITING_RESPONSE = (SUBMITTED,)

CHANNELS = {
    "app": _l("Mobile app"),
    "web": _l("Website"),
    "phone": _l("Phone call"),
    "walk_in": _l("Walk-in"),
    "hotline_12345": _l("12345 hotline"),
    "inspection": _l("Inspection"),
}
STAFF_CHANNELS = ("phone", "walk_in", "hotline_12345")

ACTIONS = {
    "submit": _l("Submitted"),
    "accept": _l("Accept"),
    "assign": _l("Assign"),
    "start": _l("Start work"),
    "resolve": _l("Resolve"),
    "confirm": _l("Confirm the fix"),
    "reopen": _l("Reopen"),
    "escalate": _l("Escalate"),
    "close": _l("Close"),
    "rate": _l("Rated"),
    "overdue_escalation": _l("Escalated automatically (deadline missed)"),
}
