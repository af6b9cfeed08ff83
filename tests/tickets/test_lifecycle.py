"""A repair ticket's whole life, and the rules of the workflow."""
import datetime as dt

import pytest

from propmgmt.communities import modes
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.notifications.models import Notification
from propmgmt.tickets import escalation
from propmgmt.tickets import queries
from propmgmt.tickets import services
from propmgmt.tickets.models import TicketBreach
from propmgmt.db import db
from propmgmt.db import utcnow
from tests.tickets.conftest import make_cast


def test_repair_from_filing_to_rating(cast):
    ticket = cast.file()
    assert ticket.status == "submitted" and ticket.handler_kind == modes.COMPANY
    services.transition(ticket=ticket, action="accept", actor=cast.manager)
    services.transition(ticket=ticket, action="assign", actor=cast.manager,
                        assignee_id=cast.technician.id)
    services.transition(ticket=ticket, action="start", actor=cast.technician)
    services.transition(ticket=ticket, action="resolve", actor=cast.technician,
                        note="Replaced the seal.")
    services.transition(ticket=ticket, action="confirm", actor=cast.resident)
    services.rate(ticket=ticket, actor=cast.resident, score=5, comment="Quick and tidy")
    assert ticket.status == "closed" and ticket.rating == 5
    actions = [e.action for e in queries.timeline(ticket)]
    assert actions == ["submit", "accept", "assign", "start", "resolve", "confirm", "rate"]
    kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=cast.resident.id)]
    assert kinds.count("ticket.status") == 4  # not for the confirm the resident did themselves


def test_wrong_role_is_403_and_wrong_status_is_409(cast):
    ticket = cast.file()
    with pytest.raises(NotAllowed):
        services.transition(ticket=ticket, action="accept", actor=cast.resident)
    with pytest.raises(Conflict):
        services.transition(ticket=ticket, action="resolve", actor=cast.manager, note="x")
    with pytest.raises(Invalid):
        services.transition(ticket=ticket, action="escalate", actor=cast.manager)


@pytest.mark.parametrize("mode, first", [
    (modes.PROFESSIONAL, modes.COMPANY), (modes.QUASI, modes.RESIDENTS),
    (modes.COORDINATED, modes.RESIDENTS), (modes.SELF_GOVERNED, modes.OWNERS)])
def test_routing_by_mode(mode, first):
    assert make_cast(mode).file().handler_kind == first


def test_complaint_about_the_company_goes_to_the_residents_committee(cast):
    ticket = cast.file(kind="complaint", category="service", title="Dirty stairs",
                       description="Not cleaned for two weeks", dwelling_id=None)
    assert ticket.handler_kind == modes.RESIDENTS


def test_overdue_ticket_escalates_once(cast):
    ticket = cast.file(priority="urgent", category="water")
    later = utcnow() + dt.timedelta(minutes=31)
    assert escalation.escalate_overdue(now=later) == 1
    assert escalation.escalate_overdue(now=later) == 0
    db.session.refresh(ticket)
    assert ticket.handler_kind == modes.RESIDENTS and ticket.escalations == 1
    assert db.session.query(TicketBreach).count() == 1
    notified = {n.user_id for n in db.session.query(Notification).filter_by(
        kind="ticket.escalated")}
    assert notified == {cast.residents_committee.id}
