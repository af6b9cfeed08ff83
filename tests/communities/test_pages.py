"""Community pages: who sees what, creating communities, structure, organizations, contracts."""
import datetime as dt
import re

from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.communities import modes
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}


def count(model):
    return db.session.query(model).count()


def test_resident_sees_own_community_and_not_another(client, login):
    mine, other = CommunityFactory(name="Mine"), CommunityFactory(name="Other")
    login(member(mine, roles.RESIDENT))
    assert client.get(f"/communities/{mine.id}").status_code == 200
    assert client.get(f"/communities/{other.id}").status_code == 404
    listing = client.get("/communities/").get_data(as_text=True)
    assert "Mine" in listing and "Other" not in listing


def test_resident_cannot_list_dwellings_or_change_mode(client, login):
    community = CommunityFactory()
    login(member(community, roles.RESIDENT))
    assert client.get(f"/communities/{community.id}/dwellings").status_code == 403
    assert client.get(f"/communities/{community.id}/mode").status_code == 403
    assert client.get("/communities/new").status_code == 403


def test_supervisor_creates_a_community_and_supervises_it(client, login):
    supervisor = member(CommunityFactory(), roles.DISTRICT_SUPERVISOR)
    login(supervisor)
    response = client.post("/communities/new", data={
        "name": "幸福苑", "district": "东城区", "mode": modes.QUASI, "address": ""})
    assert response.status_code == 302
    created = db.session.query(Community).filter_by(name="幸福苑").one()
    assert created.management_mode == modes.QUASI
    assert roles.DISTRICT_SUPERVISOR in supervisor.roles_in(created.id)
    assert client.get(f"/communities/{created.id}").status_code == 200


def test_duplicate_community_name_is_refused_on_the_form(client, login):
    admin = member(None, roles.ADMIN)
    CommunityFactory(name="Taken")
    login(admin)
    before = count(Community)
    response = client.post("/communities/new", data={"name": "Taken", "district": "D",
                                                     "mode": modes.QUASI}, headers=EN)
    assert response.status_code == 422
    assert "A community with this name already exists." in response.get_data(as_text=True)
    assert count(Community) == before


def test_unknown_mode_is_refused(client, login):
    login(member(None, roles.ADMIN))
    response = client.post("/communities/new", data={"name": "X", "district": "D",
                                                     "mode": "anarchy"}, headers=EN)
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_mode_change_is_recorded_with_history(client, login):
    community = CommunityFactory(initial_mode=modes.COORDINATED)
    login(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/communities/{community.id}/mode", data={
        "mode": modes.SELF_GOVERNED, "effective_from": "2025-03-01",
        "reason": "Owners' committee elected", "decided_by": "Owners' vote 2025-02"})
    assert response.status_code == 302
    page = client.get(f"/communities/{community.id}/mode", headers=EN).get_data(as_text=True)
    assert "Owners&#39; committee elected" in page and "2025-03-01" in page
    db.session.refresh(community)
    assert [c.mode for c in community.mode_changes] == [modes.COORDINATED, modes.SELF_GOVERNED]
    assert community.mode_on(dt.date(2025, 2, 28)) == modes.COORDINATED
    assert community.management_mode == modes.SELF_GOVERNED


def test_mode_change_before_the_last_one_is_refused(client, login):
    community = CommunityFactory()
    login(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/communities/{community.id}/mode", data={
        "mode": modes.QUASI, "effective_from": "2023-12-31", "reason": "r",
        "decided_by": "Street office"}, headers=EN)
    assert response.status_code == 422
    assert "must take effect after the last change (2024-01-01)" in response.get_data(as_text=True)
    db.session.refresh(community)
    assert len(community.mode_changes) == 1


def test_property_manager_cannot_change_mode(client, login):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    response = client.post(f"/communities/{community.id}/mode", data={
        "mode": modes.QUASI, "effective_from": "2030-01-01", "reason": "r"})
    assert response.status_code == 403


def test_buildings_and_dwellings_are_added(client, login):
    community = CommunityFactory()
    login(member(community, roles.DISTRICT_SUPERVISOR))
    assert client.post(f"/communities/{community.id}/buildings/new",
                       data={"name": "3", "floors": "6"}).status_code == 302
    building = db.session.query(Building).filter_by(community_id=community.id, name="3").one()
    response = client.post(f"/communities/{community.id}/dwellings/new", data={
        "building_id": building.id, "number": "502", "area_m2": "72.30"})
    assert response.status_code == 302
    dwelling = db.session.query(Dwelling).filter_by(building_id=building.id).one()
    assert dwelling.label == "3-502" and dwelling.area_x100 == 7230


def test_bad_areas_are_refused_and_nothing_written(client, login):
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    login(member(community, roles.DISTRICT_SUPERVISOR))
    for area, message in (("0", "more than 0"), ("-5", "more than 0"), ("99999", "is not a dwelling"),
                          ("12.345", "two decimals")):
        response = client.post(f"/communities/{community.id}/dwellings/new", data={
            "building_id": building.id, "number": "101", "area_m2": area}, headers=EN)
        assert response.status_code == 422, area
        assert message in response.get_data(as_text=True), area
    assert count(Dwelling) == 0


