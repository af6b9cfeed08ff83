"""Browser journeys through the demo district (issue 7), each in Chinese and in English.

Selectors are form field names, URLs and element ids, never visible words, so the same steps run
in both languages; what a person reads is checked against the page's language and against the
database behind the server.
"""
import io

import sqlalchemy as sa
from PIL import Image

from propmgmt.auth.models import User
from propmgmt.billing.models import Payment
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.governance.models import Ballot
from propmgmt.monitoring.models import Alert
from propmgmt.tickets import vocab
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketEvent
from propmgmt.tickets.models import TicketPhoto
from propmgmt.tickets.queries import overdue_clause
from tests.browser.conftest import PHONE

TEST_CARD = "4242424242424242"


def png(colour=(200, 40, 40)):
    """A small photo, as a phone would attach it."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="PNG")
    return {"name": "leak.png", "mimeType": "image/png", "buffer": out.getvalue()}


def query(journey, statement):
    """Read the served app's database (what the person's clicks wrote)."""
    with journey.server.app.app_context():
        try:
            return db.session.execute(statement).all()
        finally:
            db.session.remove()


def menu(page, href):
    """Follow a link of the navigation bar (`href` exact, or "*/path" for a path ending so),
    opening the phone menu and the link's dropdown first."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    anchor = f"a[href$='{href[1:]}']" if href.startswith("*") else f"a[href='{href}']"
    link = page.locator(f"nav {anchor}").first
    if not link.is_visible():
        page.locator("nav .dropdown").filter(
            has=page.locator(anchor)).locator(".dropdown-toggle").click()
    link.click()
    page.wait_for_load_state()


def submit(page, form_selector):
    page.locator(f"{form_selector} button[type=submit]").click()
    page.wait_for_load_state()


def test_a_repair_from_the_residents_phone_to_her_rating(journey):
    """The owner files a leak with a photo on her phone; the property staff accept it and assign
    the technician; he starts and resolves it on his phone; she confirms the fix and rates it."""
    resident = journey(PHONE)
    resident.login("owner")
    page = resident.page
    resident.shot("01-resident-home")
    page.locator("#report-problem").click()  # the home page's button
    page.check("input[name=kind][value=repair]")
    page.select_option("select[name=category]", "water")
    page.select_option("select[name=dwelling_id]", index=0)
    page.fill("input[name=location]", "1号楼1单元502 厨房")
    page.fill("input[name=title]", "厨房水管接口漏水")
    page.fill("textarea[name=description]", "水槽下面的接口一直滴水，地上有积水。<b>急</b>")
    page.set_input_files("input[name=photos]", png())
    resident.shot("02-resident-new-ticket")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url("**/tickets/*")
    ticket_url = page.url
    ticket_id = int(ticket_url.rstrip("/").rsplit("/", 1)[1])
    assert page.locator("text=<b>急</b>").count() == 1  # shown as typed, never as markup
    assert page.locator(f"img[src*='/tickets/{ticket_id}/photos/']").count() == 1
    resident.shot("03-resident-ticket-filed")
    [(status, photos)] = query(resident, sa.select(
        Ticket.status, sa.select(sa.func.count()).where(TicketPhoto.ticket_id == Ticket.id)
        .scalar_subquery()).where(Ticket.id == ticket_id))
    assert (status, photos) == (vocab.SUBMITTED, 1)

    handler = journey()
    handler.login("staff")
    staff_page = handler.page
    menu(staff_page, "*/tickets")
    assert staff_page.locator(f"a[href='/tickets/{ticket_id}']").count() == 1  # in the queue
    handler.shot("10-staff-ticket-queue")
    staff_page.locator(f"a[href='/tickets/{ticket_id}']").first.click()
    staff_page.wait_for_load_state()
    submit(staff_page, "form[action$='/actions/accept']")
    assign = "form[action$='/actions/assign']"
    [(tech_id,)] = query(handler, sa.select(User.id).where(User.username == "tech"))
    staff_page.select_option(f"{assign} select[name$=assignee_id]", str(tech_id))
    submit(staff_page, assign)
    handler.shot("11-staff-ticket-assigned")

    technician = journey(PHONE)
    technician.login("tech")
    tech_page = technician.page
    tech_page.goto(ticket_url)
    submit(tech_page, "form[action$='/actions/start']")
    tech_page.fill("form[action$='/actions/resolve'] textarea[name$=note]", "更换了水槽下的软管和接头")
    tech_page.set_input_files("form[action$='/actions/resolve'] input[name$=photos]",
                              png((40, 160, 40)))
    submit(tech_page, "form[action$='/actions/resolve']")
    technician.shot("12-technician-resolved")

    page.goto(ticket_url)
    submit(page, "form[action$='/actions/confirm']")
    page.check("form[action$='/rating'] input[name=score][value='5']")
    page.fill("form[action$='/rating'] textarea[name=comment]", "师傅来得很快")
    submit(page, "form[action$='/rating']")
    resident.shot("04-resident-ticket-rated")
    [(status, rating)] = query(resident, sa.select(Ticket.status, Ticket.rating)
                               .where(Ticket.id == ticket_id))
    assert (status, rating) == (vocab.CLOSED, 5)
    actions = [a for (a,) in query(resident, sa.select(TicketEvent.action).where(
        TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id))]
    assert actions == ["submit", "accept", "assign", "start", "resolve", "confirm", "rate"]


