"""The residents' bill pages, the pay page and its JSON, who may pay, CSRF, and no keys at all."""
import json
import re
import urllib.request

import pytest

from propmgmt import roles
from propmgmt.extensions import csrf
from tests.billing import stripe_server
from tests.billing.online_support import attempts
from tests.billing.online_support import billed_estate
from tests.billing.online_support import pay
from tests.conftest import PASSWORD
from tests.conftest import IsolatedClient
from tests.conftest import make_app
from tests.factories import member

localstripe = stripe_server.localstripe
stripe_app = stripe_server.stripe_app
OFFLINE = "Online payment is not available"
EN = {"Accept-Language": "en"}


@pytest.fixture
def no_keys(app, monkeypatch):
    for key in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.setitem(app.config, key, "")
    return app


def neighbour(estate):
    """A resident of another dwelling of the same community."""
    return member(estate.community, roles.RESIDENT, dwelling=estate.dwellings[1])


def test_residents_staff_and_committees_see_the_dwelling_bills_others_do_not(stripe_app, client,
                                                                             login):
    estate, bill = billed_estate()
    url = f"/dwellings/{bill.dwelling_id}/bills"
    for user in (estate.resident, estate.tenant, estate.manager, estate.staff, estate.secretary,
                 estate.owners_committee):
        login(user)
        page = client.get(url, headers=EN)
        assert page.status_code == 200, user
        text = page.get_data(as_text=True)
        assert "32.54" in text and bill.period in text and "Unpaid" in text
        assert (f"/bills/{bill.id}/pay" in text) == (user in (estate.resident, estate.tenant))
        client.post("/logout")
    login(neighbour(estate))
    assert client.get(url).status_code == 404
    assert client.get(f"/bills/{bill.id}/pay").status_code == 404


def test_the_dwelling_page_lists_payments_with_their_status(stripe_app, client, login):
    estate, bill = billed_estate()
    login(estate.resident)
    assert pay(client, bill, "pm_card_chargeCustomerFail").status_code == 402
    assert pay(client, bill).status_code == 201
    text = client.get(f"/dwellings/{bill.dwelling_id}/bills", headers=EN).get_data(as_text=True)
    assert text.count("Online") == 2 and "Failed" in text and "Pending" in text
    assert "declined" in text


def test_my_bills_goes_straight_to_the_only_dwelling(stripe_app, client, login):
    estate, bill = billed_estate()
    login(estate.resident)
    answer = client.get("/bills/mine")
    assert answer.status_code == 302 and answer.location.endswith(f"/dwellings/{bill.dwelling_id}"
                                                                  "/bills")
    login(estate.manager)
    assert "not registered as living" in client.get("/bills/mine", headers=EN).get_data(
        as_text=True)


def test_the_pay_page_loads_stripe_js_with_the_publishable_key(stripe_app, client, login,
                                                               localstripe):
    estate, bill = billed_estate()
    login(estate.resident)
    text = client.get(f"/bills/{bill.id}/pay", headers=EN).get_data(as_text=True)
    assert f'<script src="{localstripe.url}/js.stripe.com/v3/"></script>' in text
    assert f'data-key="{stripe_server.PUBLISHABLE_KEY}"' in text
    assert 'data-csrf="' in text and "Pay 32.54 yuan" in text and OFFLINE not in text
    assert 'src="/static/js/pay.js"' in text and "data-messages=" in text
    response = client.get("/static/js/pay.js")
    script = response.get_data(as_text=True)
    response.close()
    assert "confirmCardPayment" in script and "X-CSRFToken" in script
    policy = client.get(f"/bills/{bill.id}/pay").headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.url}" in policy  # the mock Stripe.js may load
    with urllib.request.urlopen(f"{localstripe.url}/js.stripe.com/v3/", timeout=5) as mock:
        assert b"localstripe" in mock.read()  # the mock Stripe.js the page gets in development


