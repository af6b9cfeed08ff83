"""Who handles a ticket: the first handler by mode, and the next level on escalation."""
from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.tickets import vocab

HANDLER_ROLES = roles.ORG_ROLES

# Whoever oversees an organization hears complaints about it.
OVERSEER = {
    modes.COMPANY: modes.RESIDENTS,
    modes.OWNERS: modes.RESIDENTS,
    modes.RESIDENTS: modes.PARTY,
    modes.PARTY: modes.PARTY,
}


def complaint_target(mode, category, about_org):
    """The organization a complaint is about, if it is about one."""
    if category == "organization":
        return about_org
    if category == "service":
        return modes.FEE_COLLECTOR[mode]
    return None


def first_handler(mode, kind, category, about_org=None):
    """The organization that sees a new ticket first (rule 38: never the one complained about)."""
    if kind == vocab.COMPLAINT:
        target = complaint_target(mode, category, about_org)
        if target is not None:
            return OVERSEER[target]
    return modes.FIRST_HANDLER[mode]


def next_handler(mode, current):
    """One level up the mode's escalation path, ending at the party organization."""
    path = modes.ESCALATION_PATH[mode]
    if current in path:
        position = path.index(current)
        return path[min(position + 1, len(path) - 1)]
    return OVERSEER.get(current, modes.PARTY)


def handler_roles(org_kind):
    return HANDLER_ROLES.get(org_kind, ())
