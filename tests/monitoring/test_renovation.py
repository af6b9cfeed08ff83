"""Renovation record: projects with menu items, costs in fen, and the three assessment reports
uploaded as checked documents and downloaded through a scoped route."""
import dataclasses
import datetime as dt
import io
import types
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl import load_workbook
from PIL import Image

from propmgmt import roles
from propmgmt.db import db
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.monitoring import documents
from propmgmt.monitoring import renovation
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from propmgmt.monitoring.models import RenovationItem
from propmgmt.monitoring.models import RenovationProject
from propmgmt.monitoring.models import RenovationReport
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@dataclasses.dataclass
class Cast:
    community: object
    manager: object
    secretary: object
    staff: object
    resident: object
    outsider: object

    def project(self, **overrides):
        data = {"name": "2024 comprehensive renovation", "starts_on": dt.date(2024, 3, 1),
                "ends_on": dt.date(2024, 11, 30), "contractor": "Jinghe Construction",
                "cost_fen": 1_250_000_050, **overrides}
        return renovation.create_project(community=self.community, actor=self.manager, **data)


@pytest.fixture
def cast():
    community = CommunityFactory()
    dwelling = DwellingFactory(building=BuildingFactory(community=community))
    return Cast(community=community, manager=member(community, roles.PROPERTY_MANAGER),
                secretary=member(community, roles.PARTY_SECRETARY),
                staff=member(community, roles.PROPERTY_STAFF),
                resident=member(community, roles.RESIDENT, dwelling=dwelling),
                outsider=member(CommunityFactory(), roles.PROPERTY_MANAGER))


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx():
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["audit", 1])
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, project, data, name, stage="diagnosis", headers=EN, title=""):
    return client.post(f"/renovation/{project.id}/reports", headers=headers,
                       data={"r-stage": stage, "r-title": title, "r-file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_manager_records_a_project_with_items_and_sees_the_missing_reports(cast, client, login):
    login(cast.manager)
    url = f"/communities/{cast.community.id}/renovation"
    assert "No renovation projects recorded yet." in client.get(url, headers=EN).get_data(
        as_text=True)
    response = client.post(f"{url}/new", headers=EN, data={
        "name": "2024 renovation", "starts_on": "2024-03-01", "ends_on": "2024-11-30",
        "contractor": "Jinghe Construction", "cost": "12,500,000.50", "notes": "Menu items"})
    assert response.status_code == 302
    project = db.session.scalars(sa.select(RenovationProject)).one()
    assert project.cost_fen == 1_250_000_050 and isinstance(project.cost_fen, int)
    for kind, cost in (("roof", "268500.10"), ("elevator", "")):
        response = client.post(f"/renovation/{project.id}/items", headers=EN, data={
            "i-kind": kind, "i-description": f"{kind} of buildings 1-3", "i-cost": cost,
            "i-done_on": "2024-07-15"})
        assert response.status_code == 302
    items = db.session.scalars(sa.select(RenovationItem).order_by(RenovationItem.id)).all()
    assert [(i.kind, i.cost_fen) for i in items] == [("roof", 26_850_010), ("elevator", None)]
    page = client.get(f"/renovation/{project.id}", headers=EN).get_data(as_text=True)
    assert "Missing assessment reports" in page and "12,500,000.50" in page
    assert "Before: diagnosis" in page and "Roofs" in page and "268,500.10" in page
    listing = client.get(url, headers=EN).get_data(as_text=True)
    assert "Missing: After: inspection and acceptance" in listing


def test_three_reports_uploaded_and_downloaded_with_their_names(cast, client, login, uploads):
    project = cast.project()
    login(cast.manager)
    for data, name, stage in ((PDF, "诊断报告.pdf", "diagnosis"), (docx(), "audit.docx", "audit"),
                              (xlsx(), "acceptance.xlsx", "acceptance"), (png(), "scan.png",
                                                                          "acceptance")):
        assert upload(client, project, data, name, stage).status_code == 302, name
    reports = db.session.scalars(sa.select(RenovationReport).order_by(RenovationReport.id)).all()
    assert [r.content_type.rsplit(".", 1)[-1] for r in reports] == [
        "application/pdf", "document", "sheet", "image/png"]
    assert renovation.missing_stages(project) == []
    stored = list((uploads / "renovation" / str(cast.community.id)).iterdir())
    assert len(stored) == 4 and not any("诊断" in p.name or "audit" in p.name for p in stored)
    page = client.get(f"/renovation/{project.id}", headers=EN).get_data(as_text=True)
    assert "Missing assessment reports" not in page and "诊断报告" in page
    login(cast.staff)
    served = client.get(f"/renovation/reports/{reports[0].id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    assert "%E8%AF%8A%E6%96%AD" in disposition  # 诊断, percent-encoded
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


BAD_UPLOADS = [
    (b"MZ\x90\x00 not a program", "tool.exe", "Upload a PDF, JPEG or PNG image, DOCX or XLSX"),
    (b"just some text", "notes.txt", "Upload a PDF, JPEG or PNG image, DOCX or XLSX"),
    (b"<html>%PDF-1.4</html>", "report.pdf", "does not match its name"),
    (b"", "empty.pdf", "The file is empty."),
    (PDF, "report.docx", "does not match its name"),
    (png(), "report.pdf", "does not match its name"),
    (b"PK\x03\x04 broken zip", "audit.xlsx", "does not match its name"),
    (docx(), "audit.xlsx", "does not match its name"),
    (b"\xff\xd8\xff\xe0 truncated jpeg", "scan.jpg", "does not match its name"),
]


def test_bad_uploads_are_refused_and_nothing_is_stored(cast, client, login, uploads, app,
                                                       monkeypatch):
    project = cast.project()
    login(cast.manager)
    for data, name, message in BAD_UPLOADS:
        response = upload(client, project, data, name)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    response = client.post(f"/renovation/{project.id}/reports", headers=EN,
                           data={"r-stage": "audit"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(
        as_text=True)
    response = upload(client, project, PDF, "report.pdf", stage="during")
    assert response.status_code == 422
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 100 * 1024)
    response = upload(client, project, PDF + b"0" * (100 * 1024), "big.pdf")
    assert response.status_code == 422 and "at most 100 KB" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RenovationReport)) == 0
    assert not [p for p in uploads.rglob("*") if p.is_file()]
    zh = upload(client, project, b"text", "notes.txt", headers=ZH)
    assert zh.status_code == 422 and "请上传 PDF" in zh.get_data(as_text=True)


def test_size_cap_defaults_to_twenty_megabytes(app):
    assert app.config["MAX_DOCUMENT_BYTES"] == 20 * 1024 * 1024
    with app.test_request_context(headers=EN):
        with pytest.raises(Invalid) as error:
            documents.check(PDF + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert error.value.fields == {"file": ["A document may be at most 20 MB."]}


def test_reports_are_scoped_and_login_protected(cast, client, login, uploads):
    project = cast.project()
    report = renovation.add_report(project, actor=cast.manager, stage="audit", upload=types.
                                   SimpleNamespace(filename="a.pdf", read=io.BytesIO(PDF).read))
    report_id = report.id
    url = f"/renovation/reports/{report_id}"
    assert "/login" in client.get(url).location
    login(cast.outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/renovation/{project.id}").status_code == 404
    assert client.get(f"/communities/{cast.community.id}/renovation").status_code == 404
    login(cast.resident)
    assert client.get(url).status_code == 403
    assert client.get(f"/renovation/{project.id}").status_code == 403
    login(cast.staff)
    assert upload(client, project, PDF, "b.pdf").status_code == 403
    assert client.post(f"{url}/delete").status_code == 403
    login(cast.manager)
    assert client.post(f"{url}/delete").status_code == 302
    assert db.session.get(RenovationReport, report_id) is None
    assert not [p for p in uploads.rglob("*") if p.is_file()]
    assert client.get(url).status_code == 404


def test_bad_project_input_is_422_and_nothing_is_saved(cast, client, login):
    login(cast.manager)
    url = f"/communities/{cast.community.id}/renovation/new"
    good = {"name": "Renovation", "starts_on": "2024-03-01", "ends_on": "2024-11-30",
            "cost": "100"}
    cases = [({**good, "name": ""}, "This field is required."),
             ({**good, "ends_on": "2024-01-01"}, "The project cannot end before it starts."),
             ({**good, "cost": "-5"}, "Enter an amount in yuan"),
             ({**good, "cost": "12.345"}, "Enter an amount in yuan"),
             ({**good, "cost": "1e9"}, "Enter an amount in yuan"),
             ({**good, "cost": "9999999999999.99"}, "Enter an amount in yuan"),
             ({**good, "starts_on": "2024-02-30"}, "Not a valid date value.")]
    for data, message in cases:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    zh = client.post(url, data={**good, "ends_on": "2024-01-01"}, headers=ZH)
    assert zh.status_code == 422 and "结束" in zh.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RenovationProject)) == 0


def test_bad_item_input_is_422_and_nothing_is_saved(cast, client, login):
    project = cast.project()
    login(cast.manager)
    url = f"/renovation/{project.id}/items"
    cases = [({"i-kind": "spaceport"}, "Not a valid choice"),
             ({"i-kind": "roof", "i-done_on": "2024-01-01"}, "before its project started"),
             ({"i-kind": "roof", "i-done_on": "2999-01-01"}, "cannot be in the future"),
             ({"i-kind": "roof", "i-cost": "abc"}, "Enter an amount in yuan"),
             ({"i-kind": "roof", "i-description": "x" * 501}, "longer than 500")]
    for data, message in cases:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RenovationItem)) == 0


