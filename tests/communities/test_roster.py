"""The roster import service: reading CSV/XLSX, checking every row, writing all or nothing."""
import csv
import io
import time

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from propmgmt import roles
from propmgmt.audit import AuditEntry
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.auth.passwords import verify_password
from propmgmt.communities import roster
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.errors import Invalid
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import UserFactory

HEADER = ("building", "dwelling", "area_m2", "owner_name", "owner_phone", "username")
MODELS = (Building, Dwelling, Person, Occupancy, User, Membership)


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    book = openpyxl.Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    book.create_sheet("ignored").append(["nothing", "here"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(community, data, filename="roster.csv", **kwargs):
    return roster.import_roster(community=community, stream=io.BytesIO(data), filename=filename,
                                **kwargs)


def refused(community, data, filename="roster.csv"):
    """The messages of a refused import, after checking that nothing was written."""
    before = counts()
    with pytest.raises(Invalid) as caught:
        run(community, data, filename)
    assert counts() == before
    return caught.value.fields["file"]


def counts():
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in MODELS}


def dwellings_of(community):
    return {(d.building.name, d.number): d.area_x100 for d in db.session.scalars(
        sa.select(Dwelling).where(Dwelling.community_id == community.id))}


def owners_of(community):
    """(building-number label, owner name, owner phone) of every owner tie."""
    rows = db.session.execute(
        sa.select(Dwelling, Person).join(Occupancy, Occupancy.dwelling_id == Dwelling.id)
        .join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community.id, Occupancy.kind == "owner"))
    return {(d.label, p.name, p.phone) for d, p in rows}


def test_utf8_bom_csv_creates_dwellings_owners_and_accounts():
    community = CommunityFactory()
    data = csv_bytes([("3", "502", "88.50", "Li Lei", "13800000001", "lilei"),
                      ("3", "601", "72", "Han Meimei", "", ""),
                      ("5", "101", "60.25", "Wang Fang", "13800000003", "")])
    assert data.startswith(b"\xef\xbb\xbf")
    result = run(community, data)
    assert (result.rows, result.buildings_created, result.dwellings_created,
            result.owners_linked) == (3, 2, 3, 3)
    assert dwellings_of(community) == {("3", "502"): 8850, ("3", "601"): 7200,
                                       ("5", "101"): 6025}
    assert owners_of(community) == {("3-502", "Li Lei", "13800000001"),
                                     ("3-601", "Han Meimei", None),
                                     ("5-101", "Wang Fang", "13800000003")}
    [(username, password)] = result.accounts
    user = db.session.scalar(sa.select(User).where(User.username == "lilei"))
    assert username == "lilei" and user.must_change_password
    assert verify_password(user.password_hash, password)[0]
    assert user.roles_in(community.id) == {roles.RESIDENT}
    assert user.display_name == "Li Lei" and user.phone == "13800000001"
    person = db.session.scalar(sa.select(Person).where(Person.name == "Li Lei"))
    assert person.user_id == user.id and person.community_id == community.id


