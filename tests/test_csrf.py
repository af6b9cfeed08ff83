"""With CSRF protection on (as in production), forms without the token change nothing."""
import re

import pytest

from propmgmt import roles
from tests.conftest import IsolatedClient
from tests.conftest import make_app
from tests.factories import CommunityFactory
from tests.factories import member


@pytest.fixture
def csrf_client(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    app.test_client_class = IsolatedClient
    return app.test_client()


def _token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
                     ).group(1)


def test_login_without_token_is_refused(csrf_client):
    user = member(CommunityFactory(), roles.RESIDENT)
    response = csrf_client.post("/login", data={"username": user.username,
                                                "password": "correct-horse-9"},
                                headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert csrf_client.get("/").status_code == 302


def test_login_with_token_works_and_later_forms_need_it(csrf_client):
    community = CommunityFactory()
    user = member(community, roles.DISTRICT_SUPERVISOR)
    token = _token(csrf_client.get("/login"))
    response = csrf_client.post("/login", data={"username": user.username,
                                                "password": "correct-horse-9",
                                                "csrf_token": token})
    assert response.status_code == 302
    refused = csrf_client.post(f"/communities/{community.id}/buildings/new", data={"name": "9"})
    assert refused.status_code == 400
    form = csrf_client.get(f"/communities/{community.id}/buildings/new")
    accepted = csrf_client.post(f"/communities/{community.id}/buildings/new",
                                data={"name": "9", "csrf_token": _token(form)})
    assert accepted.status_code == 302


def test_api_needs_no_csrf_token(csrf_client):
    member(CommunityFactory(), roles.RESIDENT, username="apiuser")
    response = csrf_client.post("/api/v1/auth/token", json={"username": "apiuser",
                                                            "password": "correct-horse-9"})
    assert response.status_code == 200
