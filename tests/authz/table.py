"""THE specification of who may do what: for every endpoint of the URL map, the users allowed.

This table is written out by hand on purpose. It was derived from propmgmt/policy.py RULES (the
action each view passes to community_for / require) and from DESIGN.md "Authorization", but it is
the specification: when the app answers differently, either this table is wrong (fix it here) or
the app is (list the cell in KNOWN_FINDINGS with why, and report it).

Users are the keys of tests/authz/world.py: one per role in community A ("owner" and "tenant" are
both residents: the owner of the dwelling every record is about, and the tenant of another
dwelling), "admin", the members of community B and anonymous. The record of every URL belongs to
the owner's dwelling where a record has a dwelling (the bill, the payment, the ticket).

Per endpoint (or per method of an endpoint, or per variant such as "tickets.act[accept]"):
- allowed: users who may; they must not get 401, 403 or 404 (200, 201, 302, 409, 422 are fine:
  a minimal body may be refused for its content, or the record's state may forbid the step).
- hidden:  users who may not, and to whom the record does not exist (404 by design: a resident
  asking for another dwelling's bill, a technician for a ticket not assigned to them).
- everyone else of community A: 403.
- form / json: the body sent with a POST when the minimal (empty) body would be refused before
  the authorization decision is made; "{name}" is filled from the world (the same community as
  the URL's records). A body naming a record id ("{..._id}") is also sent with community B's ids
  on A's URL: no one may succeed with it (T3).
Members of community B get 404 for any URL (or body) naming one of A's records, and the entry of
their role (B_ROLE in world.py) on routes that name no record; anonymous users are sent to the
login page (pages) or get 401 (API).
"""
import dataclasses
from typing import Optional

OWNER = "owner"
TENANT = "tenant"
MANAGER = "manager"
STAFF = "staff"
TECHNICIAN = "technician"
OWNERS_COMMITTEE = "owners_committee"
RESIDENTS_COMMITTEE = "residents_committee"
SECRETARY = "secretary"
SUPERVISOR = "supervisor"
ADMIN = "admin"

RESIDENTS = {OWNER, TENANT}
PROPERTY_COMPANY = {MANAGER, STAFF}          # the fee collector and first handler (professional)
STAFF_ROLES = {MANAGER, STAFF, TECHNICIAN}
COMMITTEES = {OWNERS_COMMITTEE, RESIDENTS_COMMITTEE, SECRETARY}
EVERYONE = RESIDENTS | STAFF_ROLES | COMMITTEES | {SUPERVISOR, ADMIN}

