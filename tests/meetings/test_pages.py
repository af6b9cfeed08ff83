"""Meeting pages: scheduling, minutes, action items and their follow-up, in both languages."""
import datetime as dt
import io
import zoneinfo

from openpyxl import load_workbook

from propmgmt.meetings import services

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _local(delta):
    return (dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")) + delta).strftime(
        "%Y-%m-%dT%H:%M")


def test_secretary_runs_a_meeting_to_its_action_items(cast, client, login):
    login(cast.secretary)
    url = f"/communities/{cast.community.id}/meetings"
    assert "No joint meetings yet." in client.get(url, headers=EN).get_data(as_text=True)
    response = client.post(f"{url}/new", headers=EN, data={
        "title": "November joint meeting", "kind": "regular", "place": "Hall",
        "scheduled_at": _local(-dt.timedelta(hours=2)), "agenda": "Lift",
        "orgs": ["party_organization", "property_company", "owners_committee"]})
    assert response.status_code == 302
    meeting_url = response.location
    page = client.get(meeting_url, headers=EN).get_data(as_text=True)
    assert "Record attendance and minutes" in page and "Cancel meeting" in page
    response = client.post(f"{meeting_url}/minutes", headers=EN, data={
        "m-minutes": "Lift to be fixed by the company.", "m-present_party_organization": "y",
        "m-names_party_organization": "Secretary Wang", "m-present_property_company": "y"})
    assert response.status_code == 302
    due = (services.local_today(cast.community) + dt.timedelta(days=10)).isoformat()
    response = client.post(f"{meeting_url}/items", headers=EN, data={
        "i-title": "Fix lift 2", "i-owner_org": "property_company", "i-due_on": due})
    assert response.status_code == 302
    page = client.get(meeting_url, headers=EN).get_data(as_text=True)
    assert "Fix lift 2" in page and "Secretary Wang" in page and "present" in page
    assert "absent" in page and "Publish minutes to residents" in page
    listing = client.get(url, headers=EN).get_data(as_text=True)
    assert "Fix lift 2" in listing and "Overdue" not in listing


def test_bad_input_is_422_with_messages_in_both_languages(cast, client, login):
    login(cast.secretary)
    url = f"/communities/{cast.community.id}/meetings/new"
    data = {"title": "x", "kind": "regular", "scheduled_at": _local(dt.timedelta(days=1)),
            "orgs": ["party_organization"]}
    en = client.post(url, data=data, headers=EN)
    assert en.status_code == 422
    assert "Invite at least two of the four organizations." in en.get_data(as_text=True)
    zh = client.post(url, data=data, headers=ZH)
    assert zh.status_code == 422 and "至少邀请" in zh.get_data(as_text=True)
    bad_date = client.post(url, data={**data, "scheduled_at": "tomorrow"}, headers=EN)
    assert bad_date.status_code == 422
    meeting = cast.held()
    response = client.post(f"/meetings/{meeting.id}/items", headers=EN,
                           data={"i-title": "x", "i-owner_org": "nobody", "i-due_on": "2026-13-01"})
    assert response.status_code == 422
    assert meeting.items == []


def test_owning_organization_posts_progress_and_closes(cast, client, login):
    item = cast.item(cast.held(), owner_org="property_company")
    login(cast.manager)
    response = client.post(f"/action-items/{item.id}/updates", headers=EN, data={
        f"u{item.id}-body": "Done today", f"u{item.id}-status": "done",
        f"u{item.id}-version": str(item.version)})
    assert response.status_code == 302
    page = client.get(f"/meetings/{item.meeting_id}", headers=EN).get_data(as_text=True)
    assert "Done today" in page and "Done" in page
    stale = client.post(f"/action-items/{item.id}/updates", headers=EN, data={
        f"u{item.id}-body": "again", f"u{item.id}-status": "open", f"u{item.id}-version": "1"})
    assert stale.status_code == 409


def test_overdue_items_on_the_secretarys_home_page(cast, client, login):
    meeting = cast.held()
    item = cast.item(meeting, title="Clear the fire lane", due_in_days=0)
    item.due_on = services.local_today(cast.community) - dt.timedelta(days=3)
    item.version += 1
    from propmgmt.db import db  # noqa: PLC0415

    db.session.commit()
    login(cast.secretary)
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert "Overdue action items of joint meetings" in home and "Clear the fire lane" in home
    assert "3 days late" in home
    listing = client.get(f"/communities/{cast.community.id}/meetings", headers=ZH)
    assert "Clear the fire lane" in listing.get_data(as_text=True)
    login(cast.resident)
    assert "Clear the fire lane" not in client.get("/", headers=EN).get_data(as_text=True)


def test_residents_read_published_minutes_but_not_the_meeting_pages(cast, client, login):
    meeting = cast.held()
    notice = services.publish_minutes(meeting, actor=cast.secretary)
    login(cast.resident)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.get(f"/communities/{cast.community.id}/meetings").status_code == 403
    page = client.get(f"/notices/{notice.id}", headers=EN).get_data(as_text=True)
    assert "Agreed on parking." in page
    login(cast.outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_action_items_export_to_xlsx(cast, client, login):
    meeting = cast.held()
    cast.item(meeting, title="Fix the lift")
    cast.item(meeting, title="=HYPERLINK(\"x\")", owner_org="owners_committee")
    login(cast.secretary)
    response = client.get(f"/communities/{cast.community.id}/action-items.xlsx?status=all",
                          headers=EN)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("No.", "Action item", "Owned by")
    titles = {r[1] for r in rows[1:]}
    assert "Fix the lift" in titles and not any(str(t).startswith("=") for t in titles)


def test_meeting_pages_issue_a_bounded_number_of_queries(cast, client, login, count_queries):
    meeting = cast.held()
    first = cast.item(meeting, title="First", due_in_days=0)
    services.update_item(first, actor=cast.manager, body="progress", status="open")
    login(cast.secretary)

    def measure(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    listing = f"/communities/{cast.community.id}/meetings?status=all"
    detail = f"/meetings/{meeting.id}"
    few = (measure(listing), measure(detail))
    for n in range(12):
        item = cast.item(meeting, title=f"Item {n}")
        services.update_item(item, actor=cast.manager, body="progress", status="open")
        cast.schedule(title=f"Meeting {n}")
    assert (measure(listing), measure(detail)) == few


def test_a_page_of_another_community_links_to_that_community(cast, client, login):
    """The navigation's working community must not replace the page's own community."""
    from propmgmt import roles  # noqa: PLC0415
    from propmgmt.auth.models import Membership  # noqa: PLC0415
    from propmgmt.db import db  # noqa: PLC0415
    from tests.factories import CommunityFactory  # noqa: PLC0415

    other = CommunityFactory(name="AAA first by name")
    db.session.add(Membership(user_id=cast.secretary.id, community_id=other.id,
                              role=roles.PARTY_SECRETARY))
    db.session.commit()
    login(cast.secretary)
    for community in (cast.community, other):
        page = client.get(f"/communities/{community.id}/meetings").get_data(as_text=True)
        assert f'href="/communities/{community.id}/meetings/new"' in page
