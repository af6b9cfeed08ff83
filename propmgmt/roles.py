"""Role vocabulary (shared/API.md) with translated labels."""
from flask_babel import lazy_gettext as _l

RESIDENT = "resident"
PROPERTY_MANAGER = "property_manager"
PROPERTY_STAFF = "property_staff"
TECHNICIAN = "technician"
OWNERS_COMMITTEE = "owners_committee"
RESIDENTS_COMMITTEE = "residents_committee"
PARTY_SECRETARY = "party_secretary"
DISTRICT_SUPERVISOR = "district_supervisor"
ADMIN = "admin"

LABELS = {
    RESIDENT: _l("Resident"),
    PROPERTY_MANAGER: _l("Property manager"),
    PROPERTY_STAFF: _l("Property staff"),
    TECHNICIAN: _l("Technician"),
    OWNERS_COMMITTEE: _l("Owners' committee"),
    RESIDENTS_COMMITTEE: _l("Residents' committee"),
    PARTY_SECRETARY: _l("Party secretary"),
    DISTRICT_SUPERVISOR: _l("District supervisor"),
    ADMIN: _l("Administrator"),
}

ALL = tuple(LABELS)
COMMUNITY_ROLES = tuple(r for r in ALL if r != ADMIN)
STAFF = (PROPERTY_MANAGER, PROPERTY_STAFF, TECHNICIAN)
COMMITTEES = (OWNERS_COMMITTEE, RESIDENTS_COMMITTEE, PARTY_SECRETARY)
OVERSIGHT = (DISTRICT_SUPERVISOR,)

OCCUPANCY_KINDS = {
    "owner": _l("Owner"),
    "tenant": _l("Tenant"),
    "family": _l("Family member"),
}

# The roles through which a user acts for each of the four organizations.
ORG_ROLES = {
    "property_company": (PROPERTY_MANAGER, PROPERTY_STAFF),
    "residents_committee": (RESIDENTS_COMMITTEE,),
    "owners_committee": (OWNERS_COMMITTEE,),
    "party_organization": (PARTY_SECRETARY,),
}

DWELLING_STATUSES = {
    "occupied": _l("Occupied"),
    "vacant": _l("Vacant"),
    "undelivered": _l("Not yet delivered (unsold)"),
}

# Where a dwelling's area comes from, by precedence (DOMAIN rule 9).
AREA_SOURCES = {
    "register": _l("real-estate register"),
    "surveyed": _l("surveyed"),
    "contract": _l("sales contract"),
}
