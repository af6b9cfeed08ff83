"""The fee collector's pages: fee items and rates, billing settings, the billing run, by role."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import roles
from propmgmt.audit import AuditEntry
from propmgmt.billing import fees
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillingSettings
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import FeeRate
from propmgmt.communities import modes
from propmgmt.db import db
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
THIS_MONTH = dt.date.today().strftime("%Y-%m")


def url(estate, tail=""):
    return f"/communities/{estate.community.id}/{tail}"


def item_data(**overrides):
    data = {"name": "停车服务费", "kind": "parking", "basis": "per_dwelling", "cycle": "monthly",
            "rate_yuan": "150.00", "effective_from": "", "price_form": "market",
            "guided_base_yuan": "", "guided_float_pct": "", "legal_basis": "业主大会决议"}
    data.update(overrides)
    return {f"item-{k}": v for k, v in data.items()}


def rate_data(estate, rate_yuan, days):
    prefix = f"rate-{estate.fee.id}"
    return {f"{prefix}-rate_yuan": rate_yuan,
            f"{prefix}-effective_from": (dt.date.today() + dt.timedelta(days=days)).isoformat()}


def settings_data(**overrides):
    data = {"due_day": "20", "vacancy_policy": "full", "vacancy_discount_pct": "",
            "late_fee_daily_bp": "", "late_fee_cap_pct": ""}
    data.update(overrides)
    return data


def run_and_read(client, target, period):
    """Press the run button; the flashed message shows on the page it redirects to."""
    response = client.post(target, data={"run-period": period}, headers=EN)
    assert response.status_code == 302
    return client.get(response.location, headers=EN).get_data(as_text=True)


def item_named(community, name):
    return db.session.scalar(sa.select(FeeItem).where(FeeItem.community_id == community.id,
                                                      FeeItem.name == name))


def test_fee_collector_creates_an_item_and_changes_a_rate(client, login):
    estate = make_estate()
    login(estate.manager)
    response = client.post(url(estate, "fees"), data=item_data(rate_yuan="1.10"))
    assert response.status_code == 302
    item = item_named(estate.community, "停车服务费")
    assert (item.kind, item.basis, item.legal_basis) == ("parking", "per_dwelling", "业主大会决议")
    assert [r.rate_fen for r in item.rates] == [110]  # yuan typed, fen stored, no floats
    response = client.post(url(estate, f"fees/{estate.fee.id}/rates"),
                           data=rate_data(estate, "0.50", 40), headers=EN)
    assert response.status_code == 302
    page = client.get(url(estate, "fees"), headers=EN).get_data(as_text=True)
    starts = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    assert "New rate of 0.50 yuan for 物业服务费 announced" in page
    assert starts in page and dt.date.today().isoformat() in page  # effective from, announced on
    assert "0.45" in page and "Announced" in page and "In force" in page


def test_rule_24_rate_change_with_20_days_notice_is_refused(client, login):
    estate = make_estate()
    login(estate.manager)
    response = client.post(url(estate, f"fees/{estate.fee.id}/rates"),
                           data=rate_data(estate, "0.50", 20), headers=EN)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least one month before it takes effect" in text and "is-invalid" in text
    assert len(db.session.scalars(sa.select(FeeRate).where(
        FeeRate.fee_item_id == estate.fee.id)).all()) == 1


def test_rule_25_guided_price_out_of_range_is_refused(client, login):
    estate = make_estate()
    login(estate.manager)
    response = client.post(url(estate, "fees"), headers=EN, data=item_data(
        name="指导价服务费", basis="per_m2", rate_yuan="0.60", price_form="guided",
        guided_base_yuan="0.50", guided_float_pct="10"))
    assert response.status_code == 422
    assert "must lie between 45 and 55 fen" in response.get_data(as_text=True)
    assert item_named(estate.community, "指导价服务费") is None
    accepted = client.post(url(estate, "fees"), data=item_data(
        name="指导价服务费", basis="per_m2", rate_yuan="0.55", price_form="guided",
        guided_base_yuan="0.50", guided_float_pct="10"))
    assert accepted.status_code == 302
    page = client.get(url(estate, "fees"), headers=EN).get_data(as_text=True)
    assert "base rate 0.50 yuan ± 10%" in page


def test_amounts_are_whole_fen(client, login):
    estate = make_estate()
    login(estate.manager)
    response = client.post(url(estate, "fees"), data=item_data(rate_yuan="0.455"), headers=EN)
    assert response.status_code == 422
    assert "at most two decimals" in response.get_data(as_text=True)


def test_resident_sees_the_fees_read_only(client, login):
    estate = make_estate()
    login(estate.resident)
    response = client.get(url(estate, "fees"), headers=EN)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "物业服务费" in text and "0.45" in text and "服务合同" in text and "12358" in text
    assert "<form method=\"post\"" not in text.split("<main", 1)[1]
    posts = [("fees", item_data()), (f"fees/{estate.fee.id}/rates", rate_data(estate, "1", 40)),
             ("billing-run", {"run-period": THIS_MONTH}), ("billing-settings", settings_data())]
    for tail, data in posts:
        assert client.post(url(estate, tail), data=data).status_code == 403, tail
    assert client.get(url(estate, "billing-settings")).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bill)) == 0


def test_another_community_is_not_found(client, login):
    estate = make_estate()
    login(member(CommunityFactory(), roles.PROPERTY_MANAGER))
    assert client.get(url(estate, "fees")).status_code == 404
    assert client.post(url(estate, "fees"), data=item_data()).status_code == 404
    assert client.post(url(estate, f"fees/{estate.fee.id}/rates"),
                       data=rate_data(estate, "1", 40)).status_code == 404
    assert client.get(url(estate, "billing-settings")).status_code == 404


def test_fee_item_of_another_community_is_not_found(client, login):
    estate, other = make_estate(), make_estate()
    admin = member(None, roles.ADMIN)
    login(admin)
    response = client.post(f"/communities/{estate.community.id}/fees/{other.fee.id}/rates",
                           data=rate_data(other, "1", 40))
    assert response.status_code == 404


def test_in_a_coordinated_community_the_residents_committee_collects_fees(client, login):
    estate = make_estate(mode=modes.COORDINATED)
    login(estate.manager)
    assert client.get(url(estate, "fees")).status_code == 200
    assert client.post(url(estate, "fees"), data=item_data()).status_code == 403
    assert client.post(url(estate, "billing-run"),
                       data={"run-period": THIS_MONTH}).status_code == 403
    client.post("/logout")
    login(member(estate.community, roles.RESIDENTS_COMMITTEE))
    page = client.get(url(estate, "fees"), headers=EN).get_data(as_text=True)
    assert "Create fee item" in page and "Announce a rate change" in page
    assert client.post(url(estate, "fees"), data=item_data()).status_code == 302
    assert client.post(url(estate, f"fees/{estate.fee.id}/rates"),
                       data=rate_data(estate, "0.50", 40)).status_code == 302


def test_settings_are_validated_and_saved(client, login):
    estate = make_estate()
    login(estate.manager)
    target = url(estate, "billing-settings")
    assert client.get(target).status_code == 200
    refused = {
        "The due day must be a day from 1 to 28.": settings_data(due_day="31"),
        "Enter a discount from 1 to 100 per cent.": settings_data(vacancy_policy="discount"),
        "A cap needs a daily late-fee rate": settings_data(late_fee_cap_pct="30"),
        "Enter the contract&#39;s daily rate from 1 to 100 basis points":
            settings_data(late_fee_daily_bp="500"),
    }
    for message, data in refused.items():
        response = client.post(target, data=data, headers=EN)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(BillingSettings).where(
        BillingSettings.community_id == estate.community.id)) is None
    response = client.post(target, data=settings_data(vacancy_policy="discount",
                                                      vacancy_discount_pct="20",
                                                      late_fee_daily_bp="5"))
    assert response.status_code == 302
    saved = fees.current_settings(estate.community)
    assert (saved.due_day, saved.vacancy_policy, saved.vacancy_discount_pct,
            saved.late_fee_daily_bp, saved.late_fee_cap_pct) == (20, "discount", 20, 5, 30)
    assert db.session.scalar(sa.select(AuditEntry.detail).where(
        AuditEntry.action == "billing.settings"))["late_fee_daily_bp"] == 5
    client.post(target, data=settings_data())
    db.session.refresh(saved)
    assert (saved.late_fee_daily_bp, saved.late_fee_cap_pct, saved.vacancy_discount_pct) == \
        (None, None, 0)
    page = client.get(url(estate, "fees"), headers=EN).get_data(as_text=True)
    assert "No late fee." in page and "due on day 20" in page


def test_run_button_creates_bills_once(client, login):
    estate = make_estate()
    login(estate.manager)
    page = client.get(url(estate, "fees"), headers=EN).get_data(as_text=True)
    assert f'value="{THIS_MONTH}"' in page  # the current month is the default
    assert f"Created 3 bill lines for {THIS_MONTH}; 0 already existed." in run_and_read(
        client, url(estate, "billing-run"), THIS_MONTH)
    assert f"Nothing to do: all 3 bill lines for {THIS_MONTH} already exist." in run_and_read(
        client, url(estate, "billing-run"), THIS_MONTH)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bill).where(
        Bill.community_id == estate.community.id)) == 3


def test_run_with_nothing_to_bill_says_so(client, login):
    community = CommunityFactory()
    manager = member(community, roles.PROPERTY_MANAGER)
    login(manager)
    text = run_and_read(client, f"/communities/{community.id}/billing-run", THIS_MONTH)
    assert "Nothing to do: no active fee item is billed" in text


def test_bad_period_is_explained_next_to_the_field(client, login):
    estate = make_estate()
    login(estate.manager)
    for period, message in (("2026-13", "Give the period as YYYY-MM"),
                            ("2999-01", "is too far from today")):
        response = client.post(url(estate, "billing-run"), data={"run-period": period},
                               headers=EN)
        text = response.get_data(as_text=True)
        assert response.status_code == 422 and message in text and "is-invalid" in text


def test_fee_page_queries_do_not_grow_with_items(client, login, count_queries):
    def queries(extra_items):
        estate = make_estate()
        for n in range(extra_items):
            fees.create_fee_item(community=estate.community, name=f"Fee {n}",
                                 basis="per_dwelling", rate_fen=100 + n)
            fees.change_rate(item=item_named(estate.community, f"Fee {n}"), rate_fen=200,
                             effective_from=dt.date.today() + dt.timedelta(days=40))
        login(estate.manager)
        with count_queries() as counter:
            assert client.get(url(estate, "fees")).status_code == 200
        client.post("/logout")
        return counter.count

    assert queries(1) == queries(6)
