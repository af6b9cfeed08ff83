"""Arrears: ages to the fen, late fees only under contract, the limitation flag, the collection
steps (and only those), reminders that reach residents, the list page and its export."""
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from propmgmt.billing import arrears
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.forms_staff import CollectionForm
from propmgmt.billing.models import Bill
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import Reminder
from propmgmt.db import db
from propmgmt.money import format_fen
from propmgmt.notifications.models import Notification
from propmgmt.notifications.models import OutboxMessage
from tests.billing.conftest import make_estate
from tests.factories import DwellingFactory

TODAY = dt.date(2026, 11, 26)
EN = {"Accept-Language": "en"}
OLD_FEE = 10000  # 100 yuan per dwelling a month, in force since 2020
SERVICE = {0: 3254, 1: 3983, 2: 2700}  # 0.45 yuan/m² x 72.30 / 88.50 / 60.00 m²


def estate_with_history(periods=()):
    """The billing estate plus a per-dwelling fee in force since 2020, billed for `periods`."""
    estate = make_estate()
    fees.create_fee_item(community=estate.community, name="旧物业费", basis="per_dwelling",
                         rate_fen=OLD_FEE, effective_from=dt.date(2020, 1, 1))
    for period in periods:
        run.run_billing(period=period, community=estate.community)
    return estate


def bill_of(dwelling, period, fee_name="旧物业费"):
    return db.session.scalar(sa.select(Bill).join(FeeItem, FeeItem.id == Bill.fee_item_id).where(
        Bill.dwelling_id == dwelling.id, Bill.period == period, FeeItem.name == fee_name))


def rows_by_label(report):
    return {row.label: row for row in report.rows}


@pytest.fixture
def aged():
    """Overdue by >365 (2023-01), 91-365 (2026-01), 31-90 (2026-09), 0-30 (2026-11) days on
    TODAY; 2026-12 is not due yet. 3-501 paid 50 yuan; 3-502's 2023 bill is void."""
    estate = estate_with_history(("2023-01", "2026-01", "2026-09", "2026-11", "2026-12"))
    d0, d1, _d2 = estate.dwellings
    payments.record_payment(dwelling=d0, amount_fen=5000, method="cash", reference="A-1")
    payments.adjust_bill(bill=bill_of(d1, "2023-01"), amount_fen=None, reason="错收", void=True)
    return estate


def test_buckets_are_right_to_the_fen(aged):
    rows = rows_by_label(arrears.report(aged.community, today=TODAY))
    assert set(rows) == {"3-501", "3-502", "3-503"}
    month = {i: OLD_FEE + SERVICE[i] for i in SERVICE}
    assert rows["3-501"].buckets == [month[0], month[0], month[0], OLD_FEE - 5000]
    assert rows["3-502"].buckets == [month[1], month[1], month[1], 0]
    assert rows["3-503"].buckets == [month[2], month[2], month[2], OLD_FEE]
    assert rows["3-501"].total_fen == 3 * month[0] + 5000
    assert rows["3-501"].oldest_due_on == dt.date(2023, 1, 15)
    assert rows["3-502"].oldest_due_on == dt.date(2026, 1, 15)


@pytest.mark.parametrize(("age", "bucket"), [(1, 0), (30, 0), (31, 1), (90, 1), (91, 2),
                                             (365, 2), (366, 3)])
def test_bucket_boundaries(age, bucket):
    estate = estate_with_history(("2026-01",))
    due = dt.date(2026, 1, 15)
    row = rows_by_label(arrears.report(estate.community, today=due + dt.timedelta(days=age)))
    expected = [0, 0, 0, 0]
    expected[bucket] = OLD_FEE + SERVICE[0]
    assert row["3-501"].buckets == expected


def test_not_yet_due_and_fully_paid_bills_are_not_arrears():
    estate = estate_with_history(("2026-11",))
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=OLD_FEE + SERVICE[0],
                            method="cash", reference="P-1")
    assert arrears.report(estate.community, today=dt.date(2026, 11, 15)).rows == []
    later = rows_by_label(arrears.report(estate.community, today=dt.date(2026, 11, 16)))
    assert set(later) == {"3-502", "3-503"}


