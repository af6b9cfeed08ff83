"""The monthly indicator run: counts, rates with "no data", the index, alerts, idempotence."""
import datetime as dt
from fractions import Fraction

import pytest
import sqlalchemy as sa

from propmgmt.billing import payments
from propmgmt.billing import run as billing_run
from propmgmt.billing.models import Bill
from propmgmt.db import db
from propmgmt.errors import Invalid
from propmgmt.monitoring import indicators
from propmgmt.monitoring import scoring
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.monitoring.models.indicators import COUNTS
from propmgmt.notifications.models import Notification
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory

NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)


def _stored(community, period):
    return db.session.scalar(sa.select(CommunityIndicators).where(
        CommunityIndicators.community_id == community.id, CommunityIndicators.period == period))


def _alerts(community):
    return sorted((a.period, a.kind, a.indicator) for a in db.session.scalars(
        sa.select(Alert).where(Alert.community_id == community.id)))


@pytest.fixture
def billed():
    """Three dwellings billed for 2026-10; the first paid in full."""
    estate = make_estate()
    billing_run.run_billing(period="2026-10", community=estate.community, actor=estate.manager)
    first = db.session.scalar(sa.select(Bill).where(Bill.dwelling_id == estate.dwellings[0].id))
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=first.amount_fen,
                            method="cash", reference="R1", actor=estate.manager)
    return estate, first


def test_collection_is_counted_and_a_red_line_raises_one_alert(billed):
    estate, first = billed
    assert indicators.run("2026-10", now=NOW, community_ids=[estate.community.id]) == (1, 1)
    row = _stored(estate.community, "2026-10")
    assert (row.billed_dwellings, row.paid_dwellings, row.dwellings) == (3, 1, 3)
    assert row.paid_fen == first.amount_fen and row.billed_fen > row.paid_fen
    rates = scoring.rates(indicators.counts_of(row))
    assert rates["collection_rate_dwellings"] == Fraction(100, 3)
    assert rates["on_time_rate"] is None and rates["satisfaction"] is None
    assert _alerts(estate.community) == [("2026-10", "red_line", "collection_rate")]
    notified = db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "monitoring.alert")).all()
    assert notified == [estate.secretary.id]


def test_a_rerun_overwrites_figures_and_raises_nothing_twice(billed):
    estate, first = billed
    indicators.run("2026-10", now=NOW, community_ids=[estate.community.id])
    for n, dwelling in enumerate(estate.dwellings[1:]):
        payments.record_payment(dwelling=dwelling, amount_fen=first.amount_fen * 2,
                                method="cash", reference=f"R2-{n}", actor=estate.manager)
    assert indicators.run("2026-10", now=NOW, community_ids=[estate.community.id]) == (1, 0)
    rows = db.session.scalars(sa.select(CommunityIndicators).where(
        CommunityIndicators.community_id == estate.community.id)).all()
    assert len(rows) == 1 and rows[0].paid_dwellings == 3
    assert len(_alerts(estate.community)) == 1


def test_a_month_without_bills_or_tickets_is_no_data_not_a_rate(billed):
    quiet = CommunityFactory()
    indicators.run("2026-10", now=NOW, community_ids=[quiet.id])
    row = _stored(quiet, "2026-10")
    rates = scoring.rates(indicators.counts_of(row))
    assert all(value is None for value in rates.values())
    assert row.index_x100 is None and _alerts(quiet) == []


@pytest.mark.parametrize("period", ["2026-12", "2027-01", "2026-13", "26-11", "", "1999-01",
                                    "2026-1", "abcd-ef"])
def test_future_or_malformed_months_are_refused(period):
    with pytest.raises(Invalid) as error:
        indicators.run(period, now=NOW)
    assert "period" in error.value.fields


def test_the_current_month_counts_so_far_and_is_judged_when_over(billed):
    estate, _first = billed
    billing_run.run_billing(period="2026-11", community=estate.community, actor=estate.manager)
    assert indicators.run("2026-11", now=NOW, community_ids=[estate.community.id]) == (1, 0)
    assert _stored(estate.community, "2026-11").billed_dwellings == 3
    assert _alerts(estate.community) == []  # nothing paid yet, but the month is not over
    after = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)
    assert indicators.run("2026-11", now=after, community_ids=[estate.community.id]) == (1, 1)


