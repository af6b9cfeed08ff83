"""The roster upload page, end to end: who may use it, what it shows, what it writes."""
import html
import io

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from tests.communities.test_roster import csv_bytes
from tests.communities.test_roster import xlsx_bytes
from tests.factories import CommunityFactory
from tests.factories import member

EN = {"Accept-Language": "en"}


@pytest.fixture
def upload(client):
    def do(community, data, filename):
        return client.post(f"/communities/{community.id}/roster", headers=EN,
                           data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")

    return do


def dwelling_count(community):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Dwelling)
                             .where(Dwelling.community_id == community.id))


def test_manager_uploads_a_csv_and_sees_the_one_time_passwords(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    page = client.get(f"/communities/{community.id}/roster", headers=EN)
    assert page.status_code == 200 and "owner_phone" in page.get_data(as_text=True)
    response = upload(community, csv_bytes([("3", "502", "88.5", "Li Lei", "1380", "lilei"),
                                            ("3", "601", "72", "Han Meimei", "", "hanmeimei")]),
                      "roster.csv")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "New dwellings: 2" in text and "Owners linked: 2" in text
    for username in ("lilei", "hanmeimei"):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user.roles_in(community.id) == {roles.RESIDENT} and user.must_change_password
        assert username in text
    assert text.count("<code>") >= 2
    assert dwelling_count(community) == 2


def test_manager_uploads_an_xlsx(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    response = upload(community, xlsx_bytes([("A", 1, 50, "王五", 13900000000, None)]),
                      "名册.xlsx")
    assert response.status_code == 200
    assert "New dwellings: 1" in response.get_data(as_text=True)
    person = db.session.scalar(sa.select(Person).where(Person.community_id == community.id))
    assert (person.name, person.phone, person.user_id) == ("王五", "13900000000", None)


def test_reimport_says_nothing_new(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    data = csv_bytes([("1", "101", "50", "A", "", "")])
    assert upload(community, data, "roster.csv").status_code == 200
    text = upload(community, data, "roster.csv").get_data(as_text=True)
    assert "New dwellings: 0" in text and "Nothing new" in text


def test_bad_file_shows_every_row_error_and_writes_nothing(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    rows = [("1", str(100 + n), "50", f"Owner {n}", "", f"owner{n}") for n in range(10)]
    rows[3] = ("1", "103", "-5", "Owner 3", "", "owner3")
    rows[7] = ("1", "107", "88.555", "Owner 7", "", "owner7")
    response = upload(community, csv_bytes(rows), "roster.csv")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Nothing was imported." in text
    assert "Row 5: The area must be more than 0 m²." in text
    assert "Row 9: Give the area to at most two decimals." in text
    assert dwelling_count(community) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occupancy)) == 0
    assert db.session.scalar(sa.select(User).where(User.username == "owner0")) is None


def test_file_of_another_type_is_refused(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    response = upload(community, b"hello", "roster.txt")
    assert response.status_code == 422
    assert "Upload a .csv or .xlsx file." in response.get_data(as_text=True)


def test_resident_is_forbidden(client, login, upload):
    community = CommunityFactory()
    login(member(community, roles.RESIDENT))
    assert client.get(f"/communities/{community.id}/roster").status_code == 403
    data = csv_bytes([("1", "101", "50", "A", "", "")])
    assert upload(community, data, "roster.csv").status_code == 403
    assert dwelling_count(community) == 0


def test_manager_of_another_community_gets_not_found(client, login, upload):
    community, other = CommunityFactory(), CommunityFactory()
    login(member(other, roles.PROPERTY_MANAGER))
    assert client.get(f"/communities/{community.id}/roster").status_code == 404
    data = csv_bytes([("1", "101", "50", "A", "", "")])
    assert upload(community, data, "roster.csv").status_code == 404
    assert dwelling_count(community) == 0


def test_manager_downloads_a_roster_template_that_imports(client, login):
    from openpyxl import load_workbook  # noqa: PLC0415

    community = CommunityFactory()
    login(member(community, roles.PROPERTY_MANAGER))
    response = client.get(f"/communities/{community.id}/roster-template.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0] == ("building", "dwelling", "area_m2", "owner_name", "owner_phone", "username",
                       "register_area_m2", "surveyed_area_m2", "contract_area_m2")
    assert len(rows) == 3
    upload = client.post(f"/communities/{community.id}/roster", data={
        "file": (io.BytesIO(response.data), "roster-template.xlsx")},
        content_type="multipart/form-data")
    assert upload.status_code == 200
    assert db.session.query(Dwelling).filter_by(community_id=community.id).count() == 2
    sources = {d.number: (d.area_x100, d.area_source) for d in db.session.query(Dwelling)
               .filter_by(community_id=community.id)}
    assert sources == {"502": (7230, "register"), "503": (6510, None)}