def test_manager_edits_a_project(cast, client, login):
    project = cast.project()
    renovation.add_item(project, actor=cast.manager, kind="roof", done_on=dt.date(2024, 5, 1))
    login(cast.manager)
    url = f"/renovation/{project.id}/edit"
    form = client.get(url, headers=EN).get_data(as_text=True)
    assert "12500000.50" in form and "Jinghe Construction" in form
    late = client.post(url, headers=EN, data={"name": "Renamed", "starts_on": "2024-06-01",
                                               "cost": ""})
    assert late.status_code == 422 and "before this date" in late.get_data(as_text=True)
    response = client.post(url, headers=EN, data={"name": "Renamed", "starts_on": "2024-03-01",
                                                   "contractor": "Other Co.", "cost": ""})
    assert response.status_code == 302
    assert (project.name, project.contractor, project.cost_fen, project.ends_on) == (
        "Renamed", "Other Co.", None, None)


def test_only_managing_roles_change_the_record(cast):
    with pytest.raises(NotAllowed):
        renovation.create_project(community=cast.community, actor=cast.staff, name="x",
                                  starts_on=dt.date(2024, 1, 1))
    project = cast.project()
    with pytest.raises(NotAllowed):
        renovation.add_item(project, actor=cast.resident, kind="roof")
    renovation.add_item(project, actor=cast.secretary, kind="roof")


