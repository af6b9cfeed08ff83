"""Bad input through the JSON API (RELIABILITY.md F5): a Schemathesis run over the app's own
OpenAPI document (/api/v1/openapi.json), plus hostile raw bodies sent to every API write.

Covered:
- every operation of the document, API_EXAMPLES positive cases (valid per the schema) and
  API_EXAMPLES negative cases (violating it) each, half of them with the path ids of community
  A's real records (tests/authz/world.py) so the views get past their 404s, the other half with
  the ids Schemathesis draws. Each operation is called by a user the authorization table allows
  (tests/authz/table.py; the owner of community A's dwelling first: the resident who owns
  bills, a ticket and a vote ballot), with that user's bearer token; the token endpoints
  anonymously.
- every API operation that takes a body, with the raw bodies of RAW_BODIES: malformed JSON,
  JSON that is not an object, the wrong content types, a body larger than MAX_CONTENT_LENGTH,
  and undecodable bytes; and the Stripe webhook likewise.
Checks per case: not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance and response_schema_conformance (the answer matches what the
document says for its status), no stack trace in the body, and a rejected request (4xx) leaves
the row count of every table unchanged. Each case runs in a savepoint rolled back afterwards.

Why these counts: 23 operations x up to 4 strategies x API_EXAMPLES=4 (~330 cases) plus 13
writes x 8 raw bodies is ~430 requests, about 12 s on SQLite, inside the package's one-minute
budget. derandomize=True makes every run
the same; FUZZ_EXAMPLES=200 runs a deeper search locally.
"""
import collections
import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_headers_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.authz import table
from tests.authz import world as authz_world
from tests.fuzz import support
from tests.fuzz.test_forms import OVERSIZED
from tests.fuzz.test_forms import PREFERENCE

API_EXAMPLES = max(2, int(os.environ.get("FUZZ_EXAMPLES", "8")) // 2)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
RAW_BODIES = (
    ("malformed json", b'{"title": "x",', "application/json"),
    ("json array", b"[1, 2, 3]", "application/json"),
    ("json string", b'"<script>alert(1)</script>"', "application/json"),
    ("deep json", b"[" * 50_000 + b"]" * 50_000, "application/json"),
    ("undecodable", b'{"title": "\xff\xfe\x00"}', "application/json"),
    ("form", b"title=x&amount_fen=1", "application/x-www-form-urlencoded"),
    ("xml", b"<x>1</x>", "application/xml"),
    ("oversized", OVERSIZED, "application/json"),
)
SETTINGS = settings(database=None, deadline=None, derandomize=True,
                    phases=(Phase.explicit, Phase.generate), print_blob=False,
                    suppress_health_check=list(HealthCheck))
PUBLIC = {"api_auth.issue_token"}


@pytest.fixture
def api_fuzz(app, api_token, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")  # online payment: never a network call
    world = authz_world.build()
    sessions = support.FuzzSessions(app, world, api_token)
    with support.quiet_request_log():
        yield world, sessions


def _endpoint(app, path, method):
    """The Flask endpoint behind an operation (its path filled with 1s)."""
    url = path.replace("{", "").replace("}", "")
    for name in ("cid", "tid", "did", "bid", "vid"):
        url = url.replace(name, "1")
    return app.url_map.bind("localhost").match(url, method=method.upper())[0]


def _user_for(endpoint):
    if endpoint in PUBLIC:
        return None
    spec = table.TABLE[endpoint]
    return next(u for u in PREFERENCE if u in spec.allowed)


def _real_ids(operation, world):
    names = [p.name for p in operation.path_parameters]
    return {n: world.a.values[table.FILLERS[n]] for n in names}


class ApiTally(support.Tally):
    def __init__(self):
        super().__init__()
        self.per_operation = collections.Counter()


def _validate(case, response):
    """Schemathesis' verdicts on one answer, as problem strings. A 503 is the app's documented
    "the payment provider is not configured / the database is busy; nothing was saved" (tests
    run without Stripe): counted in the statuses, not a server error; its body is still checked."""
    checks = CHECKS[1:] if response.status_code == 503 else CHECKS
    try:
        case.validate_response(response, checks=checks)
    except (AssertionError, BaseExceptionGroup) as failure:  # one entry per failed check
        failures = getattr(failure, "exceptions", [failure])
        return [f"schemathesis: {getattr(f, 'title', type(f).__name__)}: "
                f"{str(getattr(f, 'message', f))[:300]}" for f in failures]
    return []


def _send_case(sessions, case, user):
    """Run one Schemathesis case through the test session's rolled-back savepoint, judged by
    Schemathesis' checks too."""
    headers = {"Accept-Language": "en", **(sessions.api_headers.get(user) or {})}
    kwargs = case.as_transport_kwargs(headers=headers)
    method, path = kwargs.pop("method"), kwargs.pop("path")
    return sessions.send(None, method, path, judge=lambda response: _validate(case, response),
                         **kwargs)


def _fuzz_operation(app, sessions, world, tally, operation):
    endpoint = _endpoint(app, operation.path, operation.method)
    user = _user_for(endpoint)
    real = _real_ids(operation, world)
    strategies = [operation.as_strategy(generation_mode=mode, path_parameters=ids)
                  for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                  for ids in ([real, None] if real else [None])]
    label = f"{operation.method.upper()} {operation.path}"

    @settings(SETTINGS, max_examples=API_EXAMPLES * len(strategies))
    @given(case=st.one_of(*strategies))
    def run(case):
        outcome = _send_case(sessions, case, user)
        tally.per_operation[label] += 1
        tally.add(label, outcome, {"case": f"{case.path_parameters} {case.query} "
                                           f"{str(case.body)[:200]}"})

    run()
    return endpoint, user


def test_schemathesis_over_the_openapi_document(app, api_fuzz):
    world, sessions = api_fuzz
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally = ApiTally()
    for result in schema.get_all_operations():
        operation = result.ok()
        _fuzz_operation(app, sessions, world, tally, operation)
    print(f"\n{tally.report('api fuzz (schemathesis)')}")
    for label, count in sorted(tally.per_operation.items()):
        print(f"  {count:4d} cases  {label}")
    print(f"api fuzz: {len(tally.per_operation)} operations, {tally.cases} cases, "
          f"{tally.server_errors} server errors ({time.monotonic() - started:.1f} s)")
    assert not tally.problems, tally.report("api fuzz (schemathesis)")


def test_api_writes_survive_raw_hostile_bodies(app, api_fuzz):
    world, sessions = api_fuzz
    tally = support.Tally()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    targets = [("POST", "/payments/stripe/webhook", None)]
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            path = operation.path.format(**_real_ids(operation, world))
            user = _user_for(_endpoint(app, operation.path, operation.method))
            targets.append((operation.method.upper(), f"/api/v1{path}"
                            if not path.startswith("/api/") else path, user))
    for method, path, user in targets:
        headers = {"Accept-Language": "en", **(sessions.api_headers.get(user) or {})}
        for name, data, content_type in RAW_BODIES:
            outcome = sessions.send(None, method, path, data=data, content_type=content_type,
                                    headers=headers)
            tally.add(f"{method} {path}", outcome, {"raw body": name})
    print(f"\n{tally.report('api raw bodies')}")
    print(f"api raw bodies: {len(tally.routes)} operations, {tally.cases} cases, "
          f"{tally.server_errors} server errors")
    assert not tally.problems, tally.report("api raw bodies")
