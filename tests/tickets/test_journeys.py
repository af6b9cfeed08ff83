"""The whole life of a repair and a complaint, in each mode and both languages, through the pages."""
import datetime as dt

import pytest

from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.tickets import escalation
from propmgmt.tickets.models import Ticket
from tests.tickets.conftest import make_cast

HANDLER_USER = {
    modes.COMPANY: "manager",
    modes.RESIDENTS: "residents_committee",
    modes.OWNERS: "owners_committee",
    modes.PARTY: "secretary",
}
WORDS = {"en": ("Accept", "Confirm the fix", "Resolved"), "zh": ("受理", "确认解决", "已处理")}


def _as(client, login, user):
    client.post("/logout")
    login(user)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mode", modes.ALL)
@pytest.mark.parametrize("kind, category", [("repair", "lighting"), ("complaint", "clutter")])
def test_whole_life(client, login, mode, lang, kind, category):
    cast = make_cast(mode)
    headers = {"Accept-Language": lang}
    accept_word, confirm_word, resolved_word = WORDS[lang]
    login(cast.resident)
    response = client.post(f"/communities/{cast.community.id}/tickets/new", headers=headers, data={
        "kind": kind, "category": category, "priority": "normal", "dwelling_id": "",
        "location": "2单元楼道", "title": "楼道灯不亮", "description": "三楼到五楼的灯都不亮。"})
    assert response.status_code == 302
    ticket = db.session.query(Ticket).one()
    handler = getattr(cast, HANDLER_USER[ticket.handler_kind])
    assert ticket.handler_kind == modes.FIRST_HANDLER[mode]

    _as(client, login, handler)
    page = client.get(f"/tickets/{ticket.id}", headers=headers).get_data(as_text=True)
    assert accept_word in page
    for action, data in (("accept", {}), ("assign", {"assign-assignee_id": cast.technician.id})):
        response = client.post(f"/tickets/{ticket.id}/actions/{action}",
                               data={f"{action}-action": action, **data})
        assert response.status_code == 302, action

    _as(client, login, cast.technician)
    for action in ("start", "resolve"):
        response = client.post(f"/tickets/{ticket.id}/actions/{action}", data={
            f"{action}-action": action, f"{action}-note": "换了灯泡"})
        assert response.status_code == 302, action

    _as(client, login, cast.resident)
    page = client.get(f"/tickets/{ticket.id}", headers=headers).get_data(as_text=True)
    assert confirm_word in page and resolved_word in page
    client.post(f"/tickets/{ticket.id}/actions/confirm", data={"confirm-action": "confirm"})
    client.post(f"/tickets/{ticket.id}/rating", data={"score": "5"})

    _as(client, login, cast.secretary)
    page = client.get(f"/communities/{cast.community.id}/tickets?status=closed",
                      headers=headers).get_data(as_text=True)
    assert "楼道灯不亮" in page
    db.session.refresh(ticket)
    assert (ticket.status, ticket.rating) == ("closed", 5)


@pytest.mark.parametrize("mode", modes.ALL)
def test_overdue_ticket_climbs_to_the_party_organization(mode, app):
    cast = make_cast(mode)
    ticket = cast.file(priority="urgent", category="water")
    runner = app.test_cli_runner()
    for deadline in (ticket.response_due_at, ticket.resolution_due_at):
        moment = deadline + dt.timedelta(minutes=1)
        result = runner.invoke(args=["tickets", "escalate", "--now", moment.isoformat()])
        assert result.exit_code == 0, result.output
        db.session.refresh(ticket)
    assert ticket.handler_kind == modes.PARTY
    assert escalation.escalate_overdue(now=moment) == 0