# Groups named after the policy actions they come from (propmgmt/policy.py RULES), in community A
# (professional mode: the property company collects the fees and handles tickets first).
# SPEC QUESTION (reported, not a leak by this table): policy.py lets the district supervisor read
# individual records (tickets with reporters, each dwelling's bills and receipts, payments,
# arrears with owners' names, dwellings with occupants, members), where DESIGN.md says
# "supervisors see aggregates of their communities"; and API.md lists a dwelling's bills for "the
# dwelling's residents, staff" while billing.view_all also admits the three committees.
COMMUNITY_VIEW = EVERYONE                                        # community.view
COMMUNITY_MANAGE = {ADMIN, SUPERVISOR}                           # community.manage, change_mode
IMPORT_ROSTER = {ADMIN, SUPERVISOR, MANAGER}                     # community.import_roster
MEMBERSHIP = {ADMIN, SUPERVISOR, MANAGER}                        # membership.view / .manage
DWELLING_LIST = {ADMIN, SUPERVISOR} | STAFF_ROLES | COMMITTEES   # dwelling.list
TICKET_EXPORT = {ADMIN, SUPERVISOR} | PROPERTY_COMPANY | COMMITTEES  # ticket.export
TICKET_DEADLINES = {ADMIN, MANAGER, RESIDENTS_COMMITTEE, SECRETARY, SUPERVISOR}
BILLING_MANAGE = {ADMIN} | PROPERTY_COMPANY                      # billing.manage, record_payment
BILLING_VIEW_ALL = {ADMIN, SUPERVISOR} | PROPERTY_COMPANY | COMMITTEES   # billing.view_all
VOTE_MANAGE = {ADMIN, OWNERS_COMMITTEE}                          # vote.create/.manage/.enter_paper
NOTICE_PUBLISH = {ADMIN, RESIDENTS_COMMITTEE, OWNERS_COMMITTEE, SECRETARY} | PROPERTY_COMPANY
DISCLOSURE_COMMENT = {ADMIN, OWNERS_COMMITTEE, OWNER}            # disclosure.comment (owners)
MEETING_VIEW = {ADMIN, SUPERVISOR} | PROPERTY_COMPANY | COMMITTEES
MEETING_MANAGE = {ADMIN, SECRETARY, RESIDENTS_COMMITTEE}
# action_item.update: the item's owner organization (the property company here) and the two
# organizations that run the meetings.
ACTION_ITEM_UPDATE = {ADMIN, SECRETARY, RESIDENTS_COMMITTEE} | PROPERTY_COMPANY
RENOVATION_VIEW = {ADMIN, SUPERVISOR} | STAFF_ROLES | COMMITTEES
RENOVATION_MANAGE = {ADMIN, SUPERVISOR, MANAGER, RESIDENTS_COMMITTEE, SECRETARY}
FACILITY_VIEW = {ADMIN, SUPERVISOR} | STAFF_ROLES | COMMITTEES
FACILITY_MANAGE = {ADMIN, SUPERVISOR, MANAGER, RESIDENTS_COMMITTEE, OWNERS_COMMITTEE}
INSPECTION_PLAN = {ADMIN, SUPERVISOR, MANAGER, RESIDENTS_COMMITTEE, OWNERS_COMMITTEE}
INSPECTION_WORK = {ADMIN, RESIDENTS_COMMITTEE, OWNERS_COMMITTEE} | STAFF_ROLES
INDICATORS_VIEW = {ADMIN, SUPERVISOR, MANAGER} | COMMITTEES
ALERT_HANDLE = {ADMIN, SECRETARY, SUPERVISOR}
EVALUATION_RECORD = {ADMIN, SUPERVISOR}
DISTRICT_VIEW = {ADMIN, SUPERVISOR, SECRETARY}                   # district.view (any community)
COMMUNITY_CREATE = {ADMIN, SUPERVISOR}                           # community.create
SURVEY_CREATE = {ADMIN, RESIDENTS_COMMITTEE, SECRETARY}
SURVEY_ANSWER = RESIDENTS                                        # residents only, not the admin
# Who sees the owner's ticket (tickets.queries.visible): the whole community for every role but
# residents and technicians, who see their own (filed, assigned, their dwellings'); admins all.
TICKET_SEEN = EVERYONE - {TENANT, TECHNICIAN}
TICKET_HIDDEN = {TENANT, TECHNICIAN}
# Who sees the owner's dwelling's bills and receipts: billing.view_all, and its residents.
BILL_SEEN = BILLING_VIEW_ALL | {OWNER}
BILL_HIDDEN = {TENANT, TECHNICIAN}
# Ticket workflow capacities on a submitted repair handled by the property company.
HANDLER = {ADMIN} | PROPERTY_COMPANY
OVERSIGHT = COMMITTEES


@dataclasses.dataclass(frozen=True)
class Rule:
    allowed: frozenset
    hidden: frozenset = frozenset()
    form: Optional[dict] = None
    json: Optional[dict] = None
    ends_on_login: bool = False   # success is a redirect to the login page (logging out)


def allow(*groups, hidden=(), form=None, json=None, ends_on_login=False):
    allowed = frozenset().union(*(set(g) if isinstance(g, (set, frozenset)) else {g}
                                  for g in groups))
    hidden = frozenset(hidden)
    assert not allowed & hidden, (allowed, hidden)
    assert allowed | hidden <= EVERYONE, (allowed | hidden) - EVERYONE
    return Rule(allowed=allowed, hidden=hidden, form=form, json=json, ends_on_login=ends_on_login)


