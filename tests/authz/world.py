"""One world for the authorization matrix: two communities, A and B, each holding one record of
every kind a URL can name, and one user per role in A (plus an admin and two members of B).

Records are made through the services where they exist (so they are the records the app makes),
and directly as rows where tests elsewhere do the same (stored indicators, an alert, an
objection, an inspection finding with its photo).
"""
import dataclasses
import datetime as dt
import io

import sqlalchemy as sa
from PIL import Image

from propmgmt import roles
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.disclosure import services as disclosure
from propmgmt.governance import votes
from propmgmt.governance.models import VoteObjection
from propmgmt.meetings import services as meetings
from propmgmt.monitoring import facilities
from propmgmt.monitoring import indicators
from propmgmt.monitoring import inspections
from propmgmt.monitoring import renovation
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionTask
from propmgmt.monitoring.models.indicators import COUNTS
from propmgmt.surveys import services as surveys
from propmgmt.tickets import photos as photo_store
from propmgmt.tickets import services as tickets
from propmgmt.tickets.intake import TicketInput
from propmgmt.tickets.models import TicketPhoto
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
BILLING_PERIOD = "2025-06"

# The users of the matrix, by key: one per role in community A, an administrator, two members
# of community B only ("a member of another community"), and nobody.
A_USERS = ("owner", "tenant", "manager", "staff", "technician", "owners_committee",
           "residents_committee", "secretary", "supervisor", "admin")
B_USERS = ("b_manager", "b_resident")
ANONYMOUS = "anonymous"
USERS = A_USERS + B_USERS + (ANONYMOUS,)
# What a member of B is in B, read as the A role whose table entry applies to routes that name
# no record (their own lists, their account).
B_ROLE = {"b_manager": "manager", "b_resident": "owner"}

_ROLES = {
    "manager": roles.PROPERTY_MANAGER, "staff": roles.PROPERTY_STAFF,
    "technician": roles.TECHNICIAN, "owners_committee": roles.OWNERS_COMMITTEE,
    "residents_committee": roles.RESIDENTS_COMMITTEE, "secretary": roles.PARTY_SECRETARY,
    "supervisor": roles.DISTRICT_SUPERVISOR,
}


class Upload(io.BytesIO):
    """What the services read from an uploaded file: bytes with a file name."""

    def __init__(self, data, filename):
        super().__init__(data)
        self.filename = filename


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclasses.dataclass
class Side:
    """One community of the world: its users by key and the values that fill URLs and bodies."""

    community: object
    users: dict
    values: dict


@dataclasses.dataclass
class World:
    a: Side
    b: Side
    admin: object

    def user(self, key):
        """The User behind a matrix user key (None for anonymous)."""
        if key == "admin":
            return self.admin
        if key in B_ROLE:
            return self.b.users[B_ROLE[key]]
        return self.a.users.get(key)

    @property
    def secrets(self):
        """Strings that must never reach a user: the other community's name, and the owner's
        ticket title for those who may not see that ticket."""
        return {"a_name": self.a.community.name, "b_name": self.b.community.name,
                "a_ticket": self.a.values["ticket_title"]}


def _people(community, tag):
    building = BuildingFactory(community=community, name="3")
    home = DwellingFactory(building=building, number="502", area_x100=8850)
    rented = DwellingFactory(building=building, number="503", area_x100=7000)
    users = {
        # The owner lives in 3-502; the tenant rents 3-503 (another dwelling): the tenant is
        # the "other resident" of the community, who must not see the owner's bills or tickets.
        "owner": member(community, roles.RESIDENT, f"{tag}_owner", dwelling=home),
        "tenant": member(community, roles.RESIDENT, f"{tag}_tenant", dwelling=rented,
                         occupancy="tenant"),
    }
    for key, role in _ROLES.items():
        users[key] = member(community, role, f"{tag}_{key}")
    return home, users


