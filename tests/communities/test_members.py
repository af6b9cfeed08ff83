"""Creating users and granting or revoking roles, from the members page."""
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.communities import people
from propmgmt.db import db
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import UserFactory
from tests.factories import member

EN = {"Accept-Language": "en"}


def test_manager_creates_a_resident_bound_to_a_dwelling(client, login):
    community = CommunityFactory()
    DwellingFactory(building=BuildingFactory(community=community, name="3"), number="502")
    login(member(community, roles.PROPERTY_MANAGER))
    response = client.post(f"/communities/{community.id}/members/create", data={
        "create-username": "li.lei", "create-display_name": "李雷", "create-phone": "13800000000",
        "create-password": "", "create-role": roles.RESIDENT, "create-dwelling": "3-502",
        "create-occupancy": "owner"}, headers=EN)
    assert response.status_code == 200
    assert "One-time password (shown only now)" in response.get_data(as_text=True)
    user = db.session.query(User).filter_by(username="li.lei").one()
    assert user.must_change_password and user.roles_in(community.id) == {roles.RESIDENT}
    assert [(d.label, kind) for d, kind in people.dwellings_of(user, community.id)] == [
        ("3-502", "owner")]


def test_manager_may_not_hand_out_committee_roles(client, login):
    community = CommunityFactory()
    target = UserFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    response = client.post(f"/communities/{community.id}/members/grant", data={
        "grant-username": target.username, "grant-role": roles.OWNERS_COMMITTEE})
    assert response.status_code == 403
    assert db.session.query(Membership).filter_by(user_id=target.id).count() == 0


def test_supervisor_grants_and_revokes(client, login):
    community = CommunityFactory()
    target = UserFactory(username="zhang")
    login(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/communities/{community.id}/members/grant", data={
        "grant-username": "zhang", "grant-role": roles.OWNERS_COMMITTEE})
    assert response.status_code == 302
    assert target.roles_in(community.id) == {roles.OWNERS_COMMITTEE}
    page = client.get(f"/communities/{community.id}/members", headers=EN).get_data(as_text=True)
    assert "zhang" in page and "Owners' committee" in page
    response = client.post(f"/communities/{community.id}/members/revoke", data={
        "user_id": target.id, "role": roles.OWNERS_COMMITTEE})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.roles_in(community.id) == set()


def test_tenant_binding_and_unknown_dwelling(client, login):
    community = CommunityFactory()
    dwelling = DwellingFactory(building=BuildingFactory(community=community, name="1"),
                               number="101")
    target = UserFactory(username="renter")
    login(member(community, roles.DISTRICT_SUPERVISOR))
    bad = client.post(f"/communities/{community.id}/members/grant", data={
        "grant-username": "renter", "grant-role": roles.RESIDENT, "grant-dwelling": "9-999",
        "grant-occupancy": "tenant"}, headers=EN)
    assert bad.status_code == 422 and "No dwelling 9-999" in bad.get_data(as_text=True)
    assert target.roles_in(community.id) == set()
    good = client.post(f"/communities/{community.id}/members/grant", data={
        "grant-username": "renter", "grant-role": roles.RESIDENT, "grant-dwelling": "1-101",
        "grant-occupancy": "tenant"})
    assert good.status_code == 302
    assert [(d.id, k) for d, k in people.dwellings_of(target, community.id)] == [
        (dwelling.id, "tenant")]


def test_duplicate_username_on_the_page(client, login):
    community = CommunityFactory()
    UserFactory(username="dup")
    login(member(community, roles.DISTRICT_SUPERVISOR))
    before = db.session.query(User).count()
    response = client.post(f"/communities/{community.id}/members/create", data={
        "create-username": "dup", "create-password": "long-enough-1",
        "create-role": roles.PROPERTY_STAFF, "create-occupancy": "owner"}, headers=EN)
    assert response.status_code == 422
    assert "This username is already taken." in response.get_data(as_text=True)
    assert db.session.query(User).count() == before


def test_members_page_of_another_community_is_404(client, login):
    mine, other = CommunityFactory(), CommunityFactory()
    login(member(mine, roles.PROPERTY_MANAGER))
    assert client.get(f"/communities/{other.id}/members").status_code == 404
    assert client.post(f"/communities/{other.id}/members/grant", data={
        "grant-username": "x", "grant-role": roles.RESIDENT}).status_code == 404


def test_residents_cannot_see_members(client, login):
    community = CommunityFactory()
    login(member(community, roles.RESIDENT))
    assert client.get(f"/communities/{community.id}/members").status_code == 403


def test_manager_is_offered_only_the_roles_they_may_hand_out(client, login):
    community = CommunityFactory()
    member(community, roles.DISTRICT_SUPERVISOR, username="boss")
    login(member(community, roles.PROPERTY_MANAGER))
    page = client.get(f"/communities/{community.id}/members").get_data(as_text=True)
    assert 'value="technician"' in page and 'value="owners_committee"' not in page
    assert 'name="role" value="district_supervisor"' not in page
