"""Facility registry: registration (by hand or from a renovation project), the responsible
organization under the current mode, the condition history, retiring, the filtered list and its
export."""
import dataclasses
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.monitoring import facilities
from propmgmt.monitoring import renovation
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@dataclasses.dataclass
class Cast:
    community: object
    building: object
    manager: object
    owners: object
    technician: object
    resident: object
    outsider: object

    def facility(self, **overrides):
        data = {"kind": "elevator", "name": "Lift 1", "location": "Unit 1", **overrides}
        return facilities.register_facility(community=self.community, actor=self.manager, **data)

    def project(self, kinds=("roof", "roof", "lighting")):
        project = renovation.create_project(community=self.community, actor=self.manager,
                                            name="2024 renovation", starts_on=dt.date(2024, 3, 1),
                                            ends_on=dt.date(2024, 11, 30))
        for n, kind in enumerate(kinds):
            renovation.add_item(project, actor=self.manager, kind=kind,
                                description=f"{kind} {n}", done_on=dt.date(2024, 6, 1 + n))
        return project


@pytest.fixture
def cast():
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="7")
    dwelling = DwellingFactory(building=building)
    return Cast(community=community, building=building,
                manager=member(community, roles.PROPERTY_MANAGER),
                owners=member(community, roles.OWNERS_COMMITTEE),
                technician=member(community, roles.TECHNICIAN),
                resident=member(community, roles.RESIDENT, dwelling=dwelling),
                outsider=member(CommunityFactory(), roles.PROPERTY_MANAGER))


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_manager_registers_a_facility_and_sees_who_answers_for_it(cast, client, login):
    login(cast.manager)
    url = f"/communities/{cast.community.id}/facilities"
    form = client.get(f"{url}/new", headers=EN).get_data(as_text=True)
    assert "first handler (now: Property company)" in form
    response = client.post(f"{url}/new", headers=EN, data={
        "kind": "elevator", "name": "Lift of building 7", "location": "Unit 2",
        "building_id": str(cast.building.id), "installed_on": "2024-11-20",
        "responsible_org": "", "inspection_interval_days": "90"})
    assert response.status_code == 302
    facility = db.session.scalars(sa.select(Facility)).one()
    assert (facility.responsible_org, facility.condition, facility.building_id) == (
        None, "good", cast.building.id)
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Property company" in page and "first handler" in page
    assert "Building 7 · Unit 2" in page
    listing = client.get(url, headers=EN).get_data(as_text=True)
    assert "Lift of building 7" in listing and "Property company" in listing
    assert f'href="/communities/{cast.community.id}/renovation"' in listing  # the menu


def test_the_first_handler_follows_the_mode(cast):
    quasi = CommunityFactory(initial_mode=modes.QUASI)
    facility = facilities.register_facility(community=quasi, actor=member(
        quasi, roles.RESIDENTS_COMMITTEE), kind="lighting", name="Yard lights")
    assert facilities.responsible_org(facility) == modes.RESIDENTS
    owned = cast.facility(responsible_org=modes.OWNERS)
    assert facilities.responsible_org(owned) == modes.OWNERS
    assert facilities.responsible_org(cast.facility()) == modes.COMPANY


def test_bad_facility_input_is_422_and_nothing_is_saved(cast, client, login):
    other_building = BuildingFactory(community=CommunityFactory())
    login(cast.manager)
    url = f"/communities/{cast.community.id}/facilities/new"
    good = {"kind": "elevator", "name": "Lift"}
    cases = [({**good, "name": ""}, "This field is required."),
             ({**good, "kind": "rocket"}, "Not a valid choice"),
             ({**good, "inspection_interval_days": "0"}, "Number must be between 1 and 3660"),
             ({**good, "inspection_interval_days": "weekly"}, "Not a valid integer value"),
             ({**good, "building_id": str(other_building.id)}, "Not a valid choice"),
             ({**good, "responsible_org": "mayor"}, "Not a valid choice"),
             ({**good, "installed_on": "2999-01-01"}, "cannot be in the future")]
    for data, message in cases:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    zh = client.post(url, data={**good, "installed_on": "2999-01-01"}, headers=ZH)
    assert zh.status_code == 422 and "安装日期不能晚于今天" in zh.get_data(as_text=True)
    with pytest.raises(Invalid) as error:
        cast.facility(building_id=other_building.id)
    assert "building_id" in error.value.fields
    assert count(Facility) == 0 and count(FacilityCondition) == 0


