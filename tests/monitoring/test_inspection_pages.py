"""Inspection pages: the inspector's phone list and checklist, retries, plans, lists, exports."""
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt.db import db
from propmgmt.monitoring import inspections
from propmgmt.monitoring.models import InspectionFinding
from propmgmt.monitoring.models import InspectionPlan
from propmgmt.monitoring.models import InspectionTask
from propmgmt.tickets.models import Ticket
from tests.monitoring.test_inspections import count
from tests.monitoring.test_inspections import make_cast
from tests.monitoring.test_inspections import png

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def today(cast):
    return inspections.local_today(cast.community)


@pytest.fixture
def round_(cast, today):
    """A daily round since the day before yesterday: two missed days and today's task."""
    plan = cast.plan(name="Morning round", starts_on=today - dt.timedelta(days=2),
                     items=("Gates", "Lights", "Fire lane"))
    inspections.plan_inspections(today=today, community_id=cast.community.id)
    return plan


def todays(cast, plan, today):
    return cast.task(plan, today)


def key_of(page):
    return re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"', page)[1]


def answers(key, **extra):
    return {"submission_key": key, "result_1": "pass", "result_2": "fail",
            "note_2": "Bulb out at unit 2", "follow_up_2": "repair", "result_3": "na", **extra}


def tickets_of(cast):
    return count(Ticket, Ticket.community_id == cast.community.id)


def test_inspector_works_todays_task_and_the_ticket_links_back(cast, round_, today, client,
                                                               login):
    task = todays(cast, round_, today)
    login(cast.staff)
    listing = client.get(f"/communities/{cast.community.id}/inspections", headers=EN)
    page = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "My inspections" in page
    assert "Morning round" in page and "Due today" in page and "Missed in the last two weeks" in page
    form = client.get(f"/inspection-tasks/{task.id}", headers=EN).get_data(as_text=True)
    assert "Submit inspection" in form and "Fire lane" in form
    response = client.post(f"/inspection-tasks/{task.id}", headers=EN, data=answers(key_of(form)))
    assert response.status_code == 302 and response.location.endswith(f"/inspection-tasks/{task.id}")
    finding = db.session.scalar(sa.select(InspectionFinding).where(
        InspectionFinding.task_id == task.id, InspectionFinding.result == "fail"))
    done = client.get(f"/inspection-tasks/{task.id}", headers=EN).get_data(as_text=True)
    assert "Inspection submitted." in done and f"/tickets/{finding.ticket_id}" in done
    assert "Bulb out at unit 2" in done and "Submit inspection" not in done
    ticket = client.get(f"/tickets/{finding.ticket_id}", headers=EN).get_data(as_text=True)
    assert f"Opened by inspection #{task.id}" in ticket and f"/inspection-tasks/{task.id}" in ticket


def test_a_retry_lands_on_the_finished_task_and_a_second_submission_is_409(
        cast, round_, today, client, login):
    task = todays(cast, round_, today)
    login(cast.staff)
    key = key_of(client.get(f"/inspection-tasks/{task.id}").get_data(as_text=True))
    assert client.post(f"/inspection-tasks/{task.id}", data=answers(key)).status_code == 302
    retry = client.post(f"/inspection-tasks/{task.id}", data=answers(key), headers=EN)
    assert retry.status_code == 302 and retry.location.endswith(f"/inspection-tasks/{task.id}")
    landed = client.get(retry.location, headers=EN).get_data(as_text=True)
    assert "already submitted; nothing was recorded twice" in landed
    other = client.post(f"/inspection-tasks/{task.id}", headers=EN,
                        data=answers("f" * 32, result_2="pass"))
    assert other.status_code == 409
    assert "a second, different submission is refused" in other.get_data(as_text=True)
    assert tickets_of(cast) == 1
    assert count(InspectionFinding, InspectionFinding.task_id == task.id) == 3