def test_gb18030_csv_from_chinese_excel():
    community = CommunityFactory()
    data = csv_bytes([("3号楼", "502室", "88.5", "张三", "13900000000", ""),
                      ("3号楼", "503室", "90", "李四", "", "")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = run(community, data)
    assert (result.buildings_created, result.dwellings_created) == (1, 2)
    assert owners_of(community) == {("3号楼-502室", "张三", "13900000000"),
                                     ("3号楼-503室", "李四", None)}


def test_xlsx_reads_first_sheet_with_columns_in_any_order_and_case():
    community = CommunityFactory()
    header = (" Owner_Name ", "AREA_M2", "Building", "note", "dwelling", "owner_phone")
    data = xlsx_bytes([("赵六", 65.5, 7, "ignored", 101, 13812345678),
                       (None, None, None, None, None, None),
                       ("钱七", 70, "7", "", "102", None)], header=header)
    result = run(community, data, filename="ROSTER.XLSX")
    assert (result.rows, result.dwellings_created, result.accounts) == (2, 2, [])
    assert dwellings_of(community) == {("7", "101"): 6550, ("7", "102"): 7000}
    assert owners_of(community) == {("7-101", "赵六", "13812345678"), ("7-102", "钱七", None)}


def test_xlsx_errors_name_the_spreadsheet_row():
    community = CommunityFactory()
    data = xlsx_bytes([("1", "101", 50, "A", "", ""),
                       (None, None, None, None, None, None),
                       ("1", "102", 0, "B", "", "")])
    assert refused(community, data, "roster.xlsx") == [
        "Row 4: The area must be more than 0 m²."]


def test_one_owner_with_three_dwellings_is_one_person_with_one_account():
    community = CommunityFactory()
    rows = [("1", n, "80", "Zhou Jie", "13700000000", "zhoujie") for n in ("101", "201", "301")]
    rows.append(("1", "401", "80", "Zhou Jie", "13700000001", ""))  # another phone: another person
    result = run(community, csv_bytes(rows))
    assert result.owners_linked == 4 and [u for u, _p in result.accounts] == ["zhoujie"]
    people = db.session.scalars(sa.select(Person).where(Person.community_id == community.id)
                                .order_by(Person.phone)).all()
    assert [(p.phone, p.user is not None) for p in people] == [("13700000000", True),
                                                               ("13700000001", False)]
    ties = db.session.scalars(sa.select(Occupancy).where(Occupancy.person_id == people[0].id))
    assert len(ties.all()) == 3


def test_importing_the_same_file_twice_creates_nothing_new():
    community = CommunityFactory()
    data = csv_bytes([("1", "101", "50", "Sun Li", "1", "sunli"),
                      ("1", "102", "55", "Sun Li", "1", "sunli"),
                      ("2", "101", "60", "Qian Wu", "", "")])
    first = run(community, data)
    assert (first.buildings_created, first.dwellings_created, first.owners_linked,
            len(first.accounts)) == (2, 3, 3, 1)
    before = counts()
    again = run(community, data)
    assert again == roster.ImportResult(rows=3)
    assert counts() == before
    audits = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "roster.import")
                                .order_by(AuditEntry.id)).all()
    assert [(a.detail["rows"], a.detail["dwellings_created"], a.detail["accounts"])
            for a in audits] == [(3, 3, ["sunli"]), (3, 0, [])]


def test_new_owner_of_existing_dwelling_is_linked_without_touching_it():
    community = CommunityFactory()
    DwellingFactory(building=BuildingFactory(community=community, name="9"), number="1",
                    area_x100=4000)
    result = run(community, csv_bytes([("9", "1", "40.00", "Feng", "", "")]))
    assert (result.buildings_created, result.dwellings_created, result.owners_linked) == (0, 0, 1)
    assert owners_of(community) == {("9-1", "Feng", None)}


def test_missing_columns_are_reported_once():
    community = CommunityFactory()
    data = csv_bytes([("1", "101", "50")], header=("building", "Dwelling", "area"))
    assert refused(community, data) == [
        "The header row lacks the columns: area_m2, owner_name, owner_phone."]


def test_bad_areas_are_reported_by_row_number():
    community = CommunityFactory()
    rows = [("1", str(n), area, "Owner", "", "")
            for n, area in enumerate(("0", "-5", "abc", "99999", "88.555", "88.55", ""))]
    assert refused(community, csv_bytes(rows)) == [
        "Row 2: The area must be more than 0 m².",
        "Row 3: The area must be more than 0 m².",
        "Row 4: Enter the area as a number of square metres.",
        "Row 5: An area over 2000 m² is not a dwelling.",
        "Row 6: Give the area to at most two decimals.",
        "Row 8: Enter the area as a number of square metres.",
    ]


def test_empty_building_dwelling_or_owner_and_overlong_values_are_reported():
    community = CommunityFactory()
    rows = [(" ", "101", "50", "A", "", ""), ("1", "", "50", "B", "", ""),
            ("1", "103", "50", "", "", ""), ("1", "104", "50", "D", "1" * 33, "")]
    assert refused(community, csv_bytes(rows)) == [
        "Row 2: The building is empty.", "Row 3: The dwelling number is empty.",
        "Row 4: The owner's name is empty.",
        "Row 5: The owner_phone value is longer than 32 characters."]


