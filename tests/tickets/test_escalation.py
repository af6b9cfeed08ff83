"""The escalation job: one level up the mode's path per missed deadline, each breach once.

Time is simulated by passing `now=` to escalate_overdue; deadlines are the defaults for a normal
repair (respond within a day, resolve within three).
"""
import datetime as dt

import pytest
import sqlalchemy as sa

from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.notifications.models import Notification
from propmgmt.notifications.models import OutboxMessage
from propmgmt.tickets import escalation
from propmgmt.tickets import queries
from propmgmt.tickets import services
from propmgmt.tickets import workflow
from propmgmt.tickets.models import TicketBreach
from propmgmt.tickets.models import TicketEvent
from tests.tickets.conftest import make_cast

MINUTE = dt.timedelta(minutes=1)
ACTS_FOR = {modes.COMPANY: "manager", modes.RESIDENTS: "residents_committee",
            modes.OWNERS: "owners_committee", modes.PARTY: "secretary"}

@pytest.fixture
def flask(app):
    """Run `flask ARGS...` and return click's result."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def escalate(now):
    return escalation.escalate_overdue(now=now)


def handler(cast, ticket):
    """The cast member acting for the organization now handling `ticket`."""
    return getattr(cast, ACTS_FOR[ticket.handler_kind])


def breaches(ticket):
    return list(db.session.scalars(sa.select(TicketBreach).where(
        TicketBreach.ticket_id == ticket.id).order_by(TicketBreach.id)))


def actions(ticket):
    return [event.action for event in queries.timeline(ticket)]


def escalated_notes(**where):
    return list(db.session.scalars(sa.select(Notification).filter_by(kind="ticket.escalated",
                                                                     **where)))


def miss_response_then_resolution(cast, ticket):
    """Miss the response deadline, accept, miss the resolution deadline; the handlers seen."""
    seen = [ticket.handler_kind]
    assert escalate(ticket.response_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    seen.append(ticket.handler_kind)
    services.transition(ticket=ticket, action="accept", actor=handler(cast, ticket))
    assert escalate(ticket.resolution_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    seen.append(ticket.handler_kind)
    return seen


@pytest.mark.parametrize("mode", modes.ALL)
def test_each_missed_deadline_moves_one_level_up_the_modes_path(mode):
    cast = make_cast(mode)
    ticket = cast.file()
    path = modes.ESCALATION_PATH[mode]
    seen = miss_response_then_resolution(cast, ticket)
    assert seen == [path[min(step, len(path) - 1)] for step in range(3)]
    assert seen[-1] == modes.PARTY and ticket.escalations == len(path) - 1
    assert [b.deadline for b in breaches(ticket)] == ["response", "resolution"]
    steps = [(b.from_handler, b.to_handler) for b in breaches(ticket)]
    assert steps == [(seen[0], seen[1]), (seen[1], seen[2])]


def test_expected_paths_per_mode():
    assert modes.ESCALATION_PATH == {
        modes.PROFESSIONAL: (modes.COMPANY, modes.RESIDENTS, modes.PARTY),
        modes.QUASI: (modes.RESIDENTS, modes.PARTY),
        modes.COORDINATED: (modes.RESIDENTS, modes.PARTY),
        modes.SELF_GOVERNED: (modes.OWNERS, modes.RESIDENTS, modes.PARTY),
    }


def test_not_yet_due_is_not_escalated():
    cast = make_cast()
    ticket = cast.file()
    assert escalate(ticket.response_due_at - MINUTE) == 0
    assert escalate(ticket.response_due_at) == 0  # due means "by then", late means after it
    db.session.refresh(ticket)
    assert ticket.handler_kind == modes.COMPANY and breaches(ticket) == []


def test_at_the_party_organization_the_breach_is_recorded_once_and_the_ticket_stays():
    cast = make_cast(modes.QUASI)
    ticket = cast.file()
    assert escalate(ticket.response_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    assert ticket.handler_kind == modes.PARTY
    services.transition(ticket=ticket, action="accept", actor=cast.secretary)
    late = ticket.resolution_due_at + MINUTE
    assert escalate(late) == 1
    assert escalate(late) == 0
    assert escalate(late + dt.timedelta(days=30)) == 0
    db.session.refresh(ticket)
    assert (ticket.handler_kind, ticket.escalations) == (modes.PARTY, 1)
    last = breaches(ticket)[-1]
    assert (last.deadline, last.from_handler, last.to_handler) == (
        "resolution", modes.PARTY, modes.PARTY)
    assert actions(ticket).count("overdue_escalation") == 2


def test_response_and_resolution_breaches_are_two_different_breaches():
    cast = make_cast()
    ticket = cast.file()
    assert escalate(ticket.response_due_at + MINUTE) == 1
    late = ticket.resolution_due_at + MINUTE  # still unanswered when the resolution time is gone
    assert escalate(late) == 1
    assert escalate(late) == 0
    db.session.refresh(ticket)
    assert (ticket.handler_kind, ticket.escalations) == (modes.PARTY, 2)
    found = breaches(ticket)
    assert [(b.deadline, b.due_at) for b in found] == [
        ("response", ticket.response_due_at), ("resolution", ticket.resolution_due_at)]


def test_accepted_late_ticket_still_breaches_its_resolution_deadline():
    cast = make_cast()
    ticket = cast.file()
    assert escalate(ticket.response_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    services.transition(ticket=ticket, action="accept", actor=cast.residents_committee)
    assert escalate(ticket.resolution_due_at - MINUTE) == 0
    assert escalate(ticket.resolution_due_at + MINUTE) == 1
    assert [b.deadline for b in breaches(ticket)] == ["response", "resolution"]


def test_running_twice_at_the_same_moment_escalates_once():
    cast = make_cast()
    ticket = cast.file()
    later = ticket.response_due_at + MINUTE
    assert [escalate(later), escalate(later)] == [1, 0]
    db.session.refresh(ticket)
    assert (ticket.handler_kind, ticket.escalations) == (modes.RESIDENTS, 1)
    assert actions(ticket) == ["submit", "overdue_escalation"]
    assert len(escalated_notes(ticket_id=ticket.id)) == 1


def test_the_new_level_is_notified_and_an_sms_is_queued():
    cast = make_cast()
    ticket = cast.file()
    escalate(ticket.response_due_at + MINUTE)
    notes = escalated_notes(ticket_id=ticket.id)
    assert [n.user_id for n in notes] == [cast.residents_committee.id]
    assert notes[0].params == {"ticket_id": ticket.id, "title": ticket.title,
                               "reason": "overdue_escalation"}
    outbox = list(db.session.scalars(sa.select(OutboxMessage).filter_by(kind="ticket.escalated")))
    assert [(o.user_id, o.community_id, o.channel, o.params["ticket_id"]) for o in outbox] == [
        (cast.residents_committee.id, cast.community.id, "sms", ticket.id)]


def test_the_timeline_gets_an_overdue_escalation_event():
    cast = make_cast(modes.SELF_GOVERNED)
    ticket = cast.file()
    later = ticket.response_due_at + MINUTE
    escalate(later)
    event = queries.timeline(ticket)[-1]
    assert (event.action, event.actor_id, event.handler_kind) == (
        "overdue_escalation", None, modes.RESIDENTS)
    assert (event.from_status, event.to_status, event.at) == ("submitted", "submitted", later)


def test_resolved_and_closed_tickets_are_never_escalated():
    cast = make_cast()
    resolved, closed = cast.file(), cast.file()
    services.transition(ticket=resolved, action="accept", actor=cast.manager)
    services.transition(ticket=resolved, action="resolve", actor=cast.manager, note="Fixed.")
    services.transition(ticket=closed, action="close", actor=cast.manager, note="Duplicate.")
    assert escalate(closed.resolution_due_at + dt.timedelta(days=365)) == 0
    for ticket in (resolved, closed):
        db.session.refresh(ticket)
        assert (ticket.handler_kind, ticket.escalations, breaches(ticket)) == (
            modes.COMPANY, 0, [])


def test_a_reopened_ticket_gets_a_new_resolution_deadline_and_can_breach_again():
    cast = make_cast()
    ticket = cast.file()
    services.transition(ticket=ticket, action="accept", actor=cast.manager)
    first_due = ticket.resolution_due_at
    assert escalate(first_due + MINUTE) == 1
    db.session.refresh(ticket)
    services.transition(ticket=ticket, action="resolve", actor=cast.residents_committee,
                        note="Sealed the joint.")
    services.transition(ticket=ticket, action="reopen", actor=cast.resident, note="Drips again.")
    assert ticket.status == "reopened" and ticket.resolution_due_at > first_due
    assert escalate(ticket.resolution_due_at - MINUTE) == 0
    assert escalate(ticket.resolution_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    assert (ticket.handler_kind, ticket.escalations) == (modes.PARTY, 2)
    assert [(b.deadline, b.due_at) for b in breaches(ticket)] == [
        ("resolution", first_due), ("resolution", ticket.resolution_due_at)]


def test_one_pass_handles_every_community_and_notifies_only_its_own_members():
    professional, self_governed = make_cast(modes.PROFESSIONAL), make_cast(modes.SELF_GOVERNED)
    first, second = professional.file(), self_governed.file()
    assert escalate(max(first.response_due_at, second.response_due_at) + MINUTE) == 2
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.handler_kind, second.handler_kind) == (modes.RESIDENTS, modes.RESIDENTS)
    notes = {(n.ticket_id, n.community_id, n.user_id) for n in escalated_notes()}
    assert notes == {(first.id, professional.community.id, professional.residents_committee.id),
                     (second.id, self_governed.community.id, self_governed.residents_committee.id)}


def test_one_community_only(cast):
    other = make_cast()
    mine, theirs = cast.file(), other.file()
    later = theirs.response_due_at + MINUTE
    assert escalation.escalate_overdue(now=later, community_id=cast.community.id) == 1
    assert [len(breaches(mine)), len(breaches(theirs))] == [1, 0]


def test_the_number_of_statements_does_not_grow_with_the_number_of_tickets(cast, count_queries):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    counts = []
    for how_many in (3, 30):
        for _ in range(how_many):
            cast.file()
        with count_queries() as counter:
            assert escalate(later) == how_many
        counts.append(counter.count)
    print(f"statements for 3 and 30 overdue tickets: {counts}")
    assert counts[0] == counts[1] <= 8


def test_a_committee_member_escalates_by_hand_with_a_reason(cast):
    ticket = cast.file()
    with pytest.raises(Invalid):
        services.transition(ticket=ticket, action="escalate", actor=cast.owners_committee)
    services.transition(ticket=ticket, action="escalate", actor=cast.owners_committee,
                        note="No answer for two days.")
    assert (ticket.handler_kind, ticket.escalations) == (modes.RESIDENTS, 1)
    event = queries.timeline(ticket)[-1]
    assert (event.action, event.actor_id, event.note) == (
        "escalate", cast.owners_committee.id, "No answer for two days.")
    notes = escalated_notes(ticket_id=ticket.id)
    assert [(n.user_id, n.params["reason"]) for n in notes] == [
        (cast.residents_committee.id, "escalate")]
    services.transition(ticket=ticket, action="escalate", actor=cast.residents_committee,
                        note="Needs the party secretary.")
    assert ticket.handler_kind == modes.PARTY
    # The last level: no escalate button for anyone, and a forced request says why.
    assert "escalate" not in workflow.available(cast.secretary, ticket)
    assert "escalate" not in workflow.available(cast.owners_committee, ticket)
    with pytest.raises(Conflict, match="last level"):
        services.transition(ticket=ticket, action="escalate", actor=cast.secretary, note="Again")


def test_a_resident_may_not_escalate(cast):
    ticket = cast.file()
    with pytest.raises(NotAllowed):
        services.transition(ticket=ticket, action="escalate", actor=cast.resident,
                            note="Please hurry.")
    db.session.refresh(ticket)
    assert ticket.handler_kind == modes.COMPANY
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "escalate")) == 0


def test_manual_then_automatic_escalation_keep_counting(cast):
    ticket = cast.file()
    services.transition(ticket=ticket, action="escalate", actor=cast.owners_committee,
                        note="Ignored.")
    assert escalate(ticket.response_due_at + MINUTE) == 1
    db.session.refresh(ticket)
    assert (ticket.handler_kind, ticket.escalations) == (modes.PARTY, 2)


def test_flask_tickets_escalate_accepts_now(flask, cast):
    ticket = cast.file()
    soon = flask("tickets", "escalate", "--now", ticket.response_due_at.isoformat())
    assert soon.exit_code == 0 and "Escalated 0 missed deadlines." in soon.output
    later = (ticket.response_due_at + dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    result = flask("tickets", "escalate", "--now", later)  # no offset: UTC
    assert result.exit_code == 0 and "Escalated 1 missed deadlines." in result.output
    bad = flask("tickets", "escalate", "--now", "yesterday")
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
