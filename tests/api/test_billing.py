"""Billing over the API: fee items and rate changes, billing runs, a dwelling's bills, payments."""
import datetime as dt

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.billing import fees
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.models import Payment
from propmgmt.communities import modes
from propmgmt.db import db
from tests.api.bodies import error_of
from tests.billing.conftest import make_estate
from tests.factories import CommunityFactory
from tests.factories import member

TODAY = dt.date.today()
PERIOD = TODAY.strftime("%Y-%m")
ITEM = {"name": "Parking", "basis": "per_dwelling", "rate_fen": 15000, "cycle": "monthly"}


@pytest.fixture
def estate():
    return make_estate()


def _fee_items_url(estate):
    return f"/api/v1/communities/{estate.community.id}/fee-items"


def _runs_url(estate):
    return f"/api/v1/communities/{estate.community.id}/billing-runs"


def _bills_url(dwelling, query=""):
    return f"/api/v1/dwellings/{dwelling.id}/bills{query}"


def _payments_url(bill_id):
    return f"/api/v1/bills/{bill_id}/payments"


def _bill_ids(estate, dwelling=None):
    dwelling = dwelling or estate.dwellings[0]
    return list(db.session.scalars(sa.select(Bill.id).where(Bill.dwelling_id == dwelling.id)
                                   .order_by(Bill.period, Bill.id)))


def _payment_count(estate):
    return db.session.scalar(sa.select(sa.func.count(Payment.id)).where(
        Payment.community_id == estate.community.id))


def _billed(estate, *periods):
    for period in periods:
        run.run_billing(period=period, community=estate.community)
    return _bill_ids(estate)


# --- fee items --------------------------------------------------------------------------------

def test_members_list_fee_items_with_the_rate_in_force(client, estate, headers_of):
    fees.change_rate(item=estate.fee, rate_fen=50, effective_from=TODAY + dt.timedelta(days=40))
    response = client.get(_fee_items_url(estate), headers=headers_of(estate.tenant))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)
    assert body["items"] == [{
        "id": estate.fee.id, "name": "物业服务费", "basis": "per_m2", "rate_fen": 45,
        "cycle": "monthly", "kind": "service", "price_form": "market", "guided_base_fen": None,
        "guided_float_pct": None, "legal_basis": "服务合同", "is_active": True,
        "rates": [{"rate_fen": 45, "effective_from": "2025-01-01",
                   "announced_on": TODAY.isoformat()},
                  {"rate_fen": 50, "effective_from": (TODAY + dt.timedelta(days=40)).isoformat(),
                   "announced_on": TODAY.isoformat()}],
    }]