def test_same_dwelling_twice_with_another_area_or_owner_reports_the_later_row():
    community = CommunityFactory()
    rows = [("1", "101", "50", "A", "", ""), ("1", "101", "50", "A", "", ""),  # same: fine
            ("1", "101", "51", "A", "", ""), ("1", "101", "50", "B", "", "")]
    assert refused(community, csv_bytes(rows)) == [
        "Row 4: Dwelling 1-101 is already on row 2 with a different area or owner.",
        "Row 5: Dwelling 1-101 is already on row 2 with a different area or owner."]


def test_repeated_row_is_imported_once_and_may_add_the_username():
    community = CommunityFactory()
    rows = [("1", "101", "50", "A", "", ""), ("1", "101", "50", "A", "", "a-user")]
    result = run(community, csv_bytes(rows))
    assert (result.rows, result.dwellings_created, result.owners_linked) == (2, 1, 1)
    assert [u for u, _p in result.accounts] == ["a-user"]
    assert owners_of(community) == {("1-101", "A", None)}


def test_tenant_named_as_owner_becomes_the_owner():
    community = CommunityFactory()
    dwelling = DwellingFactory(building=BuildingFactory(community=community, name="2"),
                               number="8", area_x100=5000)
    tenant = Person(community_id=community.id, name="Tenant", phone="5")
    db.session.add(tenant)
    db.session.flush()
    db.session.add(Occupancy(community_id=community.id, dwelling_id=dwelling.id,
                             person_id=tenant.id, kind="tenant"))
    db.session.flush()
    result = run(community, csv_bytes([("2", "8", "50", "Tenant", "5", "")]))
    assert result.owners_linked == 1
    assert owners_of(community) == {("2-8", "Tenant", "5")}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occupancy)
                             .where(Occupancy.community_id == community.id)) == 1


def test_existing_dwelling_with_another_area_is_an_error_not_a_change():
    community = CommunityFactory()
    DwellingFactory(building=BuildingFactory(community=community, name="3"), number="502",
                    area_x100=8850)
    rows = [("3", "501", "70", "A", "", ""), ("3", "502", "90", "B", "", "")]
    assert refused(community, csv_bytes(rows)) == [
        "Row 3: Dwelling 3-502 already exists with 88.50 m², not 90.00 m²."]
    assert dwellings_of(community) == {("3", "502"): 8850}


def test_bad_taken_or_repeated_usernames_are_reported():
    community = CommunityFactory()
    UserFactory(username="Taken")
    rows = [("1", "101", "50", "A", "", "a b"),
            ("1", "102", "50", "B", "", "taken"),
            ("1", "103", "50", "C", "", "shared"),
            ("1", "104", "50", "D", "", "Shared"),
            ("1", "105", "50", "C", "", "other")]
    assert refused(community, csv_bytes(rows)) == [
        "Row 2: The username a b is not valid. "
        "Use 3 to 64 letters, digits, dots, dashes or underscores.",
        "Row 3: The username taken is already taken.",
        "Row 5: The username Shared is already on row 4 for another owner.",
        "Row 6: C already has the username shared on row 4."]


def test_owner_already_linked_to_another_account_is_reported():
    community = CommunityFactory()
    run(community, csv_bytes([("1", "101", "50", "A", "1", "first")]))
    assert refused(community, csv_bytes([("1", "101", "50", "A", "1", "second")])) == [
        "Row 2: A already has another account."]


def test_one_bad_row_among_ten_writes_nothing():
    community = CommunityFactory()
    rows = [("1", str(100 + n), "50", f"Owner {n}", "", f"owner{n}") for n in range(10)]
    rows.insert(6, ("1", "999", "0", "Bad", "", "bad"))
    assert refused(community, csv_bytes(rows)) == ["Row 8: The area must be more than 0 m²."]
    assert dwellings_of(community) == {}