def test_building_of_another_community_is_refused(client, login):
    community, other = CommunityFactory(), CommunityFactory()
    foreign = BuildingFactory(community=other)
    login(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/communities/{community.id}/dwellings/new", data={
        "building_id": foreign.id, "number": "101", "area_m2": "50"})
    assert response.status_code == 422
    assert count(Dwelling) == 0


def test_organizations_and_contract_show_on_the_page(client, login):
    community = CommunityFactory()
    login(member(community, roles.DISTRICT_SUPERVISOR))
    client.post(f"/communities/{community.id}/organizations", data={
        "kind": modes.PARTY, "name": "和平里社区党委", "contact_name": "王书记",
        "contact_phone": "010-1234"})
    response = client.post(f"/communities/{community.id}/contracts/new", data={
        "company_name": "安居物业", "starts_on": "2025-01-01", "ends_on": "2027-12-31",
        "fee_yuan_per_m2": "0.45", "scope": "保洁 保安 绿化"})
    assert response.status_code == 302
    contract = db.session.query(ServiceContract).one()
    assert contract.fee_fen_per_m2 == 45
    page = client.get(f"/communities/{community.id}").get_data(as_text=True)
    assert "和平里社区党委" in page and "安居物业" in page and "2027-12-31" in page


def test_contract_ending_before_it_starts_is_refused(client, login):
    community = CommunityFactory()
    login(member(community, roles.DISTRICT_SUPERVISOR))
    response = client.post(f"/communities/{community.id}/contracts/new", data={
        "company_name": "A", "starts_on": "2025-01-01", "ends_on": "2024-01-01"}, headers=EN)
    assert response.status_code == 422
    assert "must end after it starts" in response.get_data(as_text=True)
    assert count(ServiceContract) == 0


def test_dwellings_page_has_bounded_queries(client, login, count_queries):
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    user = member(community, roles.PROPERTY_MANAGER)
    login(user)

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(f"/communities/{community.id}/dwellings").status_code == 200
        return counter.count

    DwellingFactory.create_batch(3, building=building)
    few = queries_for_page()
    DwellingFactory.create_batch(40, building=building)
    assert queries_for_page() == few


def test_dwellings_export_to_xlsx(client, login):
    import io  # noqa: PLC0415

    from openpyxl import load_workbook  # noqa: PLC0415

    community = CommunityFactory()
    building = BuildingFactory(community=community, name="7")
    DwellingFactory(building=building, number="101", area_x100=6512)
    login(member(community, roles.PROPERTY_STAFF))
    response = client.get(f"/communities/{community.id}/dwellings.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[1][:3] == ("7", "101", 65.12)


def test_user_with_two_communities_switches(client, login):
    first, second = CommunityFactory(name="Alpha"), CommunityFactory(name="Beta")
    user = member(first, roles.PARTY_SECRETARY)
    member_of_second = roles.PARTY_SECRETARY
    from propmgmt.auth.services import grant_role  # noqa: PLC0415

    grant_role(user=user, role=member_of_second, community=second)
    login(user)
    response = client.post("/switch-community", data={"community_id": second.id})
    assert response.status_code == 302 and response.location.endswith(f"/communities/{second.id}")
    assert '<option value="%d" selected>' % second.id in client.get("/").get_data(as_text=True)
    other = CommunityFactory()
    assert client.post("/switch-community", data={"community_id": other.id}).status_code == 404


def test_absurd_ids_are_not_found(client, login):
    login(member(CommunityFactory(), roles.RESIDENT))
    for url in ("/communities/99999999999999999999", "/communities/2147483648/dwellings",
                "/communities/0"):
        assert client.get(url).status_code == 404, url


def test_a_page_of_another_community_makes_it_the_working_one(client, login):
    """The navigation (its links, the switcher) follows the community whose page is open: a
    party secretary of two communities who follows a link into the second one sees and works
    in the second one, also on the pages after it."""
    first, second = CommunityFactory(name="Alpha Court"), CommunityFactory(name="Beta Court")
    secretary = member(first, roles.PARTY_SECRETARY)
    db.session.add(Membership(user_id=secretary.id, community_id=second.id,
                              role=roles.PARTY_SECRETARY))
    db.session.flush()
    login(secretary)

    def selected(path):
        page = client.get(path).get_data(as_text=True)
        return re.search(r'<option value="(\d+)" selected>', page).group(1)

    assert selected("/") == str(first.id)
    assert selected(f"/communities/{second.id}/tickets") == str(second.id)
    home = client.get("/").get_data(as_text=True)
    assert f'href="/communities/{second.id}/tickets"' in home  # the menu's Tickets link
    assert selected("/") == str(second.id)