def _side(name, tag):
    """A professional-mode community with one record of every kind."""
    community = CommunityFactory(name=name)
    home, users = _people(community, tag)
    manager, owner = users["manager"], users["owner"]
    now = utcnow()
    today = inspections.local_today(community)
    values = {"community_id": community.id, "dwelling_id": home.id,
              "dwelling_label": home.label, "technician_id": users["technician"].id}

    # Billing: a fee item, the billing run, a partial cash payment (the bill stays payable).
    fee = fees.create_fee_item(community=community, name=f"Service fee {tag}", basis="per_m2",
                               rate_fen=45, actor=manager, legal_basis="Service contract",
                               effective_from=dt.date(2025, 1, 1))
    run.run_billing(period=BILLING_PERIOD, community=community, actor=manager)
    bill = db.session.scalar(sa.select(Bill).where(Bill.community_id == community.id,
                                                   Bill.dwelling_id == home.id))
    payment = payments.record_payment(dwelling=home, amount_fen=1000, method="cash",
                                      reference=f"{tag}-R1", actor=manager, bill=bill)
    values.update(fee_item_id=fee.id, bill_id=bill.id, payment_id=payment.id)

    # A repair ticket filed by the owner, with a photo.
    title = f"Leaking pipe in {name} (authz secret {tag})"
    ticket = tickets.open_ticket(
        community=community, actor=owner,
        data=TicketInput(kind="repair", category="pipes", title=title,
                         description="Water drips from the kitchen pipe.", dwelling_id=home.id),
        photos=[Upload(png(), "pipe.png")])
    photo = db.session.scalar(sa.select(TicketPhoto).where(TicketPhoto.ticket_id == ticket.id))
    values.update(ticket_id=ticket.id, photo_id=photo.id, ticket_title=title)

    # An owners' vote, open now (announced the required days before it opened), and an
    # objection to it.
    opens = now - dt.timedelta(hours=1)
    vote = votes.open_vote(community=community, actor=users["owners_committee"],
                           title=f"Repaint the stairwells {tag}", matter="ordinary",
                           opens_at=opens, closes_at=now + dt.timedelta(days=7),
                           now=opens - dt.timedelta(days=votes.NOTICE_DAYS))
    objection = VoteObjection(community_id=community.id, vote_id=vote.id, user_id=owner.id,
                              body="The count is wrong.")
    db.session.add(objection)
    db.session.flush()
    values.update(vote_id=vote.id, objection_id=objection.id)

    # A notice for the whole community and an open satisfaction survey.
    notice = disclosure.publish_notice(community=community, actor=users["residents_committee"],
                                       title=f"Water off on Friday {tag}", body="From 9 to 12.")
    survey = surveys.open_survey(community=community, actor=users["residents_committee"],
                                 title=f"Autumn satisfaction {tag}", period="2026-Q1",
                                 opens_at=now - dt.timedelta(hours=1),
                                 closes_at=now + dt.timedelta(days=7))
    values.update(notice_id=notice.id, survey_id=survey.id)

    # A joint meeting of the four organizations, held, with an action item for the property company.
    meeting = meetings.schedule(community=community, actor=users["secretary"],
                                title=f"Joint meeting {tag}", place="Community hall",
                                agenda="1. Parking", scheduled_at=now - dt.timedelta(hours=2),
                                orgs=["party_organization", "residents_committee",
                                      "owners_committee", "property_company"])
    meeting = meetings.record_minutes(
        meeting, actor=users["secretary"], minutes="Agreed on parking.",
        attendance={i.org_kind: (True, "Zhang San") for i in meeting.invitees})
    item = meetings.add_item(meeting, actor=users["secretary"], title="Fix the lift",
                             owner_org="property_company",
                             due_on=meetings.local_today(community) + dt.timedelta(days=7))
    values.update(meeting_id=meeting.id, action_item_id=item.id)

    # The renovation record with a report, and a facility.
    project = renovation.create_project(community=community, actor=manager,
                                        name=f"2024 renovation {tag}",
                                        starts_on=dt.date(2024, 3, 1),
                                        ends_on=dt.date(2024, 11, 30))
    report = renovation.add_report(project, actor=manager, stage="audit",
                                   upload=Upload(PDF, "audit.pdf"), title="Audit")
    facility = facilities.register_facility(community=community, actor=manager,
                                            kind="elevator", name="Lift 1", location="Unit 1")
    values.update(project_id=project.id, report_id=report.id, facility_id=facility.id)

    # A daily inspection plan with today's (open) task, and a finding with a photo.
    plan = inspections.create_plan(community=community, actor=manager, name=f"Round {tag}",
                                   frequency="daily", checklist="Doors\nLights", starts_on=today)
    inspections.plan_inspections(today=today, community_id=community.id)
    task = db.session.scalar(sa.select(InspectionTask).where(InspectionTask.plan_id == plan.id))
    finding = InspectionFinding(community_id=community.id, task_id=task.id, position=1,
                                item="Doors", result="pass",
                                photo_stored_name=photo_store.store(community.id, png(), ".png"),
                                photo_content_type="image/png")
    db.session.add(finding)
    db.session.flush()
    values.update(plan_id=plan.id, task_id=task.id, finding_id=finding.id)

    # This month's stored indicators and a red-line alert.
    period = indicators.this_month()
    db.session.add(CommunityIndicators(community_id=community.id, period=period, components={},
                                       index_x100=4200, **dict.fromkeys(COUNTS, 0)))
    alert = Alert(community_id=community.id, period=period, kind="red_line",
                  indicator="collection_rate", value_x100=4000, threshold_x100=6000)
    db.session.add(alert)
    db.session.flush()
    values["alert_id"] = alert.id
    db.session.commit()
    return Side(community=community, users=users, values=values)


def build():
    """The world, committed inside the test's outer transaction (rolled back after the test)."""
    a = _side("Authz Alpha Court", "a")
    b = _side("Authz Bravo Court", "b")
    admin = member(a.community, roles.ADMIN, "authz_admin")
    db.session.commit()
    return World(a=a, b=b, admin=admin)
