"""The OpenAPI document at /api/v1/openapi.json describes every endpoint and the bearer scheme."""
import pytest

PATHS = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/communities": {"get"},
    "/api/v1/communities/{cid}": {"get"},
    "/api/v1/communities/{cid}/management-mode": {"post"},
    "/api/v1/communities/{cid}/dwellings": {"get"},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_spec_is_served_without_a_token(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["version"] == "v1"


def test_spec_lists_every_endpoint(spec):
    for path, methods in PATHS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path


def test_spec_declares_the_bearer_scheme(spec):
    schemes = spec["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())


def test_protected_operations_require_the_bearer_scheme(spec):
    scheme = next(iter(spec["components"]["securitySchemes"]))
    for path, methods in PATHS.items():
        for method in methods:
            operation = spec["paths"][path][method]
            if (path, method) == ("/api/v1/auth/token", "post"):
                assert not operation.get("security")
            else:
                assert operation["security"] == [{scheme: []}], (path, method)
                assert "401" in operation["responses"], (path, method)


def test_pages_document_their_limits(spec):
    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/communities"]["get"][
        "parameters"]}
    assert parameters["per_page"]["maximum"] == 100
    assert parameters["page"]["minimum"] == 1