NOTE = "Checked on site."


def _act(action, *groups, **form):
    """A ticket workflow action on the owner's submitted ticket (hidden from tenant, technician)."""
    data = {f"{action}-action": action, f"{action}-note": NOTE, **{
        f"{action}-{k}": v for k, v in form.items()}}
    return allow(*groups, hidden=TICKET_HIDDEN, form=data)


TABLE = {
    # --- Home, account, notifications -------------------------------------------------------
    "home.index": allow(EVERYONE),
    "home.switch_community": allow(EVERYONE, form={"community_id": "{community_id}"}),
    "auth.change_password": allow(EVERYONE),      # POST without a body: 422, nothing changes
    # Logging out lands on the login page; the session is put back afterwards.
    "auth.logout": allow(EVERYONE, ends_on_login=True),
    "notifications.index": allow(EVERYONE),
    "notifications.mark_read": allow(EVERYONE),
    # --- Administration ---------------------------------------------------------------------
    "audit.index": allow(ADMIN),                  # audit.view
    "audit.export": allow(ADMIN),
    # --- Communities, dwellings, members ----------------------------------------------------
    "communities.index": allow(EVERYONE),
    "communities.create": allow(COMMUNITY_CREATE),
    "communities.detail": allow(COMMUNITY_VIEW),
    "communities.change_mode": allow(COMMUNITY_MANAGE),
    "communities.organizations": allow(COMMUNITY_MANAGE),
    "communities.add_contract": allow(COMMUNITY_MANAGE),
    "communities.add_building": allow(COMMUNITY_MANAGE),
    "communities.add_dwelling": allow(COMMUNITY_MANAGE),
    "communities.dwellings": allow(DWELLING_LIST),
    "communities.export_dwellings": allow(DWELLING_LIST),
    "communities.import_roster": allow(IMPORT_ROSTER),
    "communities.roster_template": allow(IMPORT_ROSTER),
    "communities.members": allow(MEMBERSHIP),
    "communities.grant": allow(MEMBERSHIP),
    "communities.create_user": allow(MEMBERSHIP),
    # Without a body the revoke form answers 404 (no such membership), so name a real one: the
    # technician's role, which a property manager may hand out and take back.
    "communities.revoke": allow(MEMBERSHIP, form={"user_id": "{technician_id}",
                                                  "role": "technician"}),
    # --- Tickets ----------------------------------------------------------------------------
    "tickets.index": allow(COMMUNITY_VIEW),       # residents get their own rows only
    "tickets.export": allow(TICKET_EXPORT),
    # ticket.file: any member; residents file for their own dwellings only (the tenant: 422),
    # staff and committees on someone's behalf (their form takes a dwelling label instead).
    "tickets.create": {"GET": allow(COMMUNITY_VIEW), "POST": allow(COMMUNITY_VIEW, form={
        "kind": "repair", "category": "pipes", "title": "Dripping tap",
        "description": "The kitchen tap drips.", "dwelling_id": "{dwelling_id}",
        "location": "Kitchen"})},
    "tickets.deadlines_page": allow(TICKET_DEADLINES),
    "tickets.detail": allow(TICKET_SEEN, hidden=TICKET_HIDDEN),
    "tickets.photo": allow(TICKET_SEEN, hidden=TICKET_HIDDEN),
    "tickets.rate": allow(OWNER, hidden=TICKET_HIDDEN, form={"score": "5"}),   # reporter: 409
    "tickets.act[accept]": _act("accept", HANDLER),
    "tickets.act[assign]": _act("assign", HANDLER, assignee_id="{technician_id}"),
    "tickets.act[start]": _act("start", HANDLER),              # handler: 409 (not accepted yet)
    "tickets.act[resolve]": _act("resolve", HANDLER),          # handler: 409
    "tickets.act[confirm]": _act("confirm", OWNER),            # reporter: 409 (not resolved)
    "tickets.act[reopen]": _act("reopen", OWNER),              # reporter: 409
    "tickets.act[escalate]": _act("escalate", HANDLER, OVERSIGHT),
    "tickets.act[close]": _act("close", HANDLER, OVERSIGHT),
    # --- Billing: residents -----------------------------------------------------------------
    "billing.my_bills": allow(EVERYONE),
    "billing.dwelling_bills": allow(BILL_SEEN, hidden=BILL_HIDDEN),
    # Only the dwelling's residents pay online: the others who see the bill get 403.
    "billing.pay": allow(OWNER, hidden=BILL_HIDDEN),
    "billing.pay_submit": allow(OWNER, hidden=BILL_HIDDEN),    # no gateway in tests: 503
    "billing.receipt": allow(BILL_SEEN, hidden=BILL_HIDDEN),
    # --- Billing: fees and staff ------------------------------------------------------------
    "billing.fee_items": allow(COMMUNITY_VIEW),
    "billing.create_fee_item": allow(BILLING_MANAGE),
    "billing.change_rate": allow(BILLING_MANAGE),
    "billing.run_billing": allow(BILLING_MANAGE),
    "billing.settings": allow(BILLING_MANAGE),
    "billing.collection": allow(BILLING_VIEW_ALL),
    "billing.export_collection": allow(BILLING_VIEW_ALL),
    "billing.parking": {
        "GET": allow(BILLING_VIEW_ALL),
        # The page is billing.view_all, saving a space billing.manage (checked after the form).
        "POST": allow(BILLING_MANAGE, form={"code": "P-9", "dwelling": "{dwelling_label}"}),
    },
    "billing.record_payment": allow(BILLING_MANAGE),
    "billing.refund_payment": allow(BILLING_MANAGE),
    "billing.adjust_bill": allow(BILLING_MANAGE),
    "billing.collection_step": allow(BILLING_MANAGE),
    "billing.dwelling_status": allow(BILLING_MANAGE),
    "billing.account": allow(BILLING_VIEW_ALL),
    "billing.bill_list": allow(BILLING_VIEW_ALL),
    "billing.export_bills": allow(BILLING_VIEW_ALL),
    "billing.payment_list": allow(BILLING_VIEW_ALL),
    "billing.export_payments": allow(BILLING_VIEW_ALL),
    "billing.arrears": allow(BILLING_VIEW_ALL),
    "billing.export_arrears": allow(BILLING_VIEW_ALL),
    # --- Notices and disclosure -------------------------------------------------------------
    "disclosure.index": allow(COMMUNITY_VIEW),
    "disclosure.detail": allow(COMMUNITY_VIEW),
    "disclosure.create": allow(NOTICE_PUBLISH),
    "disclosure.correct": allow(NOTICE_PUBLISH),
    "disclosure.edit_draft": allow(NOTICE_PUBLISH),
    "disclosure.comment": allow(DISCLOSURE_COMMENT),
    "disclosure.price_display": allow(COMMUNITY_VIEW),
    # --- Owners' votes ----------------------------------------------------------------------
    "governance.index": allow(COMMUNITY_VIEW),
    "governance.detail": allow(COMMUNITY_VIEW),
    "governance.create": allow(VOTE_MANAGE),
    # vote.cast lets members through, the ballot then needs an owner: only the owner may vote
    # (the administrator is no member, hence 403 too).
    "governance.cast": allow(OWNER, form={"b-option": "agree"}),
    "governance.paper": allow(VOTE_MANAGE),
    "governance.remind": allow(VOTE_MANAGE),
    "governance.provisional": allow(VOTE_MANAGE),              # 409 while voting is open
    "governance.finalize": allow(VOTE_MANAGE),                 # 409
    "governance.object_to": allow(OWNER, form={"o-body": "The count is wrong."}),  # 409
    "governance.answer": allow(VOTE_MANAGE),
    # --- Joint meetings ---------------------------------------------------------------------
    "meetings.index": allow(MEETING_VIEW),
    "meetings.export_items": allow(MEETING_VIEW),
    "meetings.detail": allow(MEETING_VIEW),
    "meetings.create": allow(MEETING_MANAGE),
    "meetings.minutes": allow(MEETING_MANAGE),
    "meetings.cancel": allow(MEETING_MANAGE),
    "meetings.add_item": allow(MEETING_MANAGE),
    "meetings.publish": allow(MEETING_MANAGE),
    "meetings.update_item": allow(ACTION_ITEM_UPDATE),
    # --- Surveys ----------------------------------------------------------------------------
    "surveys.index": allow(COMMUNITY_VIEW),
    "surveys.detail": allow(COMMUNITY_VIEW),
    "surveys.create": allow(SURVEY_CREATE),
    "surveys.answer": allow(SURVEY_ANSWER),
    # --- Renovation and facilities ----------------------------------------------------------
    "renovation.index": allow(RENOVATION_VIEW),
    "renovation.export_projects": allow(RENOVATION_VIEW),
    "renovation.detail": allow(RENOVATION_VIEW),
    "renovation.download_report": allow(RENOVATION_VIEW),
    "renovation.create": allow(RENOVATION_MANAGE),
    "renovation.edit": allow(RENOVATION_MANAGE),
    "renovation.add_item": allow(RENOVATION_MANAGE),
    "renovation.upload_report": allow(RENOVATION_MANAGE),
    "renovation.remove_report": allow(RENOVATION_MANAGE),
    "renovation.register_facilities": allow(FACILITY_MANAGE),
    "renovation.facilities": allow(FACILITY_VIEW),
    "renovation.export_facilities": allow(FACILITY_VIEW),
    "renovation.facility": allow(FACILITY_VIEW),
    "renovation.new_facility": allow(FACILITY_MANAGE),
    "renovation.edit_facility": allow(FACILITY_MANAGE),
    "renovation.record_condition": allow(FACILITY_MANAGE),
    "renovation.retire": allow(FACILITY_MANAGE),
    # --- Inspections ------------------------------------------------------------------------
    "inspections.index": allow(INSPECTION_WORK),
    "inspections.tasks": allow(FACILITY_VIEW),
    "inspections.export_tasks": allow(FACILITY_VIEW),
    "inspections.plans": allow(FACILITY_VIEW),
    "inspections.export_plans": allow(FACILITY_VIEW),
    "inspections.create_plan": allow(INSPECTION_PLAN),
    "inspections.deactivate_plan": allow(INSPECTION_PLAN),
    "inspections.task": allow(FACILITY_VIEW),
    "inspections.submit": allow(INSPECTION_WORK),
    "inspections.photo": allow(FACILITY_VIEW),
    # --- Monitoring -------------------------------------------------------------------------
    "monitoring.index": allow(EVERYONE),          # every user: the communities they may watch
    "monitoring.export": allow(EVERYONE),
    "monitoring.district": allow(DISTRICT_VIEW),
    "monitoring.community": allow(INDICATORS_VIEW),
    "monitoring.report_pdf": allow(INDICATORS_VIEW),
    "monitoring.record_evaluation": allow(EVALUATION_RECORD),
    "monitoring.acknowledge": allow(ALERT_HANDLE),
    "monitoring.close_alert": allow(ALERT_HANDLE),
    # --- JSON API (shared/API.md) -----------------------------------------------------------
    "api_auth.me": allow(EVERYONE),
    "api_auth.revoke_token": allow(EVERYONE),     # rolled back afterwards: the token lives on
    "api_communities.index": allow(EVERYONE),
    "api_communities.detail": allow(COMMUNITY_VIEW),
    "api_communities.dwellings": allow(DWELLING_LIST),
    "api_communities.change_mode": allow(COMMUNITY_MANAGE, json={
        "mode": "self_governed", "effective_from": "2025-03-01", "reason": "The owners voted.",
        "decided_by": "Street office document 2025-7"}),
    "api_tickets.index": allow(COMMUNITY_VIEW),
    "api_tickets.create": allow(COMMUNITY_VIEW, json={
        "kind": "repair", "category": "stairwell", "title": "Broken light",
        "description": "The stairwell light of unit 2 is out.", "location": "Unit 2",
        "dwelling_id": "{dwelling_id}"}),
    "api_tickets.detail": allow(TICKET_SEEN, hidden=TICKET_HIDDEN),
    "api_tickets.transition": allow(HANDLER, OVERSIGHT, hidden=TICKET_HIDDEN, json={
        "action": "escalate", "note": NOTE}),
    "api_tickets.rate": allow(OWNER, hidden=TICKET_HIDDEN, json={"score": 5}),
    "api_billing.fee_items": allow(COMMUNITY_VIEW),
    "api_billing.create_fee_item": allow(BILLING_MANAGE, json={
        "name": "Storage", "basis": "per_dwelling", "rate_fen": 1500, "cycle": "monthly"}),
    "api_billing.billing_run": allow(BILLING_MANAGE, json={"period": "2025-07"}),
    # The dwelling's bills: staff, committees and its residents; the technician lists dwellings
    # but may not see bills (403), the tenant of another dwelling does not see this one (404).
    "api_billing.dwelling_bills": allow(BILL_SEEN, hidden={TENANT}),
    "api_billing.record_payment": allow(BILLING_MANAGE, hidden={TENANT}, json={
        "amount_fen": 100, "method": "cash", "reference": "AUTHZ-1"}),
    "api_payments.pay": allow(OWNER, hidden=BILL_HIDDEN, json={}),
    "api_indicators.community_indicators": allow(INDICATORS_VIEW),
    "api_indicators.overview": allow(DISTRICT_VIEW),
    "api_votes.create": allow(VOTE_MANAGE, json={
        "title": "New bicycle shed", "matter": "ordinary",
        "opens_at": "2099-01-01T09:00:00+08:00", "closes_at": "2099-01-15T18:00:00+08:00"}),
    "api_votes.cast": allow(OWNER, json={"option": "agree"}),
    "api_votes.result": allow(COMMUNITY_VIEW),
}

