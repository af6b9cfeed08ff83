"""Tickets over the API: filing and routing by mode, who sees what, the queue and its filters."""
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.db import utcnow
from tests.api.bodies import error_of
from tests.factories import BuildingFactory
from tests.factories import DwellingFactory
from tests.factories import OrganizationFactory
from tests.factories import member
from tests.tickets.conftest import make_cast

COMMON_AREA = {"dwelling_id": None, "location": "Building 3, stairwell", "category": "lighting",
               "title": "Stairwell light out", "description": "Dark on the fourth floor."}


def _list(client, headers, community, query=""):
    response = client.get(f"/api/v1/communities/{community.id}/tickets{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _at(text):
    """An ISO 8601 time from the API; it must carry an offset."""
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def test_resident_files_a_repair_for_their_dwelling(client, cast, file_ticket, headers_of):
    OrganizationFactory(community_id=cast.community.id, kind=modes.COMPANY, name="Good Homes Ltd")
    before = utcnow()
    response = file_ticket(cast)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("kind", "category", "priority", "status", "title", "dwelling",
                                 "location", "reporter", "channel", "assignee_id", "rating",
                                 "overdue", "photo_count", "available_actions", "can_rate")} == {
        "kind": "repair", "category": "pipes", "priority": "normal", "status": "submitted",
        "title": "Leaking pipe", "dwelling": "3-502", "location": None,
        "reporter": cast.resident.display_name, "channel": "app", "assignee_id": None,
        "rating": None, "overdue": False, "photo_count": 0, "available_actions": [],
        "can_rate": False}
    assert body["handler"] == {"kind": "property_company", "name": "Good Homes Ltd"}
    assert body["description"] == "Water drips from the kitchen pipe."
    due = _at(body["due_at"]) - _at(body["created_at"])
    assert due == dt.timedelta(days=1)  # a normal repair must be answered within a day
    assert _at(body["created_at"]) >= before
    assert [(e["action"], e["actor"]) for e in body["events"]] == [
        ("submit", cast.resident.display_name)]
    detail = client.get(f"/api/v1/tickets/{body['id']}", headers=headers_of(cast.resident))
    assert detail.status_code == 200
    assert detail.get_json() == body


@pytest.mark.parametrize("mode, handler, name", [
    (modes.PROFESSIONAL, modes.COMPANY, "Property company"),
    (modes.QUASI, modes.RESIDENTS, "Residents' committee"),
    (modes.COORDINATED, modes.RESIDENTS, "Residents' committee"),
    (modes.SELF_GOVERNED, modes.OWNERS, "Owners' committee"),
])
def test_filings_are_routed_by_the_management_mode(file_ticket, mode, handler, name):
    cast = make_cast(mode)
    for overrides in ({}, COMMON_AREA):
        response = file_ticket(cast, **overrides)
        assert response.status_code == 201, response.get_json()
        # without an organization on record, the handler is named by its kind's label
        assert response.get_json()["handler"] == {"kind": handler, "name": name}


def test_common_area_repair_keeps_its_location(file_ticket, cast):
    body = file_ticket(cast, **COMMON_AREA).get_json()
    assert (body["dwelling"], body["location"]) == (None, "Building 3, stairwell")


def test_complaint_about_the_service_goes_to_the_residents_committee(file_ticket, cast):
    OrganizationFactory(community_id=cast.community.id, kind=modes.RESIDENTS, name="Hepingli RC")
    response = file_ticket(cast, kind="complaint", category="service", dwelling_id=None,
                           title="Dirty stairs", description="Not cleaned for two weeks.")
    assert response.status_code == 201
    assert response.get_json()["handler"] == {"kind": "residents_committee",
                                              "name": "Hepingli RC"}


def test_staff_file_on_a_callers_behalf(file_ticket, cast):
    response = file_ticket(cast, by=cast.staff, channel="hotline_12345", reporter_name="Ms Wang",
                           reporter_phone="13800000000", external_ref="12345-0042",
                           priority="urgent", category="water")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["channel"], body["reporter"], body["priority"]) == (
        "hotline_12345", "Ms Wang", "urgent")
    assert _at(body["due_at"]) - _at(body["created_at"]) == dt.timedelta(minutes=30)
    assert body["available_actions"] == ["accept", "assign", "escalate", "close"]


def test_dwelling_of_another_community_is_422(file_ticket, cast):
    elsewhere = make_cast()
    for by in (cast.resident, cast.manager):
        response = file_ticket(cast, by=by, dwelling_id=elsewhere.dwelling.id)
        assert response.status_code == 422
        assert "dwelling_id" in error_of(response)["fields"]


def test_resident_files_only_for_their_own_dwellings(file_ticket, cast):
    neighbours = DwellingFactory(building=cast.dwelling.building, number="601")
    response = file_ticket(cast, dwelling_id=neighbours.id)
    assert response.status_code == 422
    assert "dwelling_id" in error_of(response)["fields"]