@pytest.mark.parametrize("method", ["get", "post"])
def test_fee_items_of_another_community_are_404(client, estate, headers_of, method):
    stranger = member(CommunityFactory(), roles.PROPERTY_MANAGER)
    response = getattr(client, method)(_fee_items_url(estate), json=ITEM,
                                       headers=headers_of(stranger))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_the_fee_collector_creates_a_fee_item(client, estate, headers_of, role):
    response = client.post(_fee_items_url(estate), headers=headers_of(getattr(estate, role)),
                           json={**ITEM, "kind": "parking", "legal_basis": "停车服务协议"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("name", "basis", "rate_fen", "cycle", "kind", "price_form",
                                 "legal_basis")} == {
        "name": "Parking", "basis": "per_dwelling", "rate_fen": 15000, "cycle": "monthly",
        "kind": "parking", "price_form": "market", "legal_basis": "停车服务协议"}
    # the first rate comes from the contract and applies at once: from this period on
    assert body["rates"] == [{"rate_fen": 15000,
                              "effective_from": TODAY.replace(day=1).isoformat(),
                              "announced_on": TODAY.isoformat()}]
    listed = client.get(_fee_items_url(estate), headers=headers_of(estate.resident)).get_json()
    assert [item["name"] for item in listed["items"]] == ["物业服务费", "Parking"]


@pytest.mark.parametrize("role", [roles.RESIDENT, roles.TECHNICIAN, roles.OWNERS_COMMITTEE,
                                  roles.RESIDENTS_COMMITTEE, roles.PARTY_SECRETARY,
                                  roles.DISTRICT_SUPERVISOR])
def test_others_who_see_the_community_may_not_add_fee_items(client, estate, headers_of, role):
    response = client.post(_fee_items_url(estate), json=ITEM,
                           headers=headers_of(member(estate.community, role)))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize("mode, collector, refused", [
    (modes.COORDINATED, roles.RESIDENTS_COMMITTEE, roles.PROPERTY_MANAGER),
    (modes.SELF_GOVERNED, roles.OWNERS_COMMITTEE, roles.PROPERTY_MANAGER),
])
def test_fee_items_belong_to_the_collector_of_the_mode(client, headers_of, mode, collector,
                                                       refused):
    estate = make_estate(mode)
    allowed = client.post(_fee_items_url(estate), json=ITEM,
                          headers=headers_of(member(estate.community, collector)))
    assert allowed.status_code == 201, allowed.get_json()
    denied = client.post(_fee_items_url(estate), json={**ITEM, "name": "Storage"},
                         headers=headers_of(member(estate.community, refused)))
    assert denied.status_code == 403


def _rate_change(estate, days, **overrides):
    return {"name": estate.fee.name, "basis": "per_m2", "rate_fen": 50, "cycle": "monthly",
            "effective_from": (TODAY + dt.timedelta(days=days)).isoformat(), **overrides}


def test_rule_24_a_new_rate_needs_a_month_of_notice(client, estate, headers_of):
    headers = headers_of(estate.manager)
    early = client.post(_fee_items_url(estate), json=_rate_change(estate, 20), headers=headers)
    assert early.status_code == 422
    assert "at least one month" in error_of(early)["fields"]["effective_from"][0]
    on_time = client.post(_fee_items_url(estate), json=_rate_change(estate, 40), headers=headers)
    assert on_time.status_code == 201, on_time.get_json()
    body = on_time.get_json()
    assert body["id"] == estate.fee.id
    assert body["rate_fen"] == 45  # the new rate is announced, not yet in force
    assert [(r["rate_fen"], r["effective_from"], r["announced_on"]) for r in body["rates"]] == [
        (45, "2025-01-01", TODAY.isoformat()),
        (50, (TODAY + dt.timedelta(days=40)).isoformat(), TODAY.isoformat())]


def test_a_rate_change_needs_its_date_and_keeps_the_items_terms(client, estate, headers_of):
    headers = headers_of(estate.manager)
    undated = client.post(_fee_items_url(estate), headers=headers,
                          json={**_rate_change(estate, 40), "effective_from": None})
    assert undated.status_code == 422
    assert list(error_of(undated)["fields"]) == ["effective_from"]
    other_terms = client.post(_fee_items_url(estate), headers=headers, json=_rate_change(
        estate, 40, basis="per_dwelling", cycle="yearly"))
    assert other_terms.status_code == 422
    assert set(error_of(other_terms)["fields"]) == {"basis", "cycle"}
    assert len(fees.fee_items(estate.community)[0].rates) == 1


@pytest.mark.parametrize("overrides, field", [
    ({"basis": "per_car"}, "basis"),
    ({"cycle": "weekly"}, "cycle"),
    ({"kind": "fine"}, "kind"),
    ({"rate_fen": -1}, "rate_fen"),
    ({"rate_fen": 10**20}, "rate_fen"),
    ({"rate_fen": "150"}, "rate_fen"),
    ({"rate_fen": 1.5}, "rate_fen"),
    ({"name": "  "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"effective_from": "next month"}, "effective_from"),
    ({"price_form": "guided", "guided_base_fen": 10000, "guided_float_pct": 10}, "rate_fen"),
    ({"guided_base_fen": 10**20}, "guided_base_fen"),
    ({"surcharge": 5}, "surcharge"),
])
def test_invalid_fee_items_are_422(client, estate, headers_of, overrides, field):
    response = client.post(_fee_items_url(estate), json={**ITEM, **overrides},
                           headers=headers_of(estate.manager))
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


# --- billing runs -----------------------------------------------------------------------------

def test_billing_run_creates_bills_once(client, estate, headers_of):
    headers = headers_of(estate.manager)
    first = client.post(_runs_url(estate), json={"period": PERIOD}, headers=headers)
    assert first.status_code == 201
    assert first.get_json() == {"period": PERIOD, "created": 3, "skipped": 0}
    again = client.post(_runs_url(estate), json={"period": PERIOD}, headers=headers)
    assert again.status_code == 201
    assert again.get_json() == {"period": PERIOD, "created": 0, "skipped": 3}


@pytest.mark.parametrize("role", ["resident", "tenant", "secretary", "owners_committee"])
def test_only_the_fee_collector_runs_billing(client, estate, headers_of, role):
    response = client.post(_runs_url(estate), json={"period": PERIOD},
                           headers=headers_of(getattr(estate, role)))
    assert response.status_code == 403
    assert not _bill_ids(estate)


def test_billing_run_of_another_community_is_404(client, estate, headers_of):
    stranger = member(CommunityFactory(), roles.PROPERTY_MANAGER)
    response = client.post(_runs_url(estate), json={"period": PERIOD},
                           headers=headers_of(stranger))
    assert response.status_code == 404


@pytest.mark.parametrize("period", ["2026-13", "26-01", "abcd", "2999-01", "1999-12",
                                    " 2026-01", "2026-01\n", "", None, 202601])
def test_malformed_or_far_periods_are_422(client, estate, headers_of, period):
    response = client.post(_runs_url(estate), json={"period": period},
                           headers=headers_of(estate.manager))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["period"]
    assert not _bill_ids(estate)


def test_rule_23_a_quarterly_item_billed_in_january(client, headers_of):
    estate = make_estate(areas=(7230,))
    headers = headers_of(estate.manager)
    created = client.post(_fee_items_url(estate), headers=headers, json={
        "name": "季度服务费", "basis": "per_m2", "rate_fen": 45, "cycle": "quarterly",
        "effective_from": "2025-01-01"})
    assert created.status_code == 201, created.get_json()
    result = client.post(_runs_url(estate), json={"period": "2026-01"}, headers=headers)
    assert result.get_json() == {"period": "2026-01", "created": 2, "skipped": 0}
    bills = client.get(_bills_url(estate.dwellings[0]), headers=headers).get_json()["items"]
    # 0.45 yuan x 72.3 m² = 32.535 -> 3254 fen; x 3 months = 97.605 -> 9761 (rounded once)
    assert sorted((b["fee_item"], b["months"], b["amount_fen"]) for b in bills) == [
        ("季度服务费", 3, 9761), ("物业服务费", 1, 3254)]
    assert {b["due_date"] for b in bills} == {"2026-01-15"}


# --- a dwelling's bills -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["resident", "tenant"])
def test_the_dwellings_residents_see_its_bills(client, estate, headers_of, role):
    first, second = _billed(estate, "2026-01", "2026-02")
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=1000, method="cash",
                            reference="R-1")
    response = client.get(_bills_url(estate.dwellings[0]), headers=headers_of(getattr(estate,
                                                                                       role)))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    assert body["items"] == [  # newest period first
        {"id": second, "fee_item": "物业服务费", "fee_item_id": estate.fee.id,
         "period": "2026-02", "months": 1, "amount_fen": 3254, "paid_fen": 0,
         "balance_fen": 3254, "status": "open", "due_date": "2026-02-15"},
        {"id": first, "fee_item": "物业服务费", "fee_item_id": estate.fee.id,
         "period": "2026-01", "months": 1, "amount_fen": 3254, "paid_fen": 1000,
         "balance_fen": 2254, "status": "partially_paid", "due_date": "2026-01-15"},
    ]


