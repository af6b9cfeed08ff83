"""The four management modes (一区一策) and what each decides (DESIGN.md)."""
from flask_babel import lazy_gettext as _l

PROFESSIONAL = "professional"
QUASI = "quasi"
COORDINATED = "coordinated"
SELF_GOVERNED = "self_governed"

LABELS = {
    PROFESSIONAL: _l("Professional property management"),
    QUASI: _l("Security and cleaning quasi-management"),
    COORDINATED: _l("Community-coordinated management"),
    SELF_GOVERNED: _l("Owner self-governance"),
}
ALL = tuple(LABELS)

PARTY = "party_organization"
RESIDENTS = "residents_committee"
OWNERS = "owners_committee"
COMPANY = "property_company"

ORG_LABELS = {
    PARTY: _l("Community party organization"),
    RESIDENTS: _l("Residents' committee"),
    OWNERS: _l("Owners' committee"),
    COMPANY: _l("Property company"),
}
ORG_KINDS = tuple(ORG_LABELS)

FIRST_HANDLER = {
    PROFESSIONAL: COMPANY,
    QUASI: RESIDENTS,
    COORDINATED: RESIDENTS,
    SELF_GOVERNED: OWNERS,
}

ESCALATION_PATH = {
    PROFESSIONAL: (COMPANY, RESIDENTS, PARTY),
    QUASI: (RESIDENTS, PARTY),
    COORDINATED: (RESIDENTS, PARTY),
    SELF_GOVERNED: (OWNERS, RESIDENTS, PARTY),
}

FEE_COLLECTOR = {
    PROFESSIONAL: COMPANY,
    QUASI: COMPANY,
    COORDINATED: RESIDENTS,
    SELF_GOVERNED: OWNERS,
}
