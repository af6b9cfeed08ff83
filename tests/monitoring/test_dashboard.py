"""The dashboard, the district view and a community's indicator page, read from stored figures."""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.db import db
from propmgmt.monitoring import indicators
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.monitoring.models.indicators import COUNTS
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import member

EN = {"Accept-Language": "en"}


def _table(client, url, headers=EN):
    """The indicator table of a page (the navigation lists communities too)."""
    page = client.get(url, headers=headers).get_data(as_text=True)
    return page[page.index('id="indicator-table"'):]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _month(community, period, index=None, **counts):
    row = CommunityIndicators(community_id=community.id, period=period, components={},
                              index_x100=index, **{**dict.fromkeys(COUNTS, 0), **counts})
    db.session.add(row)
    return row


@pytest.fixture
def district():
    """Three communities with stored figures for this month; a secretary of two of them, a
    supervisor of all three and a resident."""
    this = indicators.this_month()
    good, bad, quiet = (CommunityFactory(name=n) for n in ("Good Court", "Bad Court",
                                                          "Quiet Court"))
    _month(good, this, index=8800, billed_fen=1000, paid_fen=950, billed_dwellings=10,
           paid_dwellings=9, dwellings=10, resolution_due=10, resolved_on_time=9)
    _month(bad, this, index=4200, billed_fen=1000, paid_fen=400, billed_dwellings=10,
           paid_dwellings=4, dwellings=10, resolution_due=10, resolved_on_time=5, overdue_open=7)
    db.session.add(Alert(community_id=bad.id, period=this, kind="red_line",
                         indicator="collection_rate", value_x100=4000, threshold_x100=6000))
    db.session.commit()
    secretary = member(good, roles.PARTY_SECRETARY)
    supervisor = member(good, roles.DISTRICT_SUPERVISOR)
    grants = [(secretary, bad, roles.PARTY_SECRETARY)] + [
        (supervisor, c, roles.DISTRICT_SUPERVISOR) for c in (bad, quiet)]
    db.session.add_all([Membership(user_id=user.id, community_id=community.id, role=role)
                        for user, community, role in grants])
    db.session.commit()
    return {"good": good, "bad": bad, "quiet": quiet, "secretary": secretary,
            "supervisor": supervisor, "resident": member(good, roles.RESIDENT), "period": this}


def test_secretary_sees_their_communities_worst_first_with_colours(district, client, login):
    login(district["secretary"])
    page = _table(client, "/monitoring")
    assert page.index("Bad Court") < page.index("Good Court") and "Quiet Court" not in page
    assert "table-danger" in page and "42.0" in page and "88.0" in page
    assert "An indicator crossed its red line: Collection rate (amount)" in page
    zh = client.get("/monitoring", headers=ZH).get_data(as_text=True)
    assert "反弹指数" in zh


def test_sorting_and_filtering(district, client, login):
    login(district["supervisor"])
    best_first = _table(client, "/monitoring?sort=index&dir=desc")
    assert best_first.index("Good Court") < best_first.index("Bad Court")
    assert best_first.index("Bad Court") < best_first.index("Quiet Court")  # no data last
    red = _table(client, "/monitoring?status=red")
    assert "Bad Court" in red and "Good Court" not in red
    by_name = _table(client, "/monitoring?sort=name")
    assert by_name.index("Bad Court") < by_name.index("Good Court")
    assert client.get("/monitoring?sort=evil&status=x&mode=y&period=2099-01").status_code == 200


def test_district_view_ranks_exports_and_prints(district, client, login):
    login(district["supervisor"])
    page = client.get("/district", headers=EN).get_data(as_text=True)
    assert "District view" in page and "PDF report" in page
    sheet = client.get("/monitoring.xlsx?sort=index&dir=desc", headers=EN)
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.values)
    assert rows[0][:2] == ("Rank", "Community")
    assert [r[1] for r in rows[1:]] == ["Good Court", "Bad Court", "Quiet Court"]
    assert rows[1][0] == 1 and rows[2][4] == 42.0 and rows[3][4] is None
    pdf = client.get(f"/communities/{district['bad'].id}/monitoring/report.pdf", headers=ZH)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    login(district["secretary"])
    assert client.get("/district").status_code == 200  # party secretaries too
    login(district["resident"])
    assert client.get("/district").status_code == 403
    assert client.get("/monitoring", headers=EN).status_code == 200  # nothing to follow