def test_no_late_fee_without_a_contract_late_fee(aged):
    report = arrears.report(aged.community, today=TODAY)
    assert report.late_fee is False and all(r.late_fee_fen is None for r in report.rows)


def test_late_fee_is_balance_times_rate_times_days_capped(aged):
    settings = fees.settings_of(aged.community)
    settings.late_fee_daily_bp, settings.late_fee_cap_pct = 5, 30  # 0.05 % a day, at most 30 %
    db.session.flush()
    row = rows_by_label(arrears.report(aged.community, today=TODAY))["3-503"]
    month = OLD_FEE + SERVICE[2]
    accrued = (min(OLD_FEE * 5 * 1411, OLD_FEE * 3000)  # 2023-01-15: capped at 30 %
               + month * 5 * 315 + month * 5 * 72 + month * 5 * 11)
    assert accrued == 55_273_000 and row.late_fee_fen == 5527  # 55.27 yuan, half-up once


def test_the_page_shows_the_late_fee_only_under_contract(client, login, aged):
    login(aged.manager)
    arrears_url = f"/communities/{aged.community.id}/arrears"
    assert "Late fee" not in client.get(arrears_url, headers=EN).get_data(as_text=True)
    settings = fees.settings_of(aged.community)
    settings.late_fee_daily_bp = 5
    db.session.flush()
    expected = format_fen(arrears.report(aged.community).rows[0].late_fee_fen)
    page = client.get(arrears_url, headers=EN).get_data(as_text=True)
    assert "Late fee accrued (yuan, not billed)" in page and f">{expected}<" in page


def test_limitation_flag_from_due_date_or_last_step():
    estate = estate_with_history(("2023-01", "2024-01"))
    d0, d1, d2 = estate.dwellings
    payments.record_payment(dwelling=d0, amount_fen=OLD_FEE, method="cash", reference="L-1")
    arrears.record_action(dwelling=d2, action="reminder", actor=estate.manager)
    rows = rows_by_label(arrears.report(estate.community, today=TODAY))
    assert rows["3-501"].limitation == arrears.NEAR  # due 2024-01-15: ends 2027-01-15
    assert rows["3-502"].limitation == arrears.PAST  # due 2023-01-15: ended 2026-01-15
    assert rows["3-503"].limitation is None  # the reminder started a new 3 years
    assert rows["3-503"].last_on("reminder") == rows["3-503"].last_on()


def test_limitation_status_dates():
    due = dt.date(2023, 12, 1)
    assert arrears.limitation_status(due, None, dt.date(2026, 9, 1)) is None
    assert arrears.limitation_status(due, None, dt.date(2026, 9, 2)) == arrears.NEAR
    assert arrears.limitation_status(due, None, dt.date(2026, 12, 2)) == arrears.PAST
    assert arrears.limitation_status(due, dt.date(2026, 1, 1), dt.date(2026, 12, 2)) is None


def test_the_only_collection_steps_are_reminder_mediation_and_lawsuit(app):
    assert arrears.ACTIONS == ("reminder", "mediation", "lawsuit")
    with app.test_request_context():
        assert [value for value, _label in CollectionForm().action.choices] == list(arrears.ACTIONS)
    forbidden = ("cut", "water", "power", "electric", "gas", "heat", "door", "access", "suspend")
    billing_rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("billing.")]
    assert not [r for r in billing_rules if any(word in r for word in forbidden)]