def test_staff_may_see_a_bill_but_not_pay_it(stripe_app, client, login):
    estate, bill = billed_estate()
    login(estate.staff)
    assert client.get(f"/bills/{bill.id}/pay").status_code == 403
    answer = pay(client, bill)
    assert answer.status_code == 403 and attempts(bill) == []


def test_a_resident_of_another_dwelling_gets_404(stripe_app, client, login):
    estate, bill = billed_estate()
    login(neighbour(estate))
    answer = pay(client, bill)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert attempts(bill) == []


def test_without_keys_the_pages_offer_offline_payment_only(no_keys, client, login):
    estate, bill = billed_estate()
    login(estate.resident)
    page = client.get(f"/bills/{bill.id}/pay", headers=EN).get_data(as_text=True)
    assert OFFLINE in page and "pay at the property office" in page and "Stripe(" not in page
    listing = client.get(f"/dwellings/{bill.dwelling_id}/bills", headers=EN).get_data(as_text=True)
    assert OFFLINE in listing and f"/bills/{bill.id}/pay" not in listing
    answer = pay(client, bill)
    assert answer.status_code == 503 and "property office" in answer.get_json()["error"]["message"]
    assert attempts(bill) == []
    assert client.post("/payments/stripe/webhook", data="{}").status_code == 404


def test_the_webhook_is_the_only_csrf_exempt_view_outside_the_api(app):
    assert csrf._exempt_views == {"propmgmt.billing.webhooks.stripe_webhook"}
    exempt = {bp.name for bp in csrf._exempt_blueprints}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint in exempt:
            assert rule.rule.startswith("/api/"), rule
    webhook = [r.rule for r in app.url_map.iter_rules()
               if r.endpoint == "payment_webhooks.stripe_webhook"]
    assert webhook == ["/payments/stripe/webhook"]


@pytest.fixture
def csrf_client(database_url, localstripe):
    localstripe.flush()
    app = make_app(database_url, WTF_CSRF_ENABLED=True, **stripe_server.app_config(localstripe.url))
    app.test_client_class = IsolatedClient
    return app.test_client()


def _token(html, pattern=r'name="csrf_token" type="hidden" value="([^"]+)"'):
    return re.search(pattern, html).group(1)


def test_with_csrf_on_the_webhook_needs_no_token_and_the_pay_call_needs_the_header(csrf_client):
    estate, bill = billed_estate()
    body = '{"id": "evt_csrf", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}'
    hook = stripe_server.post_webhook(csrf_client, body, stripe_server.signature(body))
    assert hook.status_code == 200 and hook.get_json()["status"] == "ignored"
    forged = stripe_server.post_webhook(csrf_client, body, None)
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "bad_signature"

    login_page = csrf_client.get("/login").get_data(as_text=True)
    csrf_client.post("/login", data={"username": estate.resident.username, "password": PASSWORD,
                                     "csrf_token": _token(login_page)})
    page = csrf_client.get(f"/bills/{bill.id}/pay").get_data(as_text=True)
    refused = pay(csrf_client, bill)
    assert refused.status_code == 400 and attempts(bill) == []
    token = _token(page, r'data-csrf="([^"]+)"')
    accepted = csrf_client.post(f"/bills/{bill.id}/pay", json={"payment_method": "pm_card_visa"},
                                headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_data(as_text=True)


def test_the_mock_stripe_js_path_a_card_tokens_card_id_pays(stripe_app, client, login,
                                                            localstripe):
    """localstripe's Stripe.js has no createPaymentMethod: the page falls back to createToken,
    as the mock does it (the publishable key in the form), and pays with the token's card id."""
    estate, bill = billed_estate()
    login(estate.resident)
    status, raw = localstripe.request("POST", "/v1/tokens", {
        "card[number]": "4242424242424242", "card[exp_month]": "12", "card[exp_year]": "2030",
        "card[cvc]": "123", "key": stripe_server.PUBLISHABLE_KEY})
    card_id = json.loads(raw)["card"]["id"]
    answer = pay(client, bill, card_id)
    assert (status, answer.status_code, answer.get_json()["status"]) == (200, 201, "succeeded")