def test_bill_statuses_paid_and_void(client, estate, headers_of):
    first, second = _billed(estate, "2026-01", "2026-02")
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=3254, method="cash",
                            reference="R-1")
    payments.adjust_bill(bill=db.session.get(Bill, second), amount_fen=None, reason="空置",
                         void=True)
    items = client.get(_bills_url(estate.dwellings[0]),
                       headers=headers_of(estate.resident)).get_json()["items"]
    assert {b["id"]: (b["status"], b["amount_fen"], b["paid_fen"]) for b in items} == {
        first: ("paid", 3254, 3254), second: ("void", 0, 0)}


@pytest.mark.parametrize("role", ["manager", "staff", "secretary", "owners_committee"])
def test_staff_and_committees_see_every_dwellings_bills(client, estate, headers_of, role):
    _billed(estate, "2026-01")
    response = client.get(_bills_url(estate.dwellings[2]),
                          headers=headers_of(getattr(estate, role)))
    assert response.status_code == 200
    assert response.get_json()["total"] == 1


@pytest.mark.parametrize("role", [roles.RESIDENTS_COMMITTEE, roles.DISTRICT_SUPERVISOR])
def test_oversight_sees_bills(client, estate, headers_of, role):
    _billed(estate, "2026-01")
    response = client.get(_bills_url(estate.dwellings[1]),
                          headers=headers_of(member(estate.community, role)))
    assert response.status_code == 200