def test_an_unknown_step_is_refused(client, login, aged):
    login(aged.manager)
    url = f"/communities/{aged.community.id}/dwellings/{aged.dwellings[0].id}/collection-step"
    for action in ("cut_water", "restrict_access", "cut_power"):
        assert client.post(url, data={"action": action}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 0
    page = client.get(url, headers=EN).get_data(as_text=True)
    select = page[page.index('name="action"'):]
    select = select[:select.index("</select>")]
    assert re.findall(r'<option[^>]*value="([^"]+)"', select) == list(arrears.ACTIONS)


def test_reminder_is_recorded_and_reaches_the_residents(client, login):
    estate = estate_with_history(("2026-01",))
    home = estate.dwellings[0]
    login(estate.staff)
    url = f"/communities/{estate.community.id}/dwellings/{home.id}/collection-step"
    response = client.post(url, data={"action": "reminder", "note": "书面催缴 第12号"})
    assert response.status_code == 302 and "/arrears" in response.location
    step = db.session.scalars(sa.select(Reminder)).one()
    assert (step.dwelling_id, step.action, step.amount_fen, step.created_by_id) == (
        home.id, "reminder", OLD_FEE + SERVICE[0], estate.staff.id)
    told = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "billing.reminder")))
    texted = set(db.session.scalars(sa.select(OutboxMessage.user_id).where(
        OutboxMessage.kind == "billing.reminder")))
    assert told == texted == {estate.resident.id, estate.tenant.id}
    login(estate.resident)
    inbox = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert "Payment reminder for 3-501: 132.54 yuan is overdue" in inbox


def test_mediation_and_lawsuit_are_recorded_without_messages_and_shown(client, login):
    estate = estate_with_history(("2026-01",))
    login(estate.manager)
    base = f"/communities/{estate.community.id}/dwellings"
    client.post(f"{base}/{estate.dwellings[1].id}/collection-step", data={"action": "mediation"})
    client.post(f"{base}/{estate.dwellings[2].id}/collection-step", data={"action": "lawsuit"})
    assert sorted(db.session.scalars(sa.select(Reminder.action))) == ["lawsuit", "mediation"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    page = client.get(f"/communities/{estate.community.id}/arrears", headers=EN)
    text = page.get_data(as_text=True)
    assert re.search(r"Mediation by the residents(&#39;|')? committee: \d{4}-\d\d-\d\d", text)
    assert re.search(r"Referral to a lawsuit or arbitration: \d{4}-\d\d-\d\d", text)


def test_nothing_overdue_means_no_step(client, login):
    estate = estate_with_history()
    login(estate.manager)
    url = f"/communities/{estate.community.id}/dwellings/{estate.dwellings[0].id}/collection-step"
    response = client.post(url, data={"action": "reminder"}, headers=EN)
    assert response.status_code == 409 and "has nothing overdue" in response.get_data(as_text=True)


def test_arrears_page_lists_owners_and_only_the_collector_acts(client, login, aged):
    login(aged.owners_committee)  # sees arrears, but the company collects in this mode
    page = client.get(f"/communities/{aged.community.id}/arrears", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and aged.resident.display_name in text
    assert aged.tenant.display_name not in text  # the owner is liable (rule 29)
    assert "/collection-step" not in text and "Late fee" not in text
    url = f"/communities/{aged.community.id}/dwellings/{aged.dwellings[0].id}/collection-step"
    assert client.get(url).status_code == 403


def test_arrears_export(client, login, aged):
    login(aged.manager)
    response = client.get(f"/communities/{aged.community.id}/arrears.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    by_label = {r[1]: r for r in rows[1:]}
    assert by_label["3-501"][2] == aged.resident.display_name
    month = (OLD_FEE + SERVICE[0]) / 100
    assert [float(v) for v in by_label["3-501"][3:8]] == [3 * month + 50, month, month, month, 50]


def test_arrears_list_has_bounded_queries(client, login, count_queries):
    estate = estate_with_history(("2026-01",))
    login(estate.manager)
    url = f"/communities/{estate.community.id}/arrears"

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    arrears.record_action(dwelling=estate.dwellings[0], action="reminder")
    few = queries_for_page()
    building = estate.dwellings[0].building
    for n in range(30):
        DwellingFactory(building=building, number=str(601 + n), area_x100=5000)
    run.run_billing(period="2026-02", community=estate.community)
    for home in estate.dwellings:
        arrears.record_action(dwelling=home, action="mediation")
    assert len(arrears.report(estate.community).rows) == 33
    assert queries_for_page() == few