def _history(community, period, **counts):
    row = CommunityIndicators(community_id=community.id, period=period, components={},
                              **{**dict.fromkeys(COUNTS, 0), **counts})
    db.session.add(row)
    return row


def test_three_falling_months_of_satisfaction_raise_an_alert():
    community = CommunityFactory()
    for period, total in (("2026-07", 45), ("2026-08", 40), ("2026-09", 35)):
        _history(community, period, survey_answers=10, survey_score_sum=total)
    db.session.commit()
    from propmgmt.surveys.models import Survey  # noqa: PLC0415
    from propmgmt.surveys.models import SurveyAnswer  # noqa: PLC0415
    from tests.factories import BuildingFactory  # noqa: PLC0415
    from tests.factories import DwellingFactory  # noqa: PLC0415

    survey = Survey(community_id=community.id, title="Q", period="2026-10",
                    opens_at=NOW - dt.timedelta(days=50), closes_at=NOW - dt.timedelta(days=30))
    db.session.add(survey)
    db.session.flush()
    dwelling = DwellingFactory(building=BuildingFactory(community=community))
    db.session.add(SurveyAnswer(community_id=community.id, survey_id=survey.id,
                                dwelling_id=dwelling.id, **dict.fromkeys(
                                    ("cleaning", "security", "greenery", "repairs", "parking",
                                     "overall"), 3)))
    db.session.commit()
    indicators.run("2026-10", now=NOW, community_ids=[community.id])
    assert ("2026-10", "red_line", "satisfaction_falling") in _alerts(community)


def test_index_drop_month_on_month(billed, app, monkeypatch):
    """With the district's own setting: an index from a quarter of the weight is enough."""
    monkeypatch.setitem(app.config, "MONITORING", {"min_weight": 25})
    estate, _first = billed
    _history(estate.community, "2026-09", index_x100=9500)
    db.session.commit()
    indicators.run("2026-10", now=NOW, community_ids=[estate.community.id])
    row = _stored(estate.community, "2026-10")
    assert row.index_x100 is not None and row.index_x100 < 8500
    assert ("2026-10", "index_drop", "") in _alerts(estate.community)


def test_the_run_is_set_based(count_queries):
    ids = [CommunityFactory().id for _ in range(2)]
    with count_queries() as few:
        indicators.run("2026-10", now=NOW, community_ids=ids)
    ids += [CommunityFactory().id for _ in range(8)]
    with count_queries() as many:
        indicators.run("2026-10", now=NOW, community_ids=ids)
    assert many.count == few.count


def test_cli_and_job(app, billed):
    estate, _first = billed
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["monitoring", "indicators", "--period", "2099-01"])
    assert bad.exit_code != 0 and "2099-01 has not begun yet." in bad.output
    good = runner.invoke(args=["monitoring", "indicators", "--period", "2026-10"])
    assert good.exit_code == 0, good.output
    assert "Stored 2026-10 for" in good.output and _stored(estate.community, "2026-10")
    job = runner.invoke(args=["jobs", "run", "monitoring.indicators"])
    assert job.exit_code == 0, job.output
    this = indicators.this_month()
    assert _stored(estate.community, this) is not None


def test_the_alert_notification_reads_in_the_users_language_and_links(billed, client, login):
    estate, _first = billed
    indicators.run("2026-10", now=NOW, community_ids=[estate.community.id])
    login(estate.secretary)
    page = client.get("/notifications/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "(2026-10): An indicator crossed its red line" in page
    assert f"/communities/{estate.community.id}/monitoring?period=2026-10" in page


def test_tickets_of_the_month_by_kind_and_channel():
    from tests.tickets.conftest import make_cast  # noqa: PLC0415

    cast = make_cast()
    cast.file()
    cast.file(by=cast.staff, kind="complaint", category="clutter", channel="hotline_12345",
              external_ref="BJ-1", reporter_name="Ms Li", reporter_phone="13800000000",
              dwelling_id=None, location="Stairwell 3")
    now = dt.datetime.now(dt.timezone.utc)
    indicators.run(indicators.this_month(now), now=now, community_ids=[cast.community.id])
    row = _stored(cast.community, indicators.this_month(now))
    assert (row.tickets_opened, row.complaints_opened, row.hotline_opened,
            row.backsliding_events) == (2, 1, 1, 1)