def test_bad_input_is_422_in_both_languages_and_nothing_is_saved(cast, round_, today, client,
                                                                 login):
    task = todays(cast, round_, today)
    login(cast.staff)
    url = f"/inspection-tasks/{task.id}"
    key = key_of(client.get(url).get_data(as_text=True))
    cases = [
        (answers(key, note_2=""), "Say what is wrong: a failed item needs a note.", "需要"),
        (answers(key, result_3=""), "Choose pass, fail or not applicable.", "不适用"),
        (answers(key, result_1="maybe"), "Choose pass, fail or not applicable.", "不适用"),
        (answers(key, follow_up_2="war"), "Choose a repair or a kind of complaint.", "投诉"),
        (answers(""), "reload the page and try again", "重新"),
        (answers(key, note_2="x" * 2001), "Field cannot be longer than 2000", None),
    ]
    for data, english, chinese in cases:
        response = client.post(url, data=data, headers=EN)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and english in page, english
        if chinese:
            zh = client.post(url, data=data, headers=ZH)
            assert zh.status_code == 422 and chinese in zh.get_data(as_text=True), english
    resent = client.post(url, data=answers(key, note_2=""), headers=EN).get_data(as_text=True)
    assert key_of(resent) == key  # the same submission, corrected, keeps its key
    assert db.session.get(InspectionTask, task.id).status == "open"
    assert tickets_of(cast) == 0 and count(InspectionFinding) == 0


def test_a_missed_task_is_shown_as_missed_and_refused(cast, round_, today, client, login):
    missed = cast.task(round_, today - dt.timedelta(days=1))
    login(cast.staff)
    page = client.get(f"/inspection-tasks/{missed.id}", headers=EN).get_data(as_text=True)
    assert "This inspection was missed on" in page and "Submit inspection" not in page
    response = client.post(f"/inspection-tasks/{missed.id}", headers=EN,
                           data=answers("c" * 32))
    assert response.status_code == 409
    assert f"missed on {missed.due_on.isoformat()}; file a ticket instead" in \
        response.get_data(as_text=True)


