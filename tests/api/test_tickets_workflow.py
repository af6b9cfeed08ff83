"""A ticket's life over the API: transitions by role and status, the timeline, the rating."""
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.communities import modes
from tests.api.bodies import error_of
from tests.factories import OrganizationFactory
from tests.factories import member
from tests.tickets.conftest import make_cast


@pytest.fixture
def act(client, headers_of):
    """Take a workflow action as `user`; returns the response."""

    def do(ticket_id, user, action, **body):
        return client.post(f"/api/v1/tickets/{ticket_id}/transitions",
                           json={"action": action, **body}, headers=headers_of(user))

    return do


@pytest.fixture
def rate(client, headers_of):
    def do(ticket_id, user, **body):
        return client.post(f"/api/v1/tickets/{ticket_id}/rating", json=body,
                           headers=headers_of(user))

    return do


@pytest.fixture
def filed(cast, file_ticket):
    """The id of a repair the cast's resident has just filed."""
    response = file_ticket(cast)
    assert response.status_code == 201
    return response.get_json()["id"]


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _resolved(cast, act, ticket_id):
    _ok(act(ticket_id, cast.manager, "accept"))
    return _ok(act(ticket_id, cast.manager, "resolve", note="Replaced the seal."))


def test_whole_life_of_a_repair(client, cast, filed, act, rate, headers_of):
    accepted = _ok(act(filed, cast.manager, "accept"))
    assert accepted["status"] == "accepted"
    assert accepted["available_actions"] == ["assign", "start", "resolve", "escalate", "close"]
    assert dt.datetime.fromisoformat(accepted["due_at"]) - dt.datetime.fromisoformat(
        accepted["created_at"]) == dt.timedelta(days=3)  # now the resolution deadline
    assigned = _ok(act(filed, cast.manager, "assign", assignee_id=cast.technician.id))
    assert (assigned["status"], assigned["assignee_id"]) == ("assigned", cast.technician.id)
    started = _ok(act(filed, cast.technician, "start"))
    assert started["status"] == "in_progress"
    assert started["available_actions"] == ["resolve"]
    resolved = _ok(act(filed, cast.technician, "resolve", note="Replaced the seal."))
    assert resolved["status"] == "resolved"
    assert _ok(client.get(f"/api/v1/tickets/{filed}", headers=headers_of(cast.resident)))[
        "available_actions"] == ["confirm", "reopen"]
    confirmed = _ok(act(filed, cast.resident, "confirm"))
    assert (confirmed["status"], confirmed["can_rate"]) == ("closed", True)
    rated = _ok(rate(filed, cast.resident, score=5, comment="Quick and tidy"), 201)
    assert (rated["rating"], rated["rating_comment"], rated["can_rate"]) == (
        5, "Quick and tidy", False)
    events = _ok(client.get(f"/api/v1/tickets/{filed}", headers=headers_of(cast.manager)))[
        "events"]
    assert [(e["action"], e["actor"], e["note"]) for e in events] == [
        ("submit", cast.resident.display_name, None),
        ("accept", cast.manager.display_name, None),
        ("assign", cast.manager.display_name, None),
        ("start", cast.technician.display_name, None),
        ("resolve", cast.technician.display_name, "Replaced the seal."),
        ("confirm", cast.resident.display_name, None),
        ("rate", cast.resident.display_name, "Quick and tidy"),
    ]
    times = [dt.datetime.fromisoformat(e["at"]) for e in events]
    assert all(t.tzinfo is not None for t in times) and times == sorted(times)


def test_wrong_role_is_403(cast, filed, act):
    for user, action in [(cast.resident, "accept"), (cast.owners_committee, "accept"),
                         (cast.staff, "confirm"), (cast.secretary, "start")]:
        response = act(filed, user, action)
        assert response.status_code == 403, (user.username, action)
        assert error_of(response)["code"] == "forbidden"


def test_technician_acts_only_on_tickets_assigned_to_them(cast, filed, act):
    assert act(filed, cast.technician, "start").status_code == 404  # not even visible
    _ok(act(filed, cast.manager, "assign", assignee_id=cast.technician.id))
    assert act(filed, cast.technician, "accept").status_code == 403
    assert _ok(act(filed, cast.technician, "start"))["status"] == "in_progress"


def test_wrong_status_is_409(cast, filed, act):
    response = act(filed, cast.manager, "resolve", note="Nothing to do.")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert act(filed, cast.manager, "start").status_code == 409