def test_error_list_is_capped():
    community = CommunityFactory()
    rows = [("1", str(n), "0", "A", "", "") for n in range(250)]
    messages = refused(community, csv_bytes(rows))
    assert len(messages) == 201
    assert messages[199] == "Row 201: The area must be more than 0 m²."
    assert messages[200] == "…and 50 more errors."


@pytest.mark.parametrize("filename, data, message", [
    ("roster.txt", b"building\n", "Upload a .csv or .xlsx file."),
    ("roster.csv", b"", "The file is empty."),
    ("roster.csv", b"\n , ,\n", "The file is empty."),
    ("roster.csv", ",".join(HEADER).encode(), "The file has a header row but no rows under it."),
    ("roster.xlsx", b"PK\x03\x04 not really a zip",
     "The file cannot be read. Save it again as CSV or XLSX."),
    ("roster.xlsx", csv_bytes([("1", "1", "1", "A", "", "")]),
     "The file cannot be read. Save it again as CSV or XLSX."),
    ("roster.csv", b'building,"' + b"x" * 200_000 + b'"\n',  # over csv's field size limit
     "The file cannot be read. Save it again as CSV or XLSX."),
    ("roster.csv", b"\xff\xfe\x00\x00\x81\x30", "The file is neither UTF-8 nor GB18030 text."
                                                " Save it as CSV UTF-8."),
])
def test_unusable_files_are_refused(filename, data, message):
    assert refused(CommunityFactory(), data, filename) == [message]


def test_more_rows_than_allowed_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "ROSTER_MAX_ROWS", 3)
    rows = [("1", str(n), "50", "A", "", "") for n in range(4)]
    assert refused(CommunityFactory(), csv_bytes(rows)) == [
        "The file has more than 3 rows. Split it into smaller files."]
    assert run(CommunityFactory(), csv_bytes(rows[:3])).dwellings_created == 3


def test_large_roster_imports_quickly_with_a_bounded_number_of_queries(count_queries):
    community = CommunityFactory()
    DwellingFactory(building=BuildingFactory(community=community, name="B0"), number="0",
                    area_x100=5000)
    rows = [(f"B{n % 50}", str(n), "50", f"Owner {n // 2}", f"139{n // 2:08d}", "")
            for n in range(5000)]
    data, calls = csv_bytes(rows), []
    started = time.perf_counter()
    with count_queries() as counter:
        result = run(community, data, progress=lambda done, total: calls.append((done, total)))
    elapsed = time.perf_counter() - started
    assert (result.rows, result.buildings_created, result.dwellings_created,
            result.owners_linked) == (5000, 49, 4999, 5000)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)
                             .where(Person.community_id == community.id)) == 2500
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4, selects  # buildings, dwellings, people, ties: once each
    if db.engine.dialect.name == "postgresql":  # SQLite cannot batch INSERT ... RETURNING ids
        assert counter.count < 60
    assert elapsed < 15
    assert calls[0] == (100, 5000) and calls[-1] == (5000, 5000)


def test_register_area_prevails_over_surveyed_and_contract_area():
    """DOMAIN rule 9: register area 88.5 and contract area 90 -> 88.5 is used."""
    community = CommunityFactory()
    header = ("building", "dwelling", "owner_name", "owner_phone", "register_area_m2",
              "surveyed_area_m2", "contract_area_m2")
    rows = [("1", "101", "Register", "", "88.5", "", "90"),
            ("1", "102", "Surveyed", "", "", "70.2", "71"),
            ("1", "103", "Contract", "", "", "", "60")]
    run(community, csv_bytes(rows, header=header))
    stored = {d.number: (d.area_x100, d.area_source) for d in db.session.scalars(
        sa.select(Dwelling).where(Dwelling.community_id == community.id))}
    assert stored == {"101": (8850, "register"), "102": (7020, "surveyed"),
                      "103": (6000, "contract")}


def test_a_bad_register_area_is_named_by_its_column():
    community = CommunityFactory()
    header = ("building", "dwelling", "owner_name", "owner_phone", "register_area_m2",
              "contract_area_m2")
    assert refused(community, csv_bytes([("1", "101", "A", "", "abc", "90")], header=header)) == [
        "Row 2: register_area_m2: Enter the area as a number of square metres."]