def test_photos_of_failed_items_are_checked_stored_and_served_in_scope(
        cast, round_, today, client, login, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    task = todays(cast, round_, today)
    login(cast.staff)
    url = f"/inspection-tasks/{task.id}"
    key = key_of(client.get(url).get_data(as_text=True))
    bad = client.post(url, headers=EN, content_type="multipart/form-data",
                      data=answers(key, photo_2=(io.BytesIO(b"<html>"), "x.jpg")))
    assert bad.status_code == 422 and "not a JPEG, PNG or WebP" in bad.get_data(as_text=True)
    good = client.post(url, headers=EN, content_type="multipart/form-data",
                       data=answers(key, photo_2=(io.BytesIO(png()), "bulb.png")))
    assert good.status_code == 302
    finding = db.session.scalar(sa.select(InspectionFinding).where(
        InspectionFinding.task_id == task.id, InspectionFinding.result == "fail"))
    served = client.get(f"/inspection-findings/{finding.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()
    assert client.get(f"/inspection-findings/{finding.id - 1}/photo").status_code == 404
    login(cast.resident)
    assert client.get(f"/inspection-findings/{finding.id}/photo").status_code == 403
    login(cast.outsider)
    assert client.get(f"/inspection-findings/{finding.id}/photo").status_code == 404


def test_who_may_see_and_work_inspections(cast, round_, today, client, login):
    task = todays(cast, round_, today)
    index = f"/communities/{cast.community.id}/inspections"
    login(cast.resident)
    assert client.get(index).status_code == 403
    assert client.get(f"/inspection-tasks/{task.id}").status_code == 403
    login(cast.outsider)
    assert client.get(index).status_code == 404
    assert client.get(f"/inspection-tasks/{task.id}").status_code == 404
    login(cast.secretary)
    assert client.get(index).status_code == 403
    page = client.get(f"/inspection-tasks/{task.id}", headers=EN).get_data(as_text=True)
    assert "Morning round" in page and "Submit inspection" not in page
    assert client.post(f"/inspection-tasks/{task.id}", data=answers("d" * 32)).status_code == 403
    listing = client.get(f"/communities/{cast.community.id}/inspections/tasks", headers=EN)
    assert listing.status_code == 200 and "Inspection tasks" in listing.get_data(as_text=True)


def test_manager_creates_a_plan_from_a_preset_and_stops_it(cast, today, client, login):
    login(cast.manager)
    url = f"/communities/{cast.community.id}/inspections/plans/new"
    page = client.get(f"{url}?preset=fire", headers=EN).get_data(as_text=True)
    assert "Monthly fire-safety check" in page and "Extinguishers present and in date" in page
    zh = client.get(f"{url}?preset=fire", headers=ZH).get_data(as_text=True)
    assert "消防" in zh
    data = {"name": "Fire check", "frequency": "monthly", "facility_kind": "fire_safety",
            "checklist": "Extinguishers\nHydrants", "responsible_org": "property_company",
            "starts_on": today.isoformat()}
    too_long = client.post(url, headers=EN, data={
        **data, "checklist": "\n".join(f"item {n}" for n in range(31))})
    assert too_long.status_code == 422 and "at most 30 items" in too_long.get_data(as_text=True)
    bad_date = client.post(url, headers=EN, data={**data, "starts_on": "2026-02-30"})
    assert bad_date.status_code == 422
    both = client.post(url, headers=EN, data={**data, "facility_id": str(cast.lift.id)})
    assert both.status_code == 422 and "neither a kind nor a building" in both.get_data(
        as_text=True)
    assert count(InspectionPlan, InspectionPlan.community_id == cast.community.id) == 0
    assert client.post(url, headers=EN, data=data).status_code == 302
    plan = db.session.scalar(sa.select(InspectionPlan).where(
        InspectionPlan.community_id == cast.community.id))
    assert (plan.checklist, plan.facility_kind) == (["Extinguishers", "Hydrants"], "fire_safety")
    plans = client.get(f"/communities/{cast.community.id}/inspections/plans",
                       headers=EN).get_data(as_text=True)
    assert "Fire check" in plans and "Stop this plan" in plans
    stop = client.post(f"/inspection-plans/{plan.id}/deactivate", headers=EN)
    assert stop.status_code == 302 and db.session.get(InspectionPlan, plan.id).active is False
    assert client.post(f"/inspection-plans/{plan.id}/deactivate").status_code == 409
    login(cast.staff)
    assert client.get(url).status_code == 403
    assert client.post(f"/inspection-plans/{plan.id}/deactivate").status_code == 403


def test_lists_filter_and_export(cast, round_, today, client, login):
    inspections.submit_task(todays(cast, round_, today), actor=cast.staff,
                            answers=[{"result": "pass"}] * 3, submission_key="e" * 32)
    login(cast.manager)
    base = f"/communities/{cast.community.id}/inspections"
    missed = client.get(f"{base}/tasks?status=missed", headers=EN).get_data(as_text=True)
    assert missed.count("/inspection-tasks/") == 2
    page = client.get(f"{base}/tasks?month={today:%Y-%m}&plan={round_.id}&status=nonsense",
                      headers=EN)
    assert page.status_code == 200 and "done by their due date" in page.get_data(as_text=True)
    assert client.get(f"{base}/tasks?month=garbage&plan=x&page=-3").status_code == 200
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/tasks.xlsx?status=done",
                                                   headers=EN).data))
    rows = list(workbook.active.values)
    assert rows[0][:3] == ("No.", "Plan", "How often") and len(rows) == 2
    assert rows[1][1] == "Morning round" and rows[1][5] == "Done"
    plans = list(load_workbook(io.BytesIO(client.get(f"{base}/plans.xlsx", headers=EN).data))
                 .active.values)
    assert plans[1][1:5] == ("Morning round", "Daily", "The whole community", 3)


def test_inspection_pages_issue_a_bounded_number_of_queries(cast, round_, today, client, login,
                                                            count_queries):
    done = cast.plan(name="Done round", starts_on=today)
    inspections.plan_inspections(today=today, community_id=cast.community.id)
    inspections.submit_task(todays(cast, done, today), actor=cast.staff,
                            answers=[{"result": "fail", "note": "n"}] * 3,
                            submission_key="b" * 32)
    login(cast.manager)
    base = f"/communities/{cast.community.id}/inspections"
    urls = (base, f"{base}/tasks", f"{base}/plans",
            f"/inspection-tasks/{todays(cast, round_, today).id}",
            f"/inspection-tasks/{todays(cast, done, today).id}")

    def measure():
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            counts.append(counter.count)
        return counts

    few = measure()
    for n in range(8):
        cast.plan(name=f"Round {n}", starts_on=today - dt.timedelta(days=5))
    inspections.plan_inspections(today=today, community_id=cast.community.id)
    assert measure() == few