def test_registering_from_a_project_is_idempotent(cast, client, login):
    project = cast.project()
    login(cast.manager)
    page = client.get(f"/renovation/{project.id}", headers=EN).get_data(as_text=True)
    assert "Register facilities from this project" in page and "3 items have no facility" in page
    response = client.post(f"/renovation/{project.id}/facilities", headers=EN)
    assert response.status_code == 302 and f"project={project.id}" in response.location
    registered = db.session.scalars(sa.select(Facility).order_by(Facility.id)).all()
    assert [(f.kind, f.name, f.installed_on) for f in registered] == [
        ("roof", "roof 0", dt.date(2024, 6, 1)), ("roof", "roof 1", dt.date(2024, 6, 2)),
        ("lighting", "lighting 2", dt.date(2024, 6, 3))]
    assert {f.project_id for f in registered} == {project.id}
    assert client.post(f"/renovation/{project.id}/facilities").status_code == 302
    assert count(Facility) == 3
    page = client.get(f"/renovation/{project.id}", headers=EN).get_data(as_text=True)
    assert "Register facilities from this project" not in page
    facilities.retire_facility(registered[0], actor=cast.manager, retired_on=dt.date(2025, 1, 1))
    renovation.add_item(project, actor=cast.manager, kind="roof", description="Roof of 9")
    created = facilities.register_from_project(project, actor=cast.manager)
    assert [f.name for f in created] == ["Roof of 9"] and count(Facility) == 4
    assert facilities.register_from_project(project, actor=cast.manager) == []


def test_recording_a_condition_appends_history_and_updates_the_facility(cast, client, login):
    facility = cast.facility()
    login(cast.manager)
    url = f"/facilities/{facility.id}"
    missing_note = client.post(f"{url}/condition", headers=EN, data={"c-condition": "poor"})
    assert missing_note.status_code == 422
    assert "This field is required." in missing_note.get_data(as_text=True)
    bad = client.post(f"{url}/condition", headers=EN, data={"c-condition": "ruined"})
    assert bad.status_code == 422
    response = client.post(f"{url}/condition", headers=EN,
                           data={"c-condition": "poor", "c-note": "Door sensor fails"})
    assert response.status_code == 302
    assert (facility.condition, count(FacilityCondition)) == ("poor", 2)
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "Door sensor fails" in page and "Recorded by hand" in page
    assert page.index("Door sensor fails") < page.index("Good</span>")  # the latest first
    login(cast.technician)
    assert client.get(url).status_code == 200
    assert client.post(f"{url}/condition", data={"c-condition": "good"}).status_code == 403


def test_record_condition_from_an_inspection_joins_the_callers_transaction(cast):
    facility = cast.facility()
    facilities.record_condition(facility, condition="broken", note="Stuck between floors",
                                source="inspection", commit=False)
    assert facility.condition == "broken"
    db.session.rollback()
    assert facility.condition == "good" and count(FacilityCondition) == 1
    facilities.record_condition(facility, condition="fair", note="", source="inspection",
                                actor=cast.technician, commit=False)
    db.session.commit()
    entry = db.session.scalars(sa.select(FacilityCondition).order_by(
        FacilityCondition.id.desc())).first()
    assert (entry.source, entry.recorded_by_id, facility.condition) == (
        "inspection", cast.technician.id, "fair")


def test_a_late_observation_joins_the_history_without_replacing_a_newer_one(cast):
    facility = cast.facility()
    facilities.record_condition(facility, condition="poor", note="Leaks", actor=cast.manager)
    facilities.record_condition(facility, condition="good", note="", source="inspection",
                                now=utcnow() - dt.timedelta(days=3))
    assert facility.condition == "poor"
    assert [h.condition for h in facilities.history(facility)] == ["poor", "good", "good"]
    with pytest.raises(Invalid):
        facilities.record_condition(facility, condition="good", note="", source="rumour")


