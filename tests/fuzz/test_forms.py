"""Bad input through every web form and every page's query string (RELIABILITY.md F1, F3, F4).

Covered:
- every POST route of the URL map outside /api/ (each `tickets.act` action a route of its own),
  including the public /login and /language, asked by one user the authorization table
  (tests/authz/table.py) allows, on community A of tests/authz/world.py. The route's fields are
  learnt from a probe (tests/fuzz/support.py): the WTForms fields built and the keys read.
  Each route gets eight fixed bodies (valid; valid with an XSS payload in every text field; all
  empty; all missing; all 100 000 characters; all SQL; valid but every id or number field a
  26-digit number, then "²", which str.isdigit() accepts and int() refuses) and POST_EXAMPLES
  hypothesis bodies: a valid body with one to three fields missing or replaced by SQL/HTML/
  template payloads, huge, empty or unicode text (Chinese, emoji, RTL, NUL), numbers out of range
  or not numbers, malformed dates, invalid choices, the field sent twice or hostile file uploads,
  plus unknown extra fields; then the raw bodies of RAW_BODIES: larger than MAX_CONTENT_LENGTH,
  JSON, XML, broken multipart and broken percent-encoding.
- every GET page outside /api/ with GET_EXAMPLES hypothesis query strings over `page` and the
  keys the page reads (filters): huge, negative, non-numeric, NUL, SQL, HTML.
Per request: no 5xx (503 is the app's "the payment gateway is not configured / busy, nothing was
saved" answer, counted but allowed), no stack trace in the body, a rejected request (4xx) leaves
the row count of every table unchanged (one UNION ALL statement before and after), no NUL
character reaches the database (PostgreSQL refuses it: a 500 there), and no HTML answer, nor the
page a redirect leads to, shows an XSS payload unescaped.

Why these counts: every request runs in its own savepoint (rolled back), a page costs ~20 ms on
SQLite, and the whole tests/fuzz package must stay under a minute on two cores. 74 POST routes
x (8 fixed + POST_EXAMPLES=6 drawn hypothesis bodies + 5 raw) and 81 GET pages x (2 fixed +
GET_EXAMPLES=3) is ~1 800 requests (plus the redirects followed), ~33 s. derandomize=True makes
the cases the same on every run (CI is repeatable); FUZZ_EXAMPLES=200 runs the deeper search
RELIABILITY.md F1 asks for (FUZZ_EXAMPLES=40 took 2.5 minutes for the package, with no finding).
"""
import os
import time

import pytest
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.authz import world as authz_world
from tests.conftest import PASSWORD
from tests.fuzz import payloads as p
from tests.fuzz import support
from tests.test_authz_matrix import cells

