"""The audit log: every money, status and permission change is recorded, append-only, and
administrators read it (filtered, exported); nobody else does."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt import roles
from propmgmt.audit import AuditEntry
from propmgmt.db import db
from tests.factories import member
from tests.tickets.conftest import make_cast

EN = {"Accept-Language": "en"}


@pytest.fixture
def world():
    cast = make_cast()
    ticket = cast.file()
    from propmgmt.tickets import services  # noqa: PLC0415

    services.transition(ticket=ticket, action="accept", actor=cast.manager)
    return cast, ticket


def test_ticket_status_changes_are_audited(world):
    cast, ticket = world
    actions = db.session.execute(sa.select(AuditEntry.action, AuditEntry.detail).where(
        AuditEntry.community_id == cast.community.id).order_by(AuditEntry.id)).all()
    transitions = [d for a, d in actions if a == "ticket.transition"]
    assert ("ticket.open" in [a for a, _d in actions]
            and transitions[-1]["from_status"] == "submitted"
            and transitions[-1]["to_status"] == "accepted")


def test_entries_cannot_be_changed_or_removed(world):
    entry = db.session.scalar(sa.select(AuditEntry).limit(1))
    entry.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).limit(1))
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_admin_reads_filters_and_exports_others_cannot(world, client, login):
    cast, _ticket = world
    login(member(None, roles.ADMIN))
    page = client.get("/admin/audit/?group=status", headers=EN).get_data(as_text=True)
    assert "ticket.transition" in page and "to_status" in page
    money = client.get("/admin/audit/?group=money", headers=EN).get_data(as_text=True)
    assert "ticket.transition" not in money
    sheet = client.get("/admin/audit/audit.xlsx?q=ticket.", headers=EN)
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.values)
    assert rows[0][:2] == ("When (UTC)", "Who") and len(rows) >= 3
    assert client.get("/admin/audit/?since=not-a-date&page=99999").status_code == 200
    login(cast.manager)
    assert client.get("/admin/audit/").status_code == 403
