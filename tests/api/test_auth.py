"""Bearer tokens: issuing, using, revoking, expiry, throttling; cookies are not accepted."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.models import ApiToken
from propmgmt.db import utcnow
from tests.api.bodies import error_of
from tests.conftest import PASSWORD
from tests.factories import member


def _issue(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_token_is_issued_with_an_expiry_in_the_future(client, manager):
    response = _issue(client, manager.username)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() is not None
    assert expires_at > utcnow()


def test_issued_token_authenticates_requests(client, manager):
    token = _issue(client, manager.username).get_json()["token"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == manager.username


def test_username_is_case_insensitive(client, manager):
    assert _issue(client, manager.username.upper()).status_code == 200


def test_wrong_password_gives_401_error_body(client, manager):
    response = _issue(client, manager.username, "wrong-password")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"
    assert "token" not in response.get_json()


def test_unknown_user_gives_401(client):
    response = _issue(client, "nobody-here")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_inactive_user_gets_no_token(client, manager, session):
    manager.is_active_user = False
    session.flush()
    assert _issue(client, manager.username).status_code == 401


def test_missing_credentials_give_422_with_fields(client):
    response = client.post("/api/v1/auth/token", json={})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"username", "password"}


def test_many_wrong_passwords_are_throttled_with_429(client, manager):
    statuses = [_issue(client, manager.username, "wrong-password").status_code
                for _ in range(8)]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    response = _issue(client, manager.username)
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"


def test_successful_logins_are_not_throttled(client, manager):
    assert all(_issue(client, manager.username).status_code == 200 for _ in range(8))


def test_token_endpoint_needs_no_csrf_token(app, client, manager, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert _issue(client, manager.username).status_code == 200


def test_revoked_token_gives_401(client, manager, api_token):
    headers = api_token(manager)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.delete("/api/v1/auth/token", headers=headers)
    assert response.status_code == 204
    assert response.get_data() == b""
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 401


def test_revoking_one_token_keeps_the_others(client, manager, api_token):
    first, second = api_token(manager), api_token(manager)
    assert client.delete("/api/v1/auth/token", headers=first).status_code == 204
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_expired_token_gives_401(client, manager, api_token, session):
    headers = api_token(manager)
    token = session.scalars(sa.select(ApiToken).where(ApiToken.user_id == manager.id)).one()
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_requests_without_token_give_401(client):
    for method, path in [("get", "/api/v1/me"), ("get", "/api/v1/communities"),
                         ("delete", "/api/v1/auth/token")]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "unauthorized"


def test_unknown_or_malformed_token_gives_401(client):
    for header in ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "not-a-token"]:
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_session_cookie_alone_is_not_accepted(client, login, manager):
    assert login(manager).status_code == 302
    assert client.get("/").status_code == 200
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_api_responses_set_no_session_cookie(client, manager, api_token):
    headers = api_token(manager)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_me_lists_memberships(client, community, other_community, api_token, session):
    user = member(community, roles.RESIDENT)
    user.display_name = "Li Lei"
    user.locale = "en"
    session.flush()
    response = client.get("/api/v1/me", headers=api_token(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"id": user.id, "username": user.username, "display_name": "Li Lei",
                    "locale": "en",
                    "memberships": [{"community_id": community.id, "role": "resident"}]}


def test_admin_membership_has_no_community(client, community, api_token):
    admin = member(community, roles.ADMIN)
    body = client.get("/api/v1/me", headers=api_token(admin)).get_json()
    assert body["memberships"] == [{"community_id": None, "role": "admin"}]
    assert body["locale"] is None
