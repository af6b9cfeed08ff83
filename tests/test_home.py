"""The resident's home page: what they owe per dwelling, the vote waiting for them, their tickets,
and a button to report a problem; a bounded number of statements whatever they hold."""
import datetime as dt
import re

from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.db import utcnow
from propmgmt.governance import votes
from propmgmt.tickets import services as tickets
from propmgmt.tickets.intake import TicketInput
from tests.billing.conftest import make_estate

PERIODS = ("2026-09", "2026-10")


def billed(estate, periods=PERIODS):
    for period in periods:
        run.run_billing(period=period, community=estate.community)


def open_vote(estate):
    now = utcnow()
    return votes.open_vote(community=estate.community, actor=estate.owners_committee,
                           title="Repaint the stairwells", matter="ordinary",
                           opens_at=now - dt.timedelta(hours=1),
                           closes_at=now + dt.timedelta(days=10),
                           now=now - dt.timedelta(days=votes.NOTICE_DAYS + 1))


def file(estate):
    return tickets.open_ticket(community=estate.community, actor=estate.resident,
                               data=TicketInput(kind="repair", category="pipes",
                                                title="Leaking pipe", description="Drips.",
                                                dwelling_id=estate.dwellings[0].id))


def card(client, lang="en"):
    page = client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)
    found = re.search(r'<div class="card border-primary" id="for-me">(.*?)</ul>', page, re.S)
    assert found, "no 'For you' card"
    return re.sub(r"\s+", " ", found.group(1))


def test_the_owner_sees_what_to_pay_the_vote_waiting_and_her_tickets(client, login):
    estate = make_estate()
    billed(estate)
    vote = open_vote(estate)
    file(estate)
    login(estate.resident)
    text = card(client)
    dwelling = estate.dwellings[0]
    # 72.30 m² × 0.45 yuan = 32.54 yuan a month, two months
    assert f"{dwelling.label}: <strong>65.08 yuan to pay</strong>" in text
    assert "bills: 2, the oldest due 2026-09" in text
    assert f"/dwellings/{dwelling.id}/bills" in text
    assert f'href="/votes/{vote.id}"' in text and "Repaint the stairwells" in text
    assert "Your open tickets: 1" in text
    assert f'href="/communities/{estate.community.id}/tickets/new"' in text
    zh = card(client, "zh")
    assert "待缴 65.08 元" in zh and "等待您投票" in zh and "报修或投诉" in zh


def test_paid_bills_and_a_cast_ballot_leave_the_card(client, login):
    estate = make_estate()
    billed(estate, PERIODS[:1])
    vote = open_vote(estate)
    dwelling = estate.dwellings[0]
    payments.record_payment(dwelling=dwelling, amount_fen=3254, method="cash",
                            reference="R-1", actor=estate.staff, idempotency_key="home-test")
    votes.cast_ballot(vote=vote, actor=estate.resident, option="agree")
    login(estate.resident)
    text = card(client)
    assert f"{dwelling.label}: <span class=\"text-success\">nothing to pay</span>" in text
    assert "/votes/" not in text


def test_a_tenant_sees_no_vote_and_staff_see_no_card(client, login):
    estate = make_estate()
    open_vote(estate)
    login(estate.tenant)
    assert "/votes/" not in card(client)
    client.post("/logout")
    login(estate.staff)
    assert 'id="for-me"' not in client.get("/").get_data(as_text=True)


def test_the_home_page_takes_the_same_statements_for_1_and_24_bills(client, login,
                                                                    count_queries):
    counts = []
    for months in (1, 12):
        estate = make_estate()
        billed(estate, [f"2025-{m:02d}" for m in range(1, months + 1)])
        for _ in range(months):
            file(estate)
        login(estate.resident)
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    print(f"home page statements for 1 and 12 months of bills and tickets: {counts}")
    assert counts[0] == counts[1]


def test_a_fixed_ticket_waits_for_her_until_she_confirms_and_rates(client, login):
    estate = make_estate()
    ticket = file(estate)
    tickets.transition(ticket=ticket, action="accept", actor=estate.staff)
    tickets.transition(ticket=ticket, action="resolve", actor=estate.staff, note="New washer.")
    login(estate.resident)
    assert "waiting for you to confirm or rate: 1" in card(client)
    tickets.transition(ticket=ticket, action="confirm", actor=estate.resident)
    assert "waiting for you to confirm or rate: 1" in card(client)  # now to rate
    tickets.rate(ticket=ticket, actor=estate.resident, score=5)
    assert "waiting for you" not in card(client)
