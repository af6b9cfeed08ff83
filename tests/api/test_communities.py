"""Communities over the API: only the caller's own, details, and management-mode changes."""
from propmgmt import roles
from propmgmt.communities import modes
from tests.api.bodies import error_of
from tests.factories import CommunityFactory
from tests.factories import OrganizationFactory
from tests.factories import UserFactory
from tests.factories import member

MODE_CHANGE = {"mode": modes.SELF_GOVERNED, "effective_from": "2025-03-01",
               "reason": "The owners voted for self-governance.",
               "decided_by": "Street office document 2025-7"}


def _change_mode(client, headers, community, **overrides):
    return client.post(f"/api/v1/communities/{community.id}/management-mode",
                       json={**MODE_CHANGE, **overrides}, headers=headers)


def test_list_shows_only_the_callers_communities(client, community, other_community,
                                                 manager, api_token):
    response = client.get("/api/v1/communities", headers=api_token(manager))
    assert response.status_code == 200
    assert response.get_json() == {
        "items": [{"id": community.id, "name": "Hepingli", "district": "Dongcheng",
                   "management_mode": "professional"}],
        "page": 1, "per_page": 20, "total": 1,
    }


def test_admin_sees_every_community_by_name(client, community, other_community, api_token):
    admin = member(community, roles.ADMIN)
    body = client.get("/api/v1/communities", headers=api_token(admin)).get_json()
    assert [item["name"] for item in body["items"]] == ["Hepingli", "Zhongguancun"]
    assert body["total"] == 2


def test_caller_without_membership_sees_an_empty_list(client, community, api_token):
    nobody = UserFactory()
    body = client.get("/api/v1/communities", headers=api_token(nobody)).get_json()
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0}


def test_communities_are_paginated(client, api_token):
    communities = [CommunityFactory(name=f"C{n:02d}") for n in range(5)]
    admin = member(communities[0], roles.ADMIN)
    response = client.get("/api/v1/communities?page=2&per_page=2", headers=api_token(admin))
    body = response.get_json()
    assert [item["name"] for item in body["items"]] == ["C02", "C03"]
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)


def test_detail_has_organizations_size_and_history(client, community, manager, api_token,
                                                   make_dwellings):
    OrganizationFactory(community_id=community.id, kind=modes.COMPANY, name="Good Homes Ltd")
    OrganizationFactory(community_id=community.id, kind=modes.RESIDENTS, name="Hepingli RC")
    make_dwellings(community, 3)
    response = client.get(f"/api/v1/communities/{community.id}", headers=api_token(manager))
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("id", "name", "district", "management_mode")} == {
        "id": community.id, "name": "Hepingli", "district": "Dongcheng",
        "management_mode": "professional"}
    assert sorted(body["organizations"], key=lambda o: o["kind"]) == [
        {"kind": "property_company", "name": "Good Homes Ltd"},
        {"kind": "residents_committee", "name": "Hepingli RC"}]
    assert body["dwelling_count"] == 3
    assert [(h["mode"], h["effective_from"]) for h in body["mode_history"]] == [
        ("professional", "2024-01-01")]
    assert set(body["mode_history"][0]) >= {"mode", "effective_from", "reason", "decided_by"}


def test_other_communitys_detail_is_404(client, other_community, manager, api_token):
    response = client.get(f"/api/v1/communities/{other_community.id}",
                          headers=api_token(manager))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_absent_or_out_of_range_community_is_404(client, manager, api_token):
    for cid in ["999999", "0", "99999999999999999999999", "abc"]:
        response = client.get(f"/api/v1/communities/{cid}", headers=api_token(manager))
        assert response.status_code == 404, cid
        assert error_of(response)["code"] == "not_found"


def test_supervisor_changes_mode_and_history_grows_in_order(client, community, api_token):
    supervisor = member(community, roles.DISTRICT_SUPERVISOR)
    headers = api_token(supervisor)
    response = _change_mode(client, headers, community, decided_by="Owners' assembly")
    assert response.status_code == 201
    created = response.get_json()
    assert {k: created[k] for k in ("mode", "effective_from", "reason", "vote_id",
                                    "decided_by")} == {
        "mode": "self_governed", "effective_from": "2025-03-01",
        "reason": "The owners voted for self-governance.", "vote_id": None,
        "decided_by": "Owners' assembly"}
    second = _change_mode(client, headers, community, mode=modes.COORDINATED,
                          effective_from="2025-09-01", reason="No committee quorum.")
    assert second.status_code == 201
    body = client.get(f"/api/v1/communities/{community.id}", headers=headers).get_json()
    assert [(h["mode"], h["effective_from"]) for h in body["mode_history"]] == [
        ("professional", "2024-01-01"), ("self_governed", "2025-03-01"),
        ("coordinated", "2025-09-01")]
    assert body["mode_history"][-1]["id"] == second.get_json()["id"]


def test_admin_may_change_mode(client, community, api_token):
    admin = member(community, roles.ADMIN)
    assert _change_mode(client, api_token(admin), community).status_code == 201


def test_mode_change_on_or_before_last_change_is_422(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    for day in ["2023-12-31", "2024-01-01"]:
        response = _change_mode(client, headers, community, effective_from=day)
        assert response.status_code == 422, day
        error = error_of(response)
        assert error["code"] == "validation_error"
        assert list(error["fields"]) == ["effective_from"]


def test_unknown_mode_is_422(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    response = _change_mode(client, headers, community, mode="anarchy")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["mode"]


def test_mode_change_body_is_validated(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/api/v1/communities/{community.id}/management-mode",
                           json={"effective_from": "2025-02-30", "vote_id": "7",
                                 "decided_by": "x" * 201, "extra": True}, headers=headers)
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {"mode", "reason", "effective_from", "vote_id", "decided_by", "extra"}


def test_rejected_mode_change_records_nothing(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    _change_mode(client, headers, community, effective_from="2020-01-01")
    body = client.get(f"/api/v1/communities/{community.id}", headers=headers).get_json()
    assert len(body["mode_history"]) == 1


def test_members_who_may_not_change_mode_get_403(client, community, api_token, make_dwellings):
    dwelling = make_dwellings(community, 1)[0]
    for user in [member(community, roles.RESIDENT, dwelling=dwelling),
                 member(community, roles.PROPERTY_MANAGER),
                 member(community, roles.OWNERS_COMMITTEE)]:
        response = _change_mode(client, api_token(user), community)
        assert response.status_code == 403, user.memberships[0].role
        assert error_of(response)["code"] == "forbidden"


def test_mode_change_in_another_community_is_404(client, community, other_community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    assert _change_mode(client, headers, other_community).status_code == 404