def test_retired_facilities_leave_the_list_but_stay_readable(cast, client, login):
    kept, gone = cast.facility(name="Lift 1"), cast.facility(name="Old lift")
    login(cast.manager)
    url = f"/facilities/{gone.id}"
    future = client.post(f"{url}/retire", headers=EN, data={"t-retired_on": "2999-01-01"})
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(
        as_text=True)
    today = renovation.local_today(cast.community).isoformat()
    assert client.post(f"{url}/retire", data={"t-retired_on": today}).status_code == 302
    assert client.post(f"{url}/retire", data={"t-retired_on": today}).status_code == 409
    listing = f"/communities/{cast.community.id}/facilities"
    page = client.get(listing, headers=EN).get_data(as_text=True)
    assert kept.name in page and "Old lift" not in page
    retired = client.get(f"{listing}?status=retired", headers=EN).get_data(as_text=True)
    assert "Old lift" in retired and "Lift 1<" not in retired
    detail = client.get(url, headers=EN).get_data(as_text=True)
    assert "Retired on" in detail and "Record the condition" not in detail
    with pytest.raises(Conflict):
        facilities.record_condition(gone, condition="poor", note="x", actor=cast.manager)


def test_facility_list_filters_paginates_and_exports(cast, client, login):
    for n in range(55):
        cast.facility(name=f"Light {n:02d}", kind="lighting",
                      building_id=cast.building.id if n % 2 else None)
    roof = cast.facility(name="Roof A", kind="roof")
    facilities.record_condition(roof, condition="poor", note="=HYPERLINK(\"x\")",
                                actor=cast.manager)
    login(cast.owners)
    url = f"/communities/{cast.community.id}/facilities"
    first = client.get(url, headers=EN).get_data(as_text=True)
    assert "Page 1 of 2" in first and "(56)" in first
    poor = client.get(f"{url}?condition=poor", headers=EN).get_data(as_text=True)
    assert "Roof A" in poor and "Light 00" not in poor
    in_building = client.get(f"{url}?kind=lighting&building={cast.building.id}",
                             headers=EN).get_data(as_text=True)
    assert "(27)" in in_building and "Light 01" in in_building and "Light 00" not in in_building
    response = client.get(f"{url}.xlsx?kind=roof", headers=EN)
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("No.", "Kind", "Name") and len(rows) == 2
    assert rows[1][1:3] == ("Roofs", "Roof A") and rows[1][7] == "Property company"
    assert rows[1][9] == "Poor"
    everything = client.get(f"{url}.xlsx", headers=EN)
    assert len(list(load_workbook(io.BytesIO(everything.data)).active.values)) == 57
    odd = client.get(f"{url}?building=99999999999999999999999&project=-1&kind=x&page=zz",
                     headers=EN)
    assert odd.status_code == 200 and "(56)" in odd.get_data(as_text=True)


def test_facilities_are_scoped_and_guarded(cast, client, login):
    facility = cast.facility()
    login(cast.outsider)
    assert client.get(f"/facilities/{facility.id}").status_code == 404
    assert client.get(f"/communities/{cast.community.id}/facilities").status_code == 404
    assert client.post(f"/facilities/{facility.id}/retire").status_code == 404
    login(cast.resident)
    assert client.get(f"/facilities/{facility.id}").status_code == 403
    assert client.get(f"/communities/{cast.community.id}/facilities").status_code == 403
    with pytest.raises(NotAllowed):
        facilities.register_facility(community=cast.community, actor=cast.technician,
                                     kind="roof", name="Roof")


def test_manager_edits_a_facility(cast, client, login):
    facility = cast.facility()
    login(cast.manager)
    url = f"/facilities/{facility.id}/edit"
    assert "Lift 1" in client.get(url, headers=EN).get_data(as_text=True)
    response = client.post(url, data={"kind": "elevator", "name": "Lift A",
                                      "responsible_org": "owners_committee",
                                      "inspection_interval_days": "30"})
    assert response.status_code == 302
    assert (facility.name, facility.responsible_org, facility.inspection_interval_days,
            facility.location) == ("Lift A", "owners_committee", 30, "")


def test_facility_pages_issue_a_bounded_number_of_queries(cast, client, login, count_queries):
    project = cast.project(kinds=("roof",))
    facility = cast.facility(building_id=cast.building.id, project_id=project.id)
    login(cast.manager)

    def measure(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    listing = f"/communities/{cast.community.id}/facilities"
    detail = f"/facilities/{facility.id}"
    few = (measure(listing), measure(detail))
    for n in range(12):
        other = cast.facility(name=f"Lift {n}", building_id=BuildingFactory(
            community=cast.community).id, project_id=project.id)
        facilities.record_condition(other, condition="fair", note="worn", actor=cast.manager)
        facilities.record_condition(facility, condition="fair", note=f"worn {n}",
                                    actor=cast.owners)
    assert (measure(listing), measure(detail)) == few