POST_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
GET_EXAMPLES = max(1, POST_EXAMPLES // 2)
# Who asks, among the users a route allows: residents' forms first (the table's minimal bodies
# are written for them), then the property company, committees, supervisors, the administrator.
PREFERENCE = ("owner", "manager", "owners_committee", "residents_committee", "secretary",
              "supervisor", "staff", "technician", "admin", "tenant")
# Tables a rejected request may legitimately write to: none so far (failed logins are counted by
# Flask-Limiter in memory, not in the database).
EXCLUDED_TABLES = ()
OVERSIZED = b"x" * (30 * 1024 * 1024 + 1)   # one byte over MAX_CONTENT_LENGTH (config.STATIC)
RAW_BODIES = (
    ("oversized", OVERSIZED, "application/x-www-form-urlencoded"),
    ("json", b'{"title": "<script>alert(1)</script>", "amount": -1}', "application/json"),
    ("xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
     "application/xml"),
    ("broken multipart", b"--zzz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nab",
     "multipart/form-data; boundary=zzz"),
    ("broken encoding", b"title=%FF%FE%00&amount=%&note=%zz&=&&", "application/x-www-form-urlencoded"),
)
SETTINGS = settings(database=None, deadline=None, derandomize=True,
                    phases=(Phase.explicit, Phase.generate), print_blob=False,
                    suppress_health_check=list(HealthCheck))


def user_for(cell):
    return next(u for u in PREFERENCE if u in cell.rule.allowed)


def _public_posts(world):
    """The public POST forms: logging in (as someone real) and choosing a language."""
    owner = world.user("owner")
    return [("auth.login", "/login", {"username": owner.username, "password": PASSWORD}),
            ("auth.set_language", "/language", {"locale": "en", "next": "/"})]


@pytest.fixture
def fuzz(app, api_token, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")  # online payment: never a network call
    world = authz_world.build()
    sessions = support.FuzzSessions(app, world, api_token, EXCLUDED_TABLES)
    with support.quiet_request_log():
        yield world, sessions


def _probe(app, monkeypatch, sessions, user, method, url, given):
    with support.recording(app, monkeypatch) as record:
        sessions.send(user, method, url, data=given)
    return support.fields_of(record, given or {})


def _run(strategy, fixed, max_examples, ask):
    """Call `ask` with each fixed value, then with `max_examples` drawn from `strategy`."""

    @settings(SETTINGS, max_examples=max_examples)
    @given(value=strategy)
    def run(value):
        ask(value)

    for value in fixed:
        run = example(value=value)(run)
    run()


def _fuzz_form(sessions, tally, route, user, url, fields):
    def ask(body):
        tally.add(route, sessions.send(user, "POST", url, **support.encode(body)), body)

    _run(support.body_strategy(fields), support.fixed_bodies(fields), POST_EXAMPLES, ask)
    for name, data, content_type in RAW_BODIES:
        outcome = sessions.send(user, "POST", url, data=data, content_type=content_type)
        tally.add(route, outcome, {"raw body": name})


def test_every_form_survives_hostile_input(app, fuzz, monkeypatch):
    world, sessions = fuzz
    started = time.monotonic()
    tally, fields_seen = support.Tally(), 0
    targets = [(c.key, c.url, user_for(c), c.form) for c in cells(app, world)
               if c.method == "POST" and c.target == "own" and not c.is_api]
    targets += [(key, url, None, body) for key, url, body in _public_posts(world)]
    for route, url, user, minimal in targets:
        fields = _probe(app, monkeypatch, sessions, user, "POST", url, minimal)
        fields_seen += len(fields)
        _fuzz_form(sessions, tally, route, user, url, fields)
    print(f"\n{tally.report('forms fuzz')}\n  ({fields_seen} fields; {POST_EXAMPLES} hypothesis "
          f"bodies, 8 fixed and {len(RAW_BODIES)} raw bodies per route; "
          f"{time.monotonic() - started:.1f} s)")
    print(f"forms fuzz: {len(tally.routes)} routes, {tally.cases} cases, "
          f"{tally.server_errors} server errors")
    assert not tally.problems, tally.report("forms fuzz")


_query_value = st.one_of(st.sampled_from(p.PAGES), p.hostile_any, st.just(p.MISSING),
                         st.sampled_from(("1", "2", "open", "repair", "2025-06")))


def _query_strategy(keys):
    return st.fixed_dictionaries({k: _query_value for k in keys}).map(
        lambda q: {k: v for k, v in q.items() if v is not p.MISSING})


def test_every_page_survives_hostile_query_strings(app, fuzz, monkeypatch):
    world, sessions = fuzz
    started = time.monotonic()
    tally = support.Tally()
    targets = [(c.key, c.url, user_for(c)) for c in cells(app, world)
               if c.method == "GET" and c.target == "own" and not c.is_api]
    for route, url, user in targets:
        fields = _probe(app, monkeypatch, sessions, user, "GET", url, None)
        keys = sorted({f.name for f in fields} | {"page"})

        def ask(query, route=route, url=url, user=user):
            tally.add(route, sessions.send(user, "GET", url, query_string=query), query)

        fixed = [{k: p.PAGES[2] for k in keys}, {k: p.XSS[1] for k in keys}]
        _run(_query_strategy(keys), fixed, GET_EXAMPLES, ask)
    print(f"\n{tally.report('pages fuzz')}\n  ({time.monotonic() - started:.1f} s)")
    print(f"pages fuzz: {len(tally.routes)} routes, {tally.cases} cases, "
          f"{tally.server_errors} server errors")
    assert not tally.problems, tally.report("pages fuzz")