def test_another_dwellings_resident_gets_404(client, estate, headers_of):
    _billed(estate, "2026-01")
    neighbour = member(estate.community, roles.RESIDENT, dwelling=estate.dwellings[1])
    response = client.get(_bills_url(estate.dwellings[0]), headers=headers_of(neighbour))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_technician_may_see_dwellings_but_not_their_bills(client, estate, headers_of):
    technician = member(estate.community, roles.TECHNICIAN)
    response = client.get(_bills_url(estate.dwellings[0]), headers=headers_of(technician))
    assert response.status_code == 403


def test_bills_of_another_community_or_no_dwelling_are_404(client, estate, headers_of):
    other = make_estate()
    for url in (_bills_url(other.dwellings[0]), "/api/v1/dwellings/2147483647/bills",
                "/api/v1/dwellings/2147483648/bills"):
        response = client.get(url, headers=headers_of(estate.manager))
        assert response.status_code == 404, url
        error_of(response)


def test_bills_are_paginated(client, estate, headers_of):
    _billed(estate, "2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
    headers = headers_of(estate.resident)
    pages = [client.get(_bills_url(estate.dwellings[0], f"?page={n}&per_page=2"),
                        headers=headers).get_json() for n in (1, 2, 3, 4)]
    assert [[b["period"] for b in p["items"]] for p in pages] == [
        ["2026-05", "2026-04"], ["2026-03", "2026-02"], ["2026-01"], []]
    assert {(p["per_page"], p["total"]) for p in pages} == {(2, 5)}
    bad = client.get(_bills_url(estate.dwellings[0], "?per_page=101"), headers=headers)
    assert bad.status_code == 422


def test_listing_bills_takes_a_bounded_number_of_queries(client, estate, headers_of,
                                                         count_queries):
    headers = headers_of(estate.resident)
    dwelling = estate.dwellings[0]
    fees.create_fee_item(community=estate.community, name="Parking", basis="per_dwelling",
                         rate_fen=15000, effective_from=dt.date(2025, 1, 1))
    _billed(estate, "2026-01")
    payments.record_payment(dwelling=dwelling, amount_fen=100, method="cash", reference="R-1")
    with count_queries() as few:
        assert len(client.get(_bills_url(dwelling), headers=headers).get_json()["items"]) == 2
    _billed(estate, *[f"2026-{m:02d}" for m in range(2, 11)])
    payments.record_payment(dwelling=dwelling, amount_fen=10000, method="cash",
                            reference="R-2")
    with count_queries() as many:
        assert len(client.get(_bills_url(dwelling), headers=headers).get_json()["items"]) == 20
    assert many.count == few.count, many.statements


# --- offline payments -------------------------------------------------------------------------

def test_staff_record_an_offline_payment(client, estate, headers_of):
    first, second = _billed(estate, "2026-01", "2026-02")
    response = client.post(_payments_url(second), headers=headers_of(estate.staff), json={
        "amount_fen": 1000, "method": "bank_transfer", "reference": " TX-42 "})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    payment = db.session.get(Payment, body["id"])
    assert payment.created_by_id == estate.staff.id and payment.idempotency_key is None
    assert {k: body[k] for k in ("dwelling_id", "amount_fen", "method", "reference",
                                 "allocations")} == {
        "dwelling_id": estate.dwellings[0].id, "amount_fen": 1000, "method": "bank_transfer",
        "reference": "TX-42", "allocations": [{"bill_id": second, "amount_fen": 1000}]}
    assert dt.datetime.fromisoformat(body["received_at"]).tzinfo is not None
    items = client.get(_bills_url(estate.dwellings[0]),
                       headers=headers_of(estate.tenant)).get_json()["items"]
    assert {b["id"]: b["status"] for b in items} == {first: "open", second: "partially_paid"}


@pytest.mark.parametrize("role", ["resident", "tenant", "secretary", "owners_committee",
                                  "technician"])
def test_only_the_collectors_staff_record_payments(client, estate, headers_of, role):
    (bill,) = _billed(estate, "2026-01")
    user = getattr(estate, role, None) or member(estate.community, role)
    response = client.post(_payments_url(bill), headers=headers_of(user),
                           json={"amount_fen": 100, "method": "cash", "reference": "R-1"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert _payment_count(estate) == 0


def test_under_a_coordinated_mode_the_residents_committee_records_payments(client, headers_of):
    estate = make_estate(modes.COORDINATED)
    (bill,) = _billed(estate, "2026-01")
    body = {"amount_fen": 100, "method": "cash", "reference": "R-1"}
    denied = client.post(_payments_url(bill), json=body, headers=headers_of(estate.manager))
    assert denied.status_code == 403
    committee = member(estate.community, roles.RESIDENTS_COMMITTEE)
    allowed = client.post(_payments_url(bill), json=body, headers=headers_of(committee))
    assert allowed.status_code == 201


def test_payments_on_bills_not_yours_are_404(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    neighbour = member(estate.community, roles.RESIDENT, dwelling=estate.dwellings[1])
    stranger = make_estate().staff
    for user in (neighbour, stranger):
        response = client.post(_payments_url(bill), headers=headers_of(user),
                               json={"amount_fen": 100, "method": "cash", "reference": "R-1"})
        assert response.status_code == 404
    response = client.post(_payments_url(2147483647), headers=headers_of(estate.staff),
                           json={"amount_fen": 100, "method": "cash", "reference": "R-1"})
    assert response.status_code == 404
    assert _payment_count(estate) == 0


def test_paid_and_void_bills_are_409(client, estate, headers_of):
    first, second = _billed(estate, "2026-01", "2026-02")
    payments.record_payment(dwelling=estate.dwellings[0], amount_fen=3254, method="cash",
                            reference="R-1")
    payments.adjust_bill(bill=db.session.get(Bill, second), amount_fen=None, reason="空置",
                         void=True)
    for bill in (first, second):
        response = client.post(_payments_url(bill), headers=headers_of(estate.staff),
                               json={"amount_fen": 100, "method": "cash", "reference": "R-2"})
        assert response.status_code == 409, bill
        assert error_of(response)["code"] == "conflict"
    assert _payment_count(estate) == 1


@pytest.mark.parametrize("body, field", [
    ({"amount_fen": 0}, "amount_fen"),
    ({"amount_fen": -100}, "amount_fen"),
    ({"amount_fen": 3255}, "amount_fen"),  # more than the bill's balance
    ({"amount_fen": 10**20}, "amount_fen"),
    ({"amount_fen": "100"}, "amount_fen"),
    ({"method": "online"}, "method"),
    ({"reference": "   "}, "reference"),
    ({"reference": "x" * 65}, "reference"),
    ({"tip_fen": 5}, "tip_fen"),
])
def test_invalid_payments_are_422(client, estate, headers_of, body, field):
    (bill,) = _billed(estate, "2026-01")
    response = client.post(_payments_url(bill), headers=headers_of(estate.staff),
                           json={"amount_fen": 100, "method": "cash", "reference": "R-1", **body})
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert _payment_count(estate) == 0


def test_over_the_balance_names_the_balance(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    response = client.post(_payments_url(bill), headers=headers_of(estate.staff),
                           json={"amount_fen": 3255, "method": "cash", "reference": "R-1"})
    assert "32.54" in error_of(response)["fields"]["amount_fen"][0]


def test_the_same_method_and_reference_twice_is_409(client, estate, headers_of):
    first, second = _billed(estate, "2026-01", "2026-02")
    body = {"amount_fen": 100, "method": "cash", "reference": "R-1"}
    assert client.post(_payments_url(first), json=body,
                       headers=headers_of(estate.staff)).status_code == 201
    again = client.post(_payments_url(second), json=body, headers=headers_of(estate.manager))
    assert again.status_code == 409
    assert "R-1" in error_of(again)["message"]
    assert _payment_count(estate) == 1


# --- Idempotency-Key --------------------------------------------------------------------------

def _pay(client, headers, bill, key, **body):
    body = {"amount_fen": 1000, "method": "cash", "reference": "R-1", **body}
    return client.post(_payments_url(bill), json=body, headers={**headers,
                                                                "Idempotency-Key": key})


def test_the_same_key_and_body_returns_the_first_payment(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    headers = headers_of(estate.staff)
    first = _pay(client, headers, bill, "7d1c6a4e-key-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    again = _pay(client, headers, bill, "7d1c6a4e-key-1")
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _payment_count(estate) == 1
    payment = db.session.get(Payment, first.get_json()["id"])
    assert payment.idempotency_key == f"api:{estate.staff.id}:7d1c6a4e-key-1"
    items = client.get(_bills_url(estate.dwellings[0]), headers=headers).get_json()["items"]
    assert items[0]["paid_fen"] == 1000


def test_a_replay_answers_even_when_the_bill_is_now_paid(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    headers = headers_of(estate.staff)
    first = _pay(client, headers, bill, "k-full", amount_fen=3254)
    again = _pay(client, headers, bill, "k-full", amount_fen=3254)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert _payment_count(estate) == 1


@pytest.mark.parametrize("change", [{"amount_fen": 999}, {"method": "bank_transfer"},
                                    {"reference": "R-2"}, {"bill": "other"}])
def test_the_same_key_with_another_body_is_refused(client, estate, headers_of, change):
    first_bill, second_bill = _billed(estate, "2026-01", "2026-02")
    headers = headers_of(estate.staff)
    assert _pay(client, headers, first_bill, "k-1").status_code == 201
    bill = second_bill if change.pop("bill", None) else first_bill
    response = _pay(client, headers, bill, "k-1", **change)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["fields"]
    assert "already used" in error["fields"]["Idempotency-Key"][0]
    assert _payment_count(estate) == 1


def test_keys_belong_to_their_user(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    first = _pay(client, headers_of(estate.staff), bill, "shared-key")
    second = _pay(client, headers_of(estate.manager), bill, "shared-key", reference="R-2")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]
    assert _payment_count(estate) == 2


def test_a_refused_request_does_not_use_up_its_key(client, estate, headers_of):
    (bill,) = _billed(estate, "2026-01")
    headers = headers_of(estate.staff)
    assert _pay(client, headers, bill, "k-retry", amount_fen=5000).status_code == 422
    assert _pay(client, headers, bill, "k-retry", amount_fen=3000).status_code == 201
    assert _payment_count(estate) == 1


@pytest.mark.parametrize("key", ["", "has space", "k" * 65, "ключ".encode().decode("latin-1")])
def test_malformed_keys_are_422(client, estate, headers_of, key):
    (bill,) = _billed(estate, "2026-01")
    response = _pay(client, headers_of(estate.staff), bill, key)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["Idempotency-Key"]
    assert _payment_count(estate) == 0


# --- the OpenAPI document ---------------------------------------------------------------------

def test_billing_endpoints_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    expected = {"/api/v1/communities/{cid}/fee-items": {"get", "post"},
                "/api/v1/communities/{cid}/billing-runs": {"post"},
                "/api/v1/dwellings/{did}/bills": {"get"},
                "/api/v1/bills/{bid}/payments": {"post"}}
    for path, methods in expected.items():
        assert methods <= set(spec["paths"][path]), path
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation["security"] and "401" in operation["responses"], (path, method)
    parameters = spec["paths"]["/api/v1/bills/{bid}/payments"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)