# How to fill each URL variable: a key of the world's values (the record of that kind in the
# community being tried), a per-endpoint choice where one name means different records, a tuple
# of literal values (one table variant each: "endpoint[value]"), or ANY (every choice of an
# `any(...)` converter). A variable missing here fails the matrix: add it.
ANY = "any-converter"
FILLERS = {
    "community_id": "community_id", "cid": "community_id",
    "dwelling_id": "dwelling_id", "did": "dwelling_id",
    "ticket_id": "ticket_id", "tid": "ticket_id", "photo_id": "photo_id",
    "bill_id": "bill_id", "bid": "bill_id", "payment_id": "payment_id",
    "vote_id": "vote_id", "vid": "vote_id", "objection_id": "objection_id",
    "notice_id": "notice_id", "survey_id": "survey_id", "meeting_id": "meeting_id",
    "project_id": "project_id", "report_id": "report_id", "facility_id": "facility_id",
    "plan_id": "plan_id", "task_id": "task_id", "finding_id": "finding_id",
    "alert_id": "alert_id",
    "item_id": {"billing.change_rate": "fee_item_id", "meetings.update_item": "action_item_id"},
    "action": ("accept", "assign", "start", "resolve", "confirm", "reopen", "escalate", "close"),
    "fmt": ANY,
}

# Cells where the app answers otherwise than this table and we believe the app is wrong: the
# matrix reports them as known findings (and fails when one stops happening, so the entry is
# removed with the fix). Key: (table key, method, user, "own" or "other" community's records).
KNOWN_FINDINGS = {}
