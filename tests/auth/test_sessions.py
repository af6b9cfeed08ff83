"""Logging in and out, throttling, cookies, redirects, one-time passwords, language choice."""
import re

from propmgmt import roles
from propmgmt.auth import services
from propmgmt.auth.models import User
from propmgmt.db import db
from tests.conftest import make_app
from tests.factories import CommunityFactory
from tests.factories import member


def test_stored_password_hash_is_argon2id(client):
    user = services.create_user(username="newbie", password="long-enough-1")
    assert user.password_hash.startswith("$argon2id$")
    assert services.authenticate("NEWBIE", "long-enough-1") == user


def test_outdated_hash_is_upgraded_on_login(app):
    user = services.create_user(username="oldhash", password="long-enough-1")
    app.config["ARGON2_TIME_COST"] = 3
    try:
        old = user.password_hash
        assert services.authenticate("oldhash", "long-enough-1") == user
        assert user.password_hash != old and "t=3" in user.password_hash
    finally:
        app.config["ARGON2_TIME_COST"] = 2


def test_logout_ends_the_old_cookie(client, login):
    user = member(CommunityFactory(), roles.RESIDENT)
    login(user)
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_many_wrong_passwords_are_throttled_with_a_time(client):
    user = member(CommunityFactory(), roles.RESIDENT)
    statuses = [client.post("/login", data={"username": user.username, "password": "bad-guess"},
                            headers={"Accept-Language": "en"}).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    page = client.post("/login", data={"username": user.username, "password": "correct-horse-9"},
                       headers={"Accept-Language": "en"})
    assert page.status_code == 429
    assert re.search(r"Try again in \d+ seconds", page.get_data(as_text=True))


def test_successful_logins_do_not_count_against_the_limit(client, login):
    user = member(CommunityFactory(), roles.RESIDENT)
    for _ in range(8):
        assert login(user).status_code == 302
        client.post("/logout")


def test_open_redirect_after_login_is_refused(client):
    user = member(CommunityFactory(), roles.RESIDENT)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/login", data={"username": user.username,
                                               "password": "correct-horse-9", "next": target})
        assert response.status_code == 302
        assert response.location in ("/", "http://localhost/"), target
        client.post("/logout")


def test_local_next_is_followed(client):
    community = CommunityFactory()
    user = member(community, roles.RESIDENT)
    target = f"/communities/{community.id}"
    response = client.post("/login", data={"username": user.username,
                                           "password": "correct-horse-9", "next": target})
    assert response.location.endswith(target)


def test_session_cookie_flags_in_production_config(database_url):
    app = make_app(database_url, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                   SESSION_COOKIE_NAME="__Host-session", TESTING=False)
    with app.test_request_context():
        assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    client.post("/language", data={"locale": "en"}, base_url="https://localhost")
    cookie = client.get_cookie("__Host-session", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert response.status_code == 200


def test_one_time_password_forces_a_change(client, login):
    community = CommunityFactory()
    user = services.create_user(username="fresh", password="one-time-pw", role=roles.RESIDENT,
                                community=community, must_change_password=True)
    login(user, password="one-time-pw")
    assert "/account/password" in client.get("/").location
    response = client.post("/account/password", data={
        "current_password": "one-time-pw", "new_password": "my-own-secret",
        "confirm": "my-own-secret"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_password_change_refuses_wrong_current_password(client, login):
    user = member(CommunityFactory(), roles.RESIDENT)
    login(user)
    response = client.post("/account/password", data={
        "current_password": "wrong-one", "new_password": "my-own-secret",
        "confirm": "my-own-secret"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)


def test_language_choice_sticks_to_the_account(client, login):
    user = member(CommunityFactory(), roles.RESIDENT)
    login(user)
    client.post("/language", data={"locale": "en", "next": "/"})
    assert db.session.get(User, user.id).locale == "en"
    assert "Log out" in client.get("/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    client.post("/language", data={"locale": "zh", "next": "/"})
    assert "退出" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    response = client.post("/language", data={"locale": "xx", "next": "/login"})
    assert response.status_code == 302
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_duplicate_username_is_refused(client):
    services.create_user(username="taken", password="long-enough-1")
    try:
        services.create_user(username="TAKEN", password="long-enough-1")
    except Exception as error:  # noqa: BLE001
        assert error.fields == {"username": ["This username is already taken."]}
    else:
        raise AssertionError("duplicate accepted")
