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

# "Who to turn to" (找谁办事): the matters a resident brings, each answered by one organization.
REPAIRS = "repairs"
COMPANY_COMPLAINTS = "company_complaints"
FEES = "fees"
OWNERS_VOTES = "owners_votes"
UNRESOLVED = "unresolved"

TOPIC_LABELS = {
    REPAIRS: _l("Repairs and requests"),
    COMPANY_COMPLAINTS: _l("Complaints about the property company"),
    FEES: _l("Service fees and payments"),
    OWNERS_VOTES: _l("Owners' votes"),
    UNRESOLVED: _l("Matters still unresolved"),
}


def contacts_for(mode):
    """Ordered (topic, organization kind) pairs: whom to turn to for what under `mode`.

    Repairs and requests go to the mode's first handler, fees to its fee collector, owners' votes
    to the owners' committee, and what stays unresolved to the end of its escalation path.
    A complaint about the property company goes to the residents' committee, never the company
    (DOMAIN rule 38); it is listed only under modes in which a company or provider serves.
    """
    if mode not in LABELS:
        raise ValueError(f"unknown management mode: {mode!r}")
    pairs = [(REPAIRS, FIRST_HANDLER[mode])]
    if COMPANY in (FIRST_HANDLER[mode], FEE_COLLECTOR[mode], *ESCALATION_PATH[mode]):
        pairs.append((COMPANY_COMPLAINTS, RESIDENTS))
    pairs += [(FEES, FEE_COLLECTOR[mode]), (OWNERS_VOTES, OWNERS),
              (UNRESOLVED, ESCALATION_PATH[mode][-1])]
    return tuple(pairs)
