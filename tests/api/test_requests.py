"""Malformed and hostile requests get the API's error body with 4xx, never a 500."""
import pytest

from propmgmt import roles
from tests.api.bodies import error_of
from tests.factories import member

TOKEN_URL = "/api/v1/auth/token"


def _mode_url(community):
    return f"/api/v1/communities/{community.id}/management-mode"


def test_malformed_json_gives_400(client):
    response = client.post(TOKEN_URL, data='{"username": "a",', content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_json_nested_too_deep_gives_400(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(_mode_url(community), data="[" * 100_000 + "]" * 100_000,
                           content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_undecodable_body_gives_400(client):
    response = client.post(TOKEN_URL, data=b'{"username": "\xff\xfe"}',
                           content_type="application/json")
    assert response.status_code == 400
    error_of(response)


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "true"])
def test_body_that_is_not_an_object_gives_422(client, body):
    response = client.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "validation_error"


def test_wrong_content_type_gives_422(client, community):
    response = client.post(TOKEN_URL, data={"username": "a", "password": "b"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"username", "password"}


def test_unknown_fields_are_refused(client):
    response = client.post(TOKEN_URL, json={"username": "a", "password": "b", "admin": True})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["admin"]


@pytest.mark.parametrize("username", ["nul\u0000byte", "surrogate\ud800", 42, None, "x" * 65])
def test_unstorable_or_wrong_type_text_gives_422(client, username):
    response = client.post(TOKEN_URL, json={"username": username, "password": "pw"})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["username"]


def test_unstorable_text_in_a_write_gives_422(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(_mode_url(community), headers=headers, json={
        "mode": "quasi", "effective_from": "2025-01-01", "reason": "a\u0000b"})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["reason"]


def test_huge_vote_id_gives_422(client, community, api_token):
    headers = api_token(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(_mode_url(community), headers=headers, json={
        "mode": "quasi", "effective_from": "2025-01-01", "reason": "r", "vote_id": 10**20})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["vote_id"]


def test_unknown_api_path_and_method_get_the_error_body(client, manager, api_token):
    headers = api_token(manager)
    response = client.get("/api/v1/nothing-here", headers=headers)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    response = client.put("/api/v1/me", headers=headers)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("language", ["en", "zh", "zh-CN,zh;q=0.9", "fr"])
def test_error_messages_are_given_in_a_language(client, language):
    headers = {"Accept-Language": language}
    unauthorized = client.get("/api/v1/me", headers=headers)
    assert error_of(unauthorized)["message"]
    invalid = client.post(TOKEN_URL, json={}, headers=headers)
    error = error_of(invalid)
    assert error["message"] and error["fields"]["username"][0]


def test_english_messages_are_english(client):
    headers = {"Accept-Language": "en"}
    error = error_of(client.post(TOKEN_URL, json={"password": "pw"}, headers=headers))
    assert error["fields"] == {"username": ["This field is required."]}
    assert error["message"] == "Some of the input is not valid."


def test_json_nested_too_deep_on_the_token_endpoint_gives_400(client):
    response = client.post(TOKEN_URL, data="[" * 100_000 + "]" * 100_000,
                           content_type="application/json")
    assert response.status_code == 400