def test_second_accept_is_409(cast, filed, act):
    _ok(act(filed, cast.manager, "accept"))
    response = act(filed, cast.staff, "accept")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


@pytest.mark.parametrize("action", ["resolve", "close", "escalate"])
def test_missing_note_is_422(cast, filed, act, action):
    _ok(act(filed, cast.manager, "accept"))
    for body in ({}, {"note": "   "}, {"note": None}):
        response = act(filed, cast.manager, action, **body)
        assert response.status_code == 422, body
        assert list(error_of(response)["fields"]) == ["note"]


def test_transition_body_is_checked(cast, filed, act):
    response = act(filed, cast.manager, "teleport", note="n" * 5001, assignee_id="3", extra=1)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"action", "note", "assignee_id", "extra"}


def test_assign_needs_a_member_who_is_not_only_a_resident(cast, filed, act):
    for body in ({}, {"assignee_id": cast.resident.id}, {"assignee_id": 999999}):
        response = act(filed, cast.manager, "assign", **body)
        assert response.status_code == 422, body
        assert list(error_of(response)["fields"]) == ["assignee_id"]
    other = member(cast.community, roles.TECHNICIAN)
    assert _ok(act(filed, cast.manager, "assign", assignee_id=other.id))["assignee_id"] == \
        other.id


def test_refused_transition_changes_nothing(client, cast, filed, act, headers_of):
    act(filed, cast.manager, "resolve")
    act(filed, cast.resident, "accept")
    body = _ok(client.get(f"/api/v1/tickets/{filed}", headers=headers_of(cast.manager)))
    assert body["status"] == "submitted"
    assert [e["action"] for e in body["events"]] == ["submit"]


def test_escalation_moves_the_ticket_up(client, cast, filed, act, headers_of):
    OrganizationFactory(community_id=cast.community.id, kind=modes.RESIDENTS, name="Hepingli RC")
    body = _ok(act(filed, cast.manager, "escalate", note="Needs the committee."))
    assert body["handler"] == {"kind": "residents_committee", "name": "Hepingli RC"}
    assert body["status"] == "submitted"
    assert body["available_actions"] == []  # the company no longer handles it
    committee = _ok(client.get(f"/api/v1/tickets/{filed}",
                               headers=headers_of(cast.residents_committee)))
    assert committee["available_actions"] == ["accept", "assign", "escalate", "close"]
    assert _ok(act(filed, cast.residents_committee, "accept"))["status"] == "accepted"


def test_reporter_reopens_a_poor_fix(cast, filed, act):
    _resolved(cast, act, filed)
    assert act(filed, cast.resident, "reopen").status_code == 422
    body = _ok(act(filed, cast.resident, "reopen", note="Still dripping."))
    assert body["status"] == "reopened"
    assert body["events"][-1] == {"at": body["events"][-1]["at"],
                                  "actor": cast.resident.display_name, "action": "reopen",
                                  "note": "Still dripping."}


def test_rating_before_resolve_is_409(cast, filed, rate):
    response = rate(filed, cast.resident, score=4)
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_only_the_reporter_rates(cast, filed, act, rate):
    _resolved(cast, act, filed)
    for user in (cast.manager, cast.residents_committee):
        response = rate(filed, user, score=1)
        assert response.status_code == 403
        assert error_of(response)["code"] == "forbidden"


def test_second_rating_is_409(cast, filed, act, rate):
    _resolved(cast, act, filed)
    assert _ok(rate(filed, cast.resident, score=4), 201)["rating"] == 4
    response = rate(filed, cast.resident, score=5)
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


@pytest.mark.parametrize("body, field", [
    ({"score": 0}, "score"), ({"score": 6}, "score"), ({"score": "5"}, "score"),
    ({"score": 4.5}, "score"), ({}, "score"), ({"score": 3, "comment": "c" * 2001}, "comment"),
    ({"score": 3, "stars": 3}, "stars"),
])
def test_bad_rating_is_422(cast, filed, act, rate, body, field):
    _resolved(cast, act, filed)
    response = rate(filed, cast.resident, **body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_rating_of_someone_elses_ticket_is_404(cast, filed, act, rate):
    _resolved(cast, act, filed)
    outsider = make_cast().resident
    assert rate(filed, outsider, score=1).status_code == 404