def test_projects_export_as_xlsx(cast, client, login):
    project = cast.project()
    renovation.add_item(project, actor=cast.manager, kind="roof", cost_fen=10_050)
    login(cast.manager)
    response = client.get(f"/communities/{cast.community.id}/renovation.xlsx", headers=EN)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("No.", "Project name", "Started on")
    assert rows[1][1] == "2024 comprehensive renovation" and rows[1][5] == 12_500_000.5
    assert rows[1][6] == "Roofs" and rows[1][7] == 100.5 and "diagnosis" in rows[1][8]


def test_renovation_pages_issue_a_bounded_number_of_queries(cast, client, login, count_queries,
                                                            uploads):
    project = cast.project()
    login(cast.manager)

    def measure(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    listing = f"/communities/{cast.community.id}/renovation"
    detail = f"/renovation/{project.id}"
    few = (measure(listing), measure(detail))
    for n in range(8):
        renovation.add_item(project, actor=cast.manager, kind="lighting", description=f"L{n}")
        cast.project(name=f"Project {n}")
        renovation.add_report(project, actor=cast.manager, stage="audit", upload=types.
                              SimpleNamespace(filename=f"{n}.pdf", read=io.BytesIO(PDF).read))
    assert (measure(listing), measure(detail)) == few


def test_demo_records_hepingli_renovation(cast):
    from propmgmt.demo.renovation import load_renovation  # noqa: PLC0415

    assert load_renovation({}) == 0
    manager = member(cast.community, roles.PROPERTY_MANAGER, username="manager")
    building = BuildingFactory(community=cast.community, name="2")
    loaded = {"hepingli": types.SimpleNamespace(community=cast.community,
                                                buildings={"2": building})}
    assert load_renovation(loaded) == 8
    project = db.session.scalars(sa.select(RenovationProject)).one()
    assert project.ends_on.year == 2024 and len(project.items) == 8
    assert project.created_by_id == manager.id and renovation.missing_stages(project) == [
        "diagnosis", "audit", "acceptance"]
    conditions = dict(db.session.execute(sa.select(Facility.kind, Facility.condition)).all())
    assert conditions["roof"] == "poor" and conditions["camera"] == "fair"
    assert sum(c != "good" for c in conditions.values()) == 3
    elevator = db.session.scalars(sa.select(Facility).where(Facility.kind == "elevator")).one()
    assert elevator.building_id == building.id and elevator.inspection_interval_days == 90
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FacilityCondition)) == 12
