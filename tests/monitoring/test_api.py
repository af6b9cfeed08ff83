"""The indicator endpoints of shared/API.md, read from the stored months."""
from tests.monitoring.test_dashboard import district  # noqa: F401 (fixture)

EN = {"Accept-Language": "en"}


def test_community_indicators_with_no_data_as_null(district, client, api_token):  # noqa: F811
    token = api_token(district["secretary"])
    bad = client.get(f"/api/v1/communities/{district['bad'].id}/indicators", headers=token)
    body = bad.get_json()
    assert bad.status_code == 200 and body["period"] == district["period"]
    assert body["collection_rate"] == 40.0 and body["on_time_rate"] == 50.0
    assert body["backsliding_index"] == 42.0 and body["tickets_overdue"] == 7
    assert body["satisfaction"] is None and body["inspection_pass_rate"] is None
    assert [a["indicator"] for a in body["alerts"]] == ["collection_rate"]
    other = client.get(f"/api/v1/communities/{district['quiet'].id}/indicators", headers=token)
    assert other.status_code == 404
    resident = client.get(f"/api/v1/communities/{district['good'].id}/indicators",
                          headers=api_token(district["resident"]))
    assert resident.status_code == 403


def test_bad_or_future_periods_are_422(district, client, api_token):  # noqa: F811
    token = {**api_token(district["secretary"]), **EN}
    url = f"/api/v1/communities/{district['bad'].id}/indicators"
    for period in ("2026-13", "abc", "2099-01"):
        response = client.get(f"{url}?period={period}", headers=token)
        assert response.status_code == 422, period
        assert "period" in response.get_json()["error"]["fields"]


def test_overview_ranks_the_supervised_communities(district, client, api_token):  # noqa: F811
    body = client.get("/api/v1/supervision/overview",
                      headers=api_token(district["supervisor"])).get_json()
    assert [c["community"] for c in body["communities"]] == [
        "Good Court", "Bad Court", "Quiet Court"]
    assert body["communities"][2]["backsliding_index"] is None
    secretary = client.get("/api/v1/supervision/overview",
                           headers=api_token(district["secretary"])).get_json()
    assert [c["community"] for c in secretary["communities"]] == ["Good Court", "Bad Court"]
    resident = client.get("/api/v1/supervision/overview", headers=api_token(district["resident"]))
    assert resident.status_code == 403
