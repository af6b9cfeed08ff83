"""Ticket pages: filing with photos, the queue, the ticket page and its actions, exports."""
import io

from openpyxl import load_workbook
from PIL import Image

from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.notifications.models import Notification
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketPhoto
from tests.tickets.conftest import make_cast

EN = {"Accept-Language": "en"}


def jpeg(size=(32, 24)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def form(cast, **overrides):
    data = {"kind": "repair", "category": "pipes", "priority": "normal",
            "dwelling_id": str(cast.dwelling.id), "title": "Leak", "description": "It drips."}
    data.update(overrides)
    return data


def test_resident_files_with_a_photo_and_sees_it(client, login, cast, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login(cast.resident)
    response = client.post(f"/communities/{cast.community.id}/tickets/new",
                           data={**form(cast), "photos": [(io.BytesIO(jpeg()), "leak.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    ticket = db.session.query(Ticket).one()
    photo = db.session.query(TicketPhoto).one()
    assert ticket.handler_kind == modes.COMPANY and photo.content_type == "image/jpeg"
    assert not (tmp_path / "tickets" / str(cast.community.id) / "leak.jpg").exists()
    served = client.get(f"/tickets/{ticket.id}/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


def test_bad_input_is_refused_and_nothing_is_filed(client, login, cast, app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    other = make_cast()
    login(cast.resident)
    url = f"/communities/{cast.community.id}/tickets/new"
    cases = [
        (form(cast, description=""), "This field is required"),
        (form(cast, description="x" * 20_000), "Field cannot be longer than 5000"),
        (form(cast, dwelling_id=str(other.dwelling.id)), "no such dwelling in this community"),
        ({**form(cast), "photos": [(io.BytesIO(b"<html>not an image</html>"), "x.jpg")]},
         "not a JPEG, PNG or WebP"),
        ({**form(cast), "photos": [(io.BytesIO(jpeg()), f"{n}.jpg") for n in range(4)]},
         "at most 3 photos"),
        (form(cast, category="parking"), "Choose a category from the list"),
        (form(cast, dwelling_id="", location=""), "Say where the problem is"),
    ]
    for data, message in cases:
        response = client.post(url, data=data, headers=EN, content_type="multipart/form-data")
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert db.session.query(Ticket).count() == 0
    assert not list(tmp_path.rglob("*.jpg"))


def test_a_fifty_megabyte_upload_is_refused_clearly(client, login, cast):
    login(cast.resident)
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; "
            f"filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
    body += b"0" * (50 << 20) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/communities/{cast.community.id}/tickets/new", headers=EN,
                           data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)


def test_resident_sees_only_own_tickets_and_photos(client, login, cast, app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    neighbour_ticket = cast.file(by=cast.manager, dwelling_id=None, location="Roof",
                                 title="Roof leak")
    mine = cast.file()
    from tests.factories import member  # noqa: PLC0415
    from propmgmt import roles  # noqa: PLC0415

    stranger = member(cast.community, roles.RESIDENT)
    login(stranger)
    assert client.get(f"/tickets/{mine.id}").status_code == 404
    assert client.get(f"/tickets/{neighbour_ticket.id}").status_code == 404
    page = client.get(f"/communities/{cast.community.id}/tickets").get_data(as_text=True)
    assert "Leaking pipe" not in page and "Roof leak" not in page
    client.post("/logout")
    login(cast.resident)
    page = client.get(f"/communities/{cast.community.id}/tickets").get_data(as_text=True)
    assert "Leaking pipe" in page and "Roof leak" not in page


def test_whole_life_on_the_pages(client, login, cast):
    ticket = cast.file()
    login(cast.manager)
    assert client.post(f"/tickets/{ticket.id}/actions/accept",
                       data={"accept-action": "accept"}).status_code == 302
    assert client.post(f"/tickets/{ticket.id}/actions/assign", data={
        "assign-action": "assign", "assign-assignee_id": str(cast.technician.id)}
    ).status_code == 302
    client.post("/logout")
    login(cast.technician)
    assert client.post(f"/tickets/{ticket.id}/actions/resolve", data={
        "resolve-action": "resolve", "resolve-note": "Seal replaced"}).status_code == 302
    client.post("/logout")
    login(cast.resident)
    page = client.get(f"/tickets/{ticket.id}", headers=EN).get_data(as_text=True)
    assert "Confirm the fix" in page and "Seal replaced" in page
    assert client.post(f"/tickets/{ticket.id}/actions/confirm",
                       data={"confirm-action": "confirm"}).status_code == 302
    assert client.post(f"/tickets/{ticket.id}/rating",
                       data={"score": "4", "comment": "Good"}).status_code == 302
    db.session.refresh(ticket)
    assert ticket.status == "closed" and ticket.rating == 4


def test_illegal_action_shows_a_message(client, login, cast):
    ticket = cast.file()
    login(cast.resident)
    response = client.post(f"/tickets/{ticket.id}/actions/accept",
                           data={"accept-action": "accept"}, headers=EN)
    assert response.status_code == 403
    login(cast.manager)
    response = client.post(f"/tickets/{ticket.id}/actions/resolve",
                           data={"resolve-action": "resolve", "resolve-note": "x"}, headers=EN)
    assert response.status_code == 409
    assert "cannot be changed that way now" in response.get_data(as_text=True)


def test_resolve_needs_a_note(client, login, cast):
    ticket = cast.file()
    login(cast.manager)
    client.post(f"/tickets/{ticket.id}/actions/accept", data={"accept-action": "accept"})
    response = client.post(f"/tickets/{ticket.id}/actions/resolve",
                           data={"resolve-action": "resolve"}, headers=EN)
    assert response.status_code == 422
    assert "Add a note" in response.get_data(as_text=True)


def test_queue_filters_and_bounded_queries(client, login, cast, count_queries):
    login(cast.secretary)
    url = f"/communities/{cast.community.id}/tickets"

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(url + "?status=open").status_code == 200
        return counter.count

    for _ in range(2):
        cast.file()
    few = queries_for_page()
    for _ in range(20):
        cast.file(kind="complaint", category="parking", dwelling_id=None, title="Parking mess")
    assert queries_for_page() == few
    page = client.get(url + "?kind=complaint").get_data(as_text=True)
    assert "Parking mess" in page and "Leaking pipe" not in page


def test_export_xlsx_and_csv(client, login, cast):
    cast.file(title="=HYPERLINK(\"http://evil\")")
    login(cast.residents_committee)
    xlsx = client.get(f"/communities/{cast.community.id}/tickets.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.values)
    assert rows[1][5].startswith("'=")
    csv_text = client.get(f"/communities/{cast.community.id}/tickets.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
    login(cast.resident)
    assert client.get(f"/communities/{cast.community.id}/tickets.xlsx").status_code == 403


def test_deadlines_are_configured_per_community(client, login, cast):
    login(cast.manager)
    response = client.post(f"/communities/{cast.community.id}/ticket-deadlines", data={
        "kind": "repair", "category": "pipes", "priority": "normal",
        "response_minutes": "60", "resolution_hours": "48"})
    assert response.status_code == 302
    ticket = cast.file()
    assert (ticket.response_due_at - ticket.created_at).total_seconds() == 3600
    assert (ticket.resolution_due_at - ticket.created_at).total_seconds() == 48 * 3600
    bad = client.post(f"/communities/{cast.community.id}/ticket-deadlines", data={
        "kind": "repair", "category": "pipes", "priority": "normal",
        "response_minutes": "600", "resolution_hours": "1"}, headers=EN)
    assert bad.status_code == 422 and "at least the response limit" in bad.get_data(as_text=True)


def test_bell_counts_unread_and_marks_read(client, login, cast):
    ticket = cast.file()
    login(cast.manager)
    assert 'id="unread-count">1<' in client.get("/").get_data(as_text=True)
    page = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert f"New ticket #{ticket.id} for you" in page
    client.post("/notifications/read", data={"all": "1"})
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)
    assert db.session.query(Notification).filter_by(user_id=cast.manager.id,
                                                    read_at=None).count() == 0


def test_a_user_who_uploads_too_many_files_is_told_to_wait_and_nothing_is_filed(
        client, login, cast, app, tmp_path, monkeypatch):
    """F4: a quota of uploaded files per user (UPLOAD_RATE_LIMIT); each file counts once, a
    ticket without photos does not count."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "UPLOAD_RATE_LIMIT", "4 per hour")
    login(cast.resident)
    url = f"/communities/{cast.community.id}/tickets/new"

    def photos(n):
        return [(io.BytesIO(jpeg()), f"p{i}.jpg") for i in range(n)]

    statuses = [client.post(url, data={**form(cast), "photos": photos(3)}, headers=EN,
                            content_type="multipart/form-data").status_code,
                client.post(url, data=form(cast), headers=EN).status_code]
    assert statuses == [302, 302]
    refused = client.post(url, data={**form(cast), "photos": photos(2)}, headers=EN,
                          content_type="multipart/form-data")
    assert refused.status_code == 429
    assert "You have sent many files in a short time" in refused.get_data(as_text=True)
    assert db.session.query(Ticket).count() == 2
    assert len(list(tmp_path.rglob("*.jpg"))) == 3
