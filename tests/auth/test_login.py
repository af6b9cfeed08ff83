from propmgmt import roles
from tests.factories import CommunityFactory
from tests.factories import member


def test_resident_logs_in_and_sees_home(client, login):
    community = CommunityFactory(name="和平里")
    user = member(community, roles.RESIDENT)
    response = login(user)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "和平里" in page.get_data(as_text=True)


def test_wrong_password_is_refused_with_message(client, login):
    user = member(CommunityFactory(), roles.RESIDENT)
    response = login(user, password="nope-nope")
    assert response.status_code == 401
    assert client.get("/").status_code == 302