@pytest.mark.parametrize("overrides, fields", [
    ({"kind": "praise"}, {"kind"}),
    ({"category": "service"}, {"category"}),
    ({"priority": "whenever"}, {"priority"}),
    ({"dwelling_id": None}, {"location"}),
    ({"title": "   "}, {"title"}),
    ({"kind": "complaint", "category": "organization", "about_org": "the_mayor"}, {"about_org"}),
])
def test_intake_rules_give_422_by_field(file_ticket, cast, overrides, fields):
    response = file_ticket(cast, **overrides)
    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], set(error["fields"])) == ("validation_error", fields)


def test_filing_body_is_checked_for_shape(client, cast, headers_of):
    response = client.post(f"/api/v1/communities/{cast.community.id}/tickets", json={
        "kind": "repair", "title": "x" * 201, "description": "d" * 5001, "dwelling_id": "7",
        "location": "l" * 201, "reporter_name": "n" * 101, "photos": []},
        headers=headers_of(cast.resident))
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {"category", "title", "description", "dwelling_id", "location",
                           "reporter_name", "photos"}
    assert fields["category"] == ["This field is required."]
    assert fields["title"] == ["Use at most 200 characters."]
    assert fields["photos"] == ["Unknown field."]


def test_refused_filing_records_nothing(client, file_ticket, cast, headers_of):
    file_ticket(cast, title="")
    assert _list(client, headers_of(cast.manager), cast.community)["total"] == 0


def test_caller_from_another_community_gets_404(client, file_ticket, cast, headers_of):
    outsider = make_cast()
    ticket_id = file_ticket(cast).get_json()["id"]
    response = file_ticket(cast, by=outsider.resident, dwelling_id=outsider.dwelling.id)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    for by in (outsider.resident, outsider.manager):
        headers = headers_of(by)
        for url in (f"/api/v1/communities/{cast.community.id}/tickets",
                    f"/api/v1/tickets/{ticket_id}"):
            response = client.get(url, headers=headers)
            assert response.status_code == 404, (url, by.username)
            assert error_of(response)["code"] == "not_found"
        response = client.post(f"/api/v1/tickets/{ticket_id}/transitions",
                               json={"action": "accept"}, headers=headers)
        assert response.status_code == 404


def test_absent_ticket_is_404(client, cast, headers_of):
    for tid in ["999999", "0", "99999999999999999999"]:
        response = client.get(f"/api/v1/tickets/{tid}", headers=headers_of(cast.manager))
        assert response.status_code == 404, tid


def test_residents_see_only_their_own_tickets(client, file_ticket, cast, headers_of):
    neighbour_home = DwellingFactory(building=cast.dwelling.building, number="601")
    neighbour = member(cast.community, roles.RESIDENT, dwelling=neighbour_home)
    mine = file_ticket(cast).get_json()["id"]
    theirs = file_ticket(cast, by=neighbour, dwelling_id=neighbour_home.id).get_json()["id"]
    common = file_ticket(cast, by=neighbour, **COMMON_AREA).get_json()["id"]
    body = _list(client, headers_of(cast.resident), cast.community)
    assert ([t["id"] for t in body["items"]], body["total"]) == ([mine], 1)
    body = _list(client, headers_of(neighbour), cast.community)
    assert sorted(t["id"] for t in body["items"]) == sorted([theirs, common])
    assert client.get(f"/api/v1/tickets/{theirs}",
                      headers=headers_of(cast.resident)).status_code == 404
    assert _list(client, headers_of(cast.manager), cast.community)["total"] == 3
    assert _list(client, headers_of(cast.secretary), cast.community)["total"] == 3


def test_technicians_see_what_is_assigned_to_them(client, file_ticket, cast, headers_of):
    first = file_ticket(cast).get_json()["id"]
    file_ticket(cast, **COMMON_AREA)
    assert _list(client, headers_of(cast.technician), cast.community)["total"] == 0
    client.post(f"/api/v1/tickets/{first}/transitions", headers=headers_of(cast.manager),
                json={"action": "assign", "assignee_id": cast.technician.id})
    body = _list(client, headers_of(cast.technician), cast.community)
    assert [(t["id"], t["assignee_id"]) for t in body["items"]] == [(first, cast.technician.id)]


def test_list_items_have_the_contract_fields(client, file_ticket, cast, headers_of):
    filed = file_ticket(cast).get_json()
    item = _list(client, headers_of(cast.manager), cast.community)["items"][0]
    assert set(item) == {"id", "kind", "category", "priority", "status", "title", "handler",
                         "dwelling", "location", "created_at", "due_at", "overdue",
                         "assignee_id", "rating"}
    assert item == {k: filed[k] for k in item}


def _overdue(cast):
    """A ticket filed through the services whose response deadline has passed."""
    ticket = cast.file(**{**COMMON_AREA, "title": "Overdue"})
    ticket.response_due_at = utcnow() - dt.timedelta(hours=1)
    db.session.flush()
    return ticket


