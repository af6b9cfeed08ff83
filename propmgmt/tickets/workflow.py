"""The ticket state machine: which action moves which status, and who may take it."""
from propmgmt import roles
from propmgmt.tickets import routing
from propmgmt.tickets import vocab as v

HANDLER = "handler"          # acts for the organization now handling the ticket
ASSIGNEE = "assignee"        # the technician or member it is assigned to
REPORTER = "reporter"        # the resident who filed it
OVERSIGHT = "oversight"      # committees and the party secretary of the community

# action -> (statuses it may start from, status it leads to (None: unchanged), who may take it)
TRANSITIONS = {
    "accept": ((v.SUBMITTED, v.REOPENED), v.ACCEPTED, (HANDLER,)),
    "assign": ((v.SUBMITTED, v.ACCEPTED, v.ASSIGNED, v.IN_PROGRESS, v.REOPENED), v.ASSIGNED,
               (HANDLER,)),
    "start": ((v.ACCEPTED, v.ASSIGNED), v.IN_PROGRESS, (HANDLER, ASSIGNEE)),
    "resolve": ((v.ACCEPTED, v.ASSIGNED, v.IN_PROGRESS), v.RESOLVED, (HANDLER, ASSIGNEE)),
    "confirm": ((v.RESOLVED,), v.CLOSED, (REPORTER,)),
    "reopen": ((v.RESOLVED,), v.REOPENED, (REPORTER,)),
    "escalate": (v.OPEN_STATUSES, None, (HANDLER, OVERSIGHT)),
    "close": ((v.SUBMITTED, v.ACCEPTED, v.ASSIGNED, v.IN_PROGRESS, v.REOPENED, v.RESOLVED),
              v.CLOSED, (HANDLER, OVERSIGHT)),
}
NOTE_REQUIRED = {"resolve", "escalate", "close", "reopen"}
OVERSIGHT_ROLES = (roles.OWNERS_COMMITTEE, roles.RESIDENTS_COMMITTEE, roles.PARTY_SECRETARY)


def capacities(user, ticket):
    """The capacities in which `user` stands toward `ticket`."""
    held = user.roles_in(ticket.community_id)
    found = set()
    if held & set(routing.handler_roles(ticket.handler_kind)) or user.is_admin:
        found.add(HANDLER)
    if ticket.assignee_id is not None and ticket.assignee_id == user.id:
        found.add(ASSIGNEE)
    if ticket.reporter_id is not None and ticket.reporter_id == user.id:
        found.add(REPORTER)
    if held & set(OVERSIGHT_ROLES):
        found.add(OVERSIGHT)
    return found


def may(user, action, ticket):
    """Whether `user` may take `action` on `ticket` in its current status."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        return False
    sources, _target, who = rule
    if action == "escalate" and not can_go_higher(ticket):
        return False  # no button that can only answer "already at the last level"
    return ticket.status in sources and bool(capacities(user, ticket) & set(who))


def can_go_higher(ticket):
    return routing.next_handler(ticket.mode, ticket.handler_kind) != ticket.handler_kind


def may_by_role(user, action, ticket):
    """Whether the user's role allows `action` at all (whatever the status)."""
    rule = TRANSITIONS.get(action)
    return rule is not None and bool(capacities(user, ticket) & set(rule[2]))


def available(user, ticket):
    """The actions `user` may take now, in display order."""
    return [a for a in TRANSITIONS if may(user, a, ticket)]


def may_rate(user, ticket):
    return (ticket.reporter_id == user.id and ticket.status in (v.RESOLVED, v.CLOSED)
            and ticket.rating is None)