def test_the_resident_pays_a_bill_online_and_it_is_paid_once(journey):
    resident = journey(PHONE)
    resident.login("owner")
    page = resident.page
    page.locator("#for-me a[href^='/dwellings/'][href$='/bills']").first.click()  # "Pay now"
    page.wait_for_load_state()
    pay_link = page.locator("a[href$='/pay']").first
    bill_id = int(pay_link.get_attribute("href").split("/")[2])
    resident.shot("05-resident-bills")
    pay_link.click()
    page.wait_for_selector("#card-element input")
    card = "#card-element input[placeholder={}]"
    for field, value in (("number", TEST_CARD), ("exp_month", "12"), ("exp_year", "30"),
                         ("cvc", "123"), ("postal_code", "100011")):
        page.fill(card.format(field), value)
    resident.shot("06-resident-pay")
    page.locator("#pay-button").click()
    page.wait_for_selector("#pay-message.alert-success")
    resident.shot("07-resident-paid")

    # localstripe's webhook reaches the server about a second later; the bill turns paid.
    for _ in range(40):
        payments = query(resident, sa.select(Payment.status).where(Payment.bill_id == bill_id))
        if [s for (s,) in payments] == ["succeeded"]:
            break
        page.wait_for_timeout(250)
    assert [s for (s,) in payments] == ["succeeded"]
    page.goto(f"/bills/{bill_id}/pay")
    assert page.locator("#card-element").count() == 0  # nothing left to pay


def test_the_owner_votes_once_for_her_dwelling(journey):
    resident = journey(PHONE)
    resident.login("owner")
    page = resident.page
    page.locator("#for-me a[href^='/votes/']").click()  # "your vote is awaited"
    page.wait_for_load_state()
    vote_id = int(page.url.rsplit("/", 1)[1])
    page.check("input[name=b-option][value=agree]")
    submit(page, "form[action$='/ballot']")
    resident.shot("08-resident-voted")
    ballots = query(resident, sa.select(Ballot.option).where(Ballot.vote_id == vote_id,
                                                             Ballot.paper_ref.is_(None)))
    assert [o for (o,) in ballots].count("agree") >= 1
    page.goto("/")
    assert page.locator(f"#vote-waiting-{vote_id}").count() == 0  # no longer waiting for her


def test_the_party_secretary_follows_an_alert_to_overdue_tickets_and_records_it(journey):
    secretary = journey()
    secretary.login("secretary")
    page = secretary.page
    menu(page, "/monitoring")
    secretary.shot("20-secretary-dashboard")
    alert = page.locator("[id^=alert-]").first
    alert_id = int(alert.get_attribute("id").split("-")[1])
    alert.locator("a[href*='/monitoring']").click()  # the community the alert is about
    page.wait_for_load_state()
    secretary.shot("21-secretary-community")
    page.locator("a[href$='/tickets?overdue=1']").first.click()
    page.wait_for_load_state()
    secretary.shot("22-secretary-overdue-tickets")
    community_id = int(page.url.split("/")[4])
    overdue = [t for (t,) in query(secretary, sa.select(Ticket.id).where(
        Ticket.community_id == community_id, overdue_clause(utcnow())))]
    listed = [int(href.rsplit("/", 1)[1]) for href in page.locator(
        "a.list-group-item[href^='/tickets/']").evaluate_all("els => els.map(e => e.href)")]
    assert overdue and sorted(listed) == sorted(overdue)  # exactly the overdue tickets
    ticket_id = listed[0]
    page.locator(f"a[href='/tickets/{ticket_id}']").first.click()
    page.wait_for_load_state()
    # Escalated to the party organization by the overdue job: she hands it to someone.
    assign = "form[action$='/actions/assign']"
    chosen = page.locator(f"{assign} select[name$=assignee_id] option").first.get_attribute(
        "value")
    page.select_option(f"{assign} select[name$=assignee_id]", chosen)
    page.fill(f"{assign} textarea[name$=note]", "请今天上门处理，处理完向社区报告")
    submit(page, assign)
    secretary.shot("23-secretary-follow-up")
    menu(page, "/monitoring")
    form = f"#alert-{alert_id} form[action$='/acknowledge']"
    page.fill(f"{form} input[name=note]", "已约谈物业经理，下周复查")
    submit(page, form)
    secretary.shot("24-secretary-alert-acknowledged")
    [(status, note)] = query(secretary, sa.select(Alert.status, Alert.note)
                             .where(Alert.id == alert_id))
    assert status == "acknowledged" and "下周复查" in note
    follow_up = query(secretary, sa.select(TicketEvent.note, Ticket.assignee_id).join(
        Ticket, Ticket.id == TicketEvent.ticket_id).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.action == "assign"))
    assert ("请今天上门处理，处理完向社区报告", int(chosen)) in follow_up