def test_handler_queue_filters(client, file_ticket, cast, headers_of):
    repair = file_ticket(cast).get_json()["id"]
    complaint = file_ticket(cast, kind="complaint", category="neighbor", dwelling_id=None,
                            title="Noise", description="Drilling at night.").get_json()["id"]
    overdue = _overdue(cast).id
    headers = headers_of(cast.manager)
    accepted = client.post(f"/api/v1/tickets/{repair}/transitions", headers=headers,
                           json={"action": "accept"})
    assert accepted.status_code == 200

    def ids(query):
        return sorted(t["id"] for t in _list(client, headers, cast.community, query)["items"])

    assert ids("") == sorted([repair, complaint, overdue])
    assert ids("?status=accepted") == [repair]
    assert ids("?status=submitted") == sorted([complaint, overdue])
    assert ids("?status=open") == sorted([repair, complaint, overdue])
    assert ids("?status=closed") == []
    assert ids("?kind=complaint") == [complaint]
    assert ids("?kind=repair&status=submitted") == [overdue]
    assert ids("?category=lighting") == [overdue]
    assert ids("?overdue=true") == [overdue]
    assert ids("?overdue=false") == sorted([repair, complaint, overdue])
    assert ids("?handler=property_company") == sorted([repair, complaint, overdue])
    assert ids("?handler=residents_committee") == []
    assert ids("?mine=true") == []  # the manager neither filed nor is assigned any
    item = _list(client, headers, cast.community, "?overdue=true")["items"][0]
    assert item["overdue"] is True
    assert _at(item["due_at"]) < utcnow()


def test_queue_puts_open_and_most_urgent_first(client, file_ticket, cast, headers_of):
    normal = file_ticket(cast).get_json()["id"]
    urgent = file_ticket(cast, priority="urgent", category="water").get_json()["id"]
    overdue = _overdue(cast).id
    body = _list(client, headers_of(cast.manager), cast.community)
    assert [t["id"] for t in body["items"]] == [overdue, urgent, normal]


@pytest.mark.parametrize("query, field", [
    ("?status=lost", "status"), ("?kind=praise", "kind"), ("?overdue=maybe", "overdue"),
    ("?handler=mayor", "handler"), ("?category=ufo", "category"), ("?per_page=101", "per_page"),
])
def test_bad_filters_give_422(client, cast, headers_of, query, field):
    response = client.get(f"/api/v1/communities/{cast.community.id}/tickets{query}",
                          headers=headers_of(cast.manager))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_tickets_are_paginated(client, cast, headers_of):
    filed = [cast.file(title=f"T{n}").id for n in range(5)]
    headers = headers_of(cast.manager)
    pages = [_list(client, headers, cast.community, f"?per_page=2&page={n}") for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert all(p["total"] == 5 for p in pages)
    assert sorted(t["id"] for p in pages for t in p["items"]) == sorted(filed)


def _fill(cast, count):
    """`count` tickets with different reporters, dwellings, assignees and places."""
    for n in range(count):
        home = DwellingFactory(building=BuildingFactory(community=cast.community, name=f"B{n}"))
        reporter = member(cast.community, roles.RESIDENT, dwelling=home)
        ticket = cast.file(by=reporter, dwelling_id=home.id) if n % 2 else cast.file(
            by=reporter, **COMMON_AREA)
        ticket.assignee_id = cast.technician.id if n % 3 else None
    db.session.flush()


def test_list_runs_the_same_queries_for_3_and_30_tickets(client, headers_of, count_queries):
    small, large = make_cast(), make_cast()
    _fill(small, 3)
    _fill(large, 30)
    counts, sizes = [], []
    for cast in (small, large):
        headers = headers_of(cast.manager)
        url = f"/api/v1/communities/{cast.community.id}/tickets?per_page=100"
        with count_queries() as counter:
            response = client.get(url, headers=headers)
        counts.append(counter.count)
        sizes.append(len(response.get_json()["items"]))
    assert sizes == [3, 30]
    assert counts[0] == counts[1] <= 12


def test_openapi_lists_the_ticket_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = {
        "/api/v1/communities/{cid}/tickets": {"get", "post"},
        "/api/v1/tickets/{tid}": {"get"},
        "/api/v1/tickets/{tid}/transitions": {"post"},
        "/api/v1/tickets/{tid}/rating": {"post"},
    }
    scheme = next(iter(spec["components"]["securitySchemes"]))
    for path, methods in paths.items():
        assert methods <= set(spec["paths"].get(path, {})), path
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation["security"] == [{scheme: []}], (path, method)
            assert "401" in operation["responses"], (path, method)
    transitions = spec["paths"]["/api/v1/tickets/{tid}/transitions"]["post"]
    assert {"403", "404", "409", "422"} <= set(transitions["responses"])
