"""Every route makes an authorization decision: anonymous callers never get through."""
import pytest

PUBLIC_ENDPOINTS = {
    "static", "bootstrap.static", "auth.login", "auth.set_language",
    "api-docs.openapi_json", "api_auth.issue_token", "payment_webhooks.stripe_webhook",
    "ops.healthz", "ops.readyz",
}


def _sample(converter):
    """A value the converter accepts: the first choice of an `any`, else 1."""
    items = getattr(converter, "items", None)
    return sorted(items)[0] if items else 1


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        values = {arg: _sample(rule._converters.get(arg)) for arg in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule.build(values, append_unknown=False)[1]


def test_every_route_needs_a_login(app, client):
    checked = 0
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, (endpoint, method, url, response.status_code)
        else:
            assert response.status_code == 302, (endpoint, method, url, response.status_code)
            assert "/login" in response.location, (endpoint, url)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("endpoint", sorted(PUBLIC_ENDPOINTS - {
    "api-docs.openapi_json", "api_auth.issue_token", "payment_webhooks.stripe_webhook"}))
def test_public_endpoints_exist(app, endpoint):
    assert endpoint in {r.endpoint for r in app.url_map.iter_rules()}