def test_community_page_shows_counts_trend_charts_and_no_data(district, client, login):
    login(district["secretary"])
    page = client.get(f"/communities/{district['bad'].id}/monitoring", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and "<script" not in text.split(
        "<svg", 1)[1].split("</svg>")[0]
    assert "4 / 10" in text and "no data" in text
    other = client.get(f"/communities/{district['quiet'].id}/monitoring")
    assert other.status_code == 404


def test_alert_is_acknowledged_then_closed_with_a_note(district, client, login):
    alert = db.session.scalar(sa.select(Alert))
    login(district["resident"])
    assert client.post(f"/alerts/{alert.id}/acknowledge").status_code in (403, 404)
    login(district["secretary"])
    assert client.post(f"/alerts/{alert.id}/acknowledge", data={"note": "On it"}).status_code \
        == 302
    assert db.session.get(Alert, alert.id).status == "acknowledged"
    empty = client.post(f"/alerts/{alert.id}/close", data={"note": ""}, headers=EN)
    assert empty.status_code == 302 and db.session.get(Alert, alert.id).status == "acknowledged"
    done = client.post(f"/alerts/{alert.id}/close", data={
        "note": "Met the company; collection drive planned", "next": "community"})
    assert done.status_code == 302 and "/monitoring" in done.location
    closed = db.session.get(Alert, alert.id)
    assert closed.status == "closed" and closed.note.startswith("Met the company")
    assert "Met the company" not in client.get("/monitoring").get_data(as_text=True)


def test_supervisor_records_an_evaluation(district, client, login):
    building = BuildingFactory(community=district["good"], name="7")
    login(district["supervisor"])
    url = f"/communities/{district['good'].id}/evaluations"
    missing = client.post(url, data={"kind": "best_building", "year": "2026",
                                     "building_id": "0"}, headers=EN)
    assert missing.status_code == 422
    assert "Name the building that was chosen." in missing.get_data(as_text=True)
    ok = client.post(url, data={"kind": "best_building", "year": "2026",
                                "building_id": str(building.id), "awarded_by": "Street office"})
    assert ok.status_code == 302
    page = _table(client, "/district")
    assert "Most beautiful building" in page and "Building 7" in page
    login(district["secretary"])
    assert client.post(url, data={"kind": "clean_community", "year": "2026"}).status_code == 403


def test_dashboard_queries_do_not_grow_with_communities(district, client, login,
                                                        count_queries):
    login(district["supervisor"])

    def measure(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    before = (measure("/monitoring"), measure("/district"))
    for n in range(6):
        community = CommunityFactory(name=f"Extra {n}")
        _month(community, district["period"], index=7000 + n)
        db.session.add(Membership(user_id=district["supervisor"].id, community_id=community.id,
                                  role=roles.DISTRICT_SUPERVISOR))
    db.session.commit()
    assert (measure("/monitoring"), measure("/district")) == before


def test_open_alerts_on_the_secretarys_home_page(district, client, login):
    login(district["secretary"])
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert 'id="home-alerts"' in home and "Collection rate (amount)" in home
    login(district["resident"])
    assert 'id="home-alerts"' not in client.get("/", headers=EN).get_data(as_text=True)


def test_the_dashboard_lists_the_newest_alerts_and_counts_them_all(district, client, login,
                                                                   count_queries):
    """Hundreds of open alerts (a sliding district) must not make the dashboard a megabyte of
    forms: it lists the newest 20 and says how many there are; each community's count leads to
    its own page, which lists all of them."""
    bad = district["bad"]
    periods = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(40)]
    db.session.add_all([Alert(community_id=bad.id, period=p, kind="index_low", value_x100=4000,
                              threshold_x100=6000) for p in periods])
    db.session.commit()
    login(district["secretary"])
    with count_queries() as counter:
        page = client.get("/monitoring", headers=EN).get_data(as_text=True)
    listed = re.findall(r'id="alert-(\d+)"', page)
    assert len(listed) == 20
    assert "Open alerts <span class=\"text-muted small\">(41)</span>" in page
    assert "The newest 20 of 41" in page
    assert f'href="/communities/{bad.id}/monitoring?period={district["period"]}#alerts">41</a>' \
        in page
    community = client.get(f"/communities/{bad.id}/monitoring", headers=EN).get_data(as_text=True)
    assert len(re.findall(r'id="alert-(\d+)"', community)) == 41
    print(f"dashboard with 41 open alerts: {counter.count} statements, {len(page)} bytes")
