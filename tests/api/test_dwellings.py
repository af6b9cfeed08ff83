"""Dwellings over the API: who may list them, pagination, and a bounded number of queries."""
import pytest

from propmgmt import roles
from tests.api.bodies import error_of
from tests.factories import BuildingFactory
from tests.factories import DwellingFactory
from tests.factories import member


def _url(community, query=""):
    return f"/api/v1/communities/{community.id}/dwellings{query}"


def test_staff_lists_dwellings_with_building_and_area(client, community, manager, api_token):
    building = BuildingFactory(community=community, name="3")
    first = DwellingFactory(building=building, number="501", area_x100=12345)
    second = DwellingFactory(building=building, number="502", area_x100=8800)
    response = client.get(_url(community), headers=api_token(manager))
    assert response.status_code == 200
    assert response.get_json() == {
        "items": [{"id": first.id, "building": "3", "number": "501", "area_m2": 123.45},
                  {"id": second.id, "building": "3", "number": "502", "area_m2": 88.0}],
        "page": 1, "per_page": 20, "total": 2,
    }


@pytest.mark.parametrize("role", [roles.PROPERTY_STAFF, roles.TECHNICIAN,
                                  roles.OWNERS_COMMITTEE, roles.RESIDENTS_COMMITTEE,
                                  roles.PARTY_SECRETARY, roles.DISTRICT_SUPERVISOR])
def test_staff_committees_and_supervisors_may_list(client, community, api_token, role):
    assert client.get(_url(community), headers=api_token(member(community, role))).status_code \
        == 200


def test_resident_gets_403(client, community, api_token, make_dwellings):
    resident = member(community, roles.RESIDENT, dwelling=make_dwellings(community, 1)[0])
    response = client.get(_url(community), headers=api_token(resident))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_other_communitys_dwellings_are_404(client, other_community, manager, api_token,
                                            make_dwellings):
    make_dwellings(other_community, 2)
    response = client.get(_url(other_community), headers=api_token(manager))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_pages_split_the_list(client, community, manager, api_token, make_dwellings):
    make_dwellings(community, 25)
    headers = api_token(manager)
    pages = [client.get(_url(community, f"?page={n}&per_page=10"), headers=headers).get_json()
             for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [10, 10, 5]
    assert all((p["per_page"], p["total"]) == (10, 25) for p in pages)
    assert [p["page"] for p in pages] == [1, 2, 3]
    ids = [item["id"] for p in pages for item in p["items"]]
    assert len(set(ids)) == 25


def test_huge_page_number_gives_empty_items(client, community, manager, api_token,
                                            make_dwellings):
    make_dwellings(community, 3)
    headers = api_token(manager)
    for page in ["2", "999999", "99999999999999999999"]:
        response = client.get(_url(community, f"?page={page}"), headers=headers)
        assert response.status_code == 200, page
        body = response.get_json()
        assert body["items"] == [] and body["total"] == 3


def test_per_page_allows_up_to_100(client, community, manager, api_token, make_dwellings):
    make_dwellings(community, 101)
    body = client.get(_url(community, "?per_page=100"), headers=api_token(manager)).get_json()
    assert (len(body["items"]), body["per_page"], body["total"]) == (100, 100, 101)


@pytest.mark.parametrize("query, field", [
    ("?per_page=101", "per_page"), ("?per_page=0", "per_page"), ("?per_page=-5", "per_page"),
    ("?page=0", "page"), ("?page=-1", "page"), ("?page=abc", "page"), ("?per_page=1.5", "per_page"),
])
def test_bad_page_parameters_give_422(client, community, manager, api_token, query, field):
    response = client.get(_url(community, query), headers=api_token(manager))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]


def test_list_runs_the_same_queries_for_5_and_50_dwellings(client, community, other_community,
                                                           api_token, make_dwellings,
                                                           count_queries):
    make_dwellings(community, 5)
    make_dwellings(other_community, 50)
    manager = member(community, roles.PROPERTY_MANAGER)
    other_manager = member(other_community, roles.PROPERTY_MANAGER)
    requests = [(_url(community, "?per_page=100"), api_token(manager)),
                (_url(other_community, "?per_page=100"), api_token(other_manager))]
    counts, sizes = [], []
    for url, headers in requests:
        with count_queries() as counter:
            response = client.get(url, headers=headers)
        counts.append(counter.count)
        sizes.append(len(response.get_json()["items"]))
    assert sizes == [5, 50]
    assert counts[0] == counts[1] <= 8
