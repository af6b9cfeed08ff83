"""API for tickets: filing repairs and complaints, the queue, the timeline, actions, ratings."""
from flask_login import current_user

from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.tickets import RatingRequestSchema
from propmgmt.api.schemas.tickets import TicketCreateSchema
from propmgmt.api.schemas.tickets import TicketDetailSchema
from propmgmt.api.schemas.tickets import TicketPageSchema
from propmgmt.api.schemas.tickets import TicketQuerySchema
from propmgmt.api.schemas.tickets import TransitionRequestSchema
from propmgmt.communities import modes
from propmgmt.communities import queries as community_queries
from propmgmt.communities.models import Community
from propmgmt.db import utcnow
from propmgmt.pagination import paginate
from propmgmt.tickets import queries
from propmgmt.tickets import services
from propmgmt.tickets import workflow
from propmgmt.tickets.intake import TicketInput
from propmgmt.web import actor as _actor

bp = Blueprint("api_tickets", __name__, url_prefix="/api/v1",
               description="Repair tickets and complaints: filing, queues, actions, ratings.")

COMMUNITY_TICKETS = f"/communities/<{ID_CONVERTER}:cid>/tickets"
TICKET = f"/tickets/<{ID_CONVERTER}:tid>"



def _community(cid):
    """The community if the caller may see it (else 404)."""
    community = scoping.get_authorized_or_404(Community, cid, current_user, "community.view")
    return community


def _ticket(tid):
    """The ticket and its community, when the caller may see the ticket (else 404)."""
    ticket = queries.get_visible_or_404(tid, current_user)
    return ticket, ticket.community


def _handler_names(community):
    """{organization kind: name} of a community; a missing organization gets its kind's label."""
    names = {kind: str(label) for kind, label in modes.ORG_LABELS.items()}
    names.update({o.kind: o.name for o in community_queries.organizations(community)})
    return names


def _row(ticket, names, now):
    return {
        "id": ticket.id, "kind": ticket.kind, "category": ticket.category,
        "priority": ticket.priority, "status": ticket.status, "title": ticket.title,
        "handler": {"kind": ticket.handler_kind,
                    "name": names.get(ticket.handler_kind, ticket.handler_kind)},
        "dwelling": ticket.dwelling.label if ticket.dwelling is not None else None,
        "location": ticket.location, "created_at": ticket.created_at,
        "due_at": ticket.current_due_at(), "overdue": ticket.is_overdue(now),
        "assignee_id": ticket.assignee_id, "rating": ticket.rating,
    }


def _event(event):
    actor = event.actor.display_name if event.actor is not None else None
    return {"at": event.at, "actor": actor, "action": event.action, "note": event.note}


def _detail(ticket, community):
    user = _actor()
    reporter = ticket.reporter.display_name if ticket.reporter is not None else None
    return {
        **_row(ticket, _handler_names(community), utcnow()),
        "description": ticket.description, "about_org": ticket.about_org,
        "reporter": reporter or ticket.reporter_name, "channel": ticket.channel,
        "rating_comment": ticket.rating_comment,
        "photo_count": len(queries.photos(ticket)),
        "events": [_event(e) for e in queries.timeline(ticket)],
        "available_actions": workflow.available(user, ticket),
        "can_rate": workflow.may_rate(user, ticket),
    }


@bp.post(COMMUNITY_TICKETS)
@bp.token_required
@bp.arguments(TicketCreateSchema)
@bp.response(201, TicketDetailSchema)
@bp.errors(400, 403, 404, 422)
def create(body, cid):
    """File a repair ticket or a complaint; it goes to the first handler of the community's mode.

    Residents file for their own dwellings or a common area (`location`); staff and committees
    may file on someone's behalf with `channel`, `reporter_name`, `reporter_phone`, `external_ref`.
    """
    community = _community(cid)
    ticket = services.open_ticket(community=community, actor=_actor(), data=TicketInput(**body))
    return _detail(ticket, community)


@bp.get(COMMUNITY_TICKETS)
@bp.token_required
@bp.arguments(TicketQuerySchema, location="query", as_kwargs=True)
@bp.response(200, TicketPageSchema)
@bp.errors(403, 404, 422)
def index(cid, page, per_page, overdue, mine, **filters):
    """A community's tickets the caller may see, open ones first, most urgent first.

    Residents and technicians get the tickets they filed, are assigned or concern their dwellings.
    """
    community = _community(cid)
    stmt = queries.queue_stmt(community, current_user,
                              queries.Filters(overdue=overdue, mine=mine, **filters))
    result = paginate(stmt, page, per_page)
    names, now = _handler_names(community), utcnow()
    result.items = [_row(ticket, names, now) for ticket in result.items]
    return result


@bp.get(TICKET)
@bp.token_required
@bp.response(200, TicketDetailSchema)
@bp.errors(404)
def detail(tid):
    """One ticket with its timeline and the actions the caller may take now."""
    return _detail(*_ticket(tid))


@bp.post(f"{TICKET}/transitions")
@bp.token_required
@bp.arguments(TransitionRequestSchema)
@bp.response(200, TicketDetailSchema)
@bp.errors(400, 403, 404, 409, 422)
def transition(body, tid):
    """Take one workflow action; 403 when the caller's role never may, 409 when the status forbids it.

    `assign` needs `assignee_id`; resolve, reopen, escalate and close need a `note`.
    """
    ticket, community = _ticket(tid)
    services.transition(ticket=ticket, actor=_actor(), **body)
    return _detail(ticket, community)


@bp.post(f"{TICKET}/rating")
@bp.token_required
@bp.arguments(RatingRequestSchema)
@bp.response(201, TicketDetailSchema)
@bp.errors(400, 403, 404, 409, 422)
def rate(body, tid):
    """The reporter's 1-5 rating once the ticket is resolved; given once (a second one is 409)."""
    ticket, community = _ticket(tid)
    services.rate(ticket=ticket, actor=_actor(), **body)
    return _detail(ticket, community)
