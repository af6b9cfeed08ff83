"""The authorization matrix (RELIABILITY.md T1, T2, T3): every route of the URL map, as every role
of a community, as an administrator, as members of another community and anonymously, checked
against the one table of what each role may do (tests/authz/table.py).

A leak is an answer that gives a denied user anything (2xx, or a redirect other than to the login
page), anything but 404 for another community's record, a 500, or a page showing a user a string
they must never see (the other community's name, a ticket that is not theirs). A mismatch is an
answer that differs from the table without leaking (an allowed user refused, 404 where 403 was
expected, a body refused before the authorization decision): the table or the app is wrong.

Every request runs inside a savepoint that is rolled back afterwards, and each web user's session
cookie is put back, so no call changes what the next one sees (a ticket closed, a token revoked,
a user logged out) and the order of the routes does not matter.
"""
import dataclasses
import io
import re
import time
import zipfile

import pytest
from werkzeug.routing import AnyConverter

from propmgmt.db import db
from tests.authz import table
from tests.authz import world as authz_world
from tests.conftest import PASSWORD
from tests.test_routes_protected import PUBLIC_ENDPOINTS

METHODS_SKIPPED = {"HEAD", "OPTIONS"}
TEXT_TYPES = ("text/", "application/json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
RECORD_ID = re.compile(r"\{(\w+_id)\}")   # a body field naming a record (not a label)
TARGETS = ("own", "other", "tamper")


@dataclasses.dataclass(frozen=True)
class Answer:
    status_code: int
    location: object
    text: str


@dataclasses.dataclass(frozen=True)
class Cell:
    """One request of the matrix."""

    key: str          # the table key (endpoint, or endpoint[variant])
    endpoint: str
    method: str
    url: str
    rule: object      # table.Rule
    names_record: bool
    target: str       # "own": A's records; "other": B's; "tamper": A's URL, B's ids in the body
    form: object = None
    json: object = None

    @property
    def is_api(self):
        return self.url.startswith("/api/")


# --- The route list ---------------------------------------------------------------------------

def _routes(app):
    """(rule, method) of every non-public route, in URL order."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - METHODS_SKIPPED):
            yield rule, method


def _choices(rule, name):
    """[(variant or None, filler)] for one URL variable; fails when the variable is unknown."""
    filler = table.FILLERS.get(name)
    if isinstance(filler, dict):
        filler = filler.get(rule.endpoint)
    if filler is None:
        pytest.fail(f"The URL variable <{name}> of {rule.rule} ({rule.endpoint}) is not in the "
                    "authorization matrix: add it to FILLERS in tests/authz/table.py (the world's "
                    "record it names, tests/authz/world.py) and the endpoint to TABLE.")
    if filler == table.ANY:
        converter = rule._converters[name]
        assert isinstance(converter, AnyConverter), (rule.rule, name)
        return [(None, ("literal", item)) for item in sorted(converter.items)]
    if isinstance(filler, tuple):
        return [(value, ("literal", value)) for value in filler]
    return [(None, ("record", filler))]


def _variants(rule):
    """[(variant, {variable: filler})]: one per combination of the rule's variables' choices."""
    combos = [(None, {})]
    for name in sorted(rule.arguments):
        combos = [(variant or chosen, {**values, name: filler})
                  for variant, values in combos for chosen, filler in _choices(rule, name)]
    return combos


def _spec(endpoint, method, variant):
    key = f"{endpoint}[{variant}]" if variant is not None else endpoint
    if key not in table.TABLE:
        pytest.fail(f"{key} ({method}) is not in tests/authz/table.py TABLE: say who may call it.")
    spec = table.TABLE[key]
    if isinstance(spec, dict):
        if method not in spec:
            pytest.fail(f"{key} has no entry for {method} in tests/authz/table.py TABLE.")
        spec = spec[method]
    return key, spec


def _fill(template, values):
    """A body template with "{name}" filled from one side of the world (exact "{x}" keeps ints)."""
    if template is None:
        return None
    filled = {}
    for field, value in template.items():
        if isinstance(value, str):
            whole = PLACEHOLDER.fullmatch(value)
            value = values[whole[1]] if whole else value.format(**values)
        filled[field] = value
    return filled


def _body_names_record(spec):
    body = {**(spec.form or {}), **(spec.json or {})}
    return any(isinstance(v, str) and RECORD_ID.search(v) for v in body.values())


def _names_record(fillers, spec):
    return _body_names_record(spec) or any(kind == "record" for kind, _v in fillers.values())


def cells(app, world):
    """Every request of the matrix except who makes it: each route with community A's records
    ("own"); again with community B's records ("other") when the URL or body names one; and with
    A's URL but B's record ids in the body ("tamper", T3) when the body names one."""
    sides = {"own": (world.a, world.a), "other": (world.b, world.b), "tamper": (world.a, world.b)}
    for rule, method in _routes(app):
        for variant, fillers in _variants(rule):
            key, spec = _spec(rule.endpoint, method, variant)
            names_record = _names_record(fillers, spec)
            for target in TARGETS:
                if (target == "other" and not names_record
                        or target == "tamper" and not _body_names_record(spec)):
                    continue
                url_side, body_side = sides[target]
                values = {name: (url_side.values[v] if kind == "record" else v)
                          for name, (kind, v) in fillers.items()}
                url = rule.build(values, append_unknown=False)[1]
                yield Cell(key=key, endpoint=rule.endpoint, method=method, url=url, rule=spec,
                           names_record=names_record, target=target,
                           form=_fill(spec.form, body_side.values),
                           json=_fill(spec.json, body_side.values))


def users_for(cell):
    """Who asks: everyone for A's records; A's users (not the administrator, who may see every
    community) for B's records and for bodies naming B's records."""
    if cell.target == "own":
        return authz_world.USERS
    return tuple(u for u in authz_world.A_USERS if u != "admin")


# --- Expectations and verdicts ----------------------------------------------------------------

def expectation(cell, user):
    """What `user` must get: allow, deny (403), hidden (404), absent (404: another community's
    record), refused (anything but success: the body names another community's record) or
    login (302 to the login page, 401 on the API)."""
    if user == authz_world.ANONYMOUS:
        return "login"
    if cell.target == "other":
        return "absent"
    if cell.target == "tamper":
        return "refused"
    if user in authz_world.B_USERS:
        if cell.names_record:
            return "absent"
        user = authz_world.B_ROLE[user]
    if user in cell.rule.allowed:
        return "allow"
    return "hidden" if user in cell.rule.hidden else "deny"


def _to_login(answer):
    return answer.status_code in (301, 302, 303, 307, 308) and re.search(
        r"^(https?://[^/]+)?/login(\?|$)", answer.location or "") is not None


def _granted(answer):
    """The request went through: a 2xx, or a redirect anywhere but to the login page."""
    status = answer.status_code
    return 200 <= status < 300 or (300 <= status < 400 and not _to_login(answer))


def _allowed(expected, answer, cell):
    if answer.status_code in (401, 403, 404) or (_to_login(answer)
                                                  and not cell.rule.ends_on_login):
        return "mismatch", f"allowed by the table, answered {answer.status_code}"
    return None, ""


def _absent(expected, answer, cell):
    if answer.status_code != 404:
        return "leak", f"another community's record answered {answer.status_code}, not 404"
    return None, ""


def _refused(expected, answer, cell):
    if _granted(answer):
        return "leak", f"a body naming another community's record answered {answer.status_code}"
    return None, ""


def _login(expected, answer, cell):
    if (answer.status_code == 401) if cell.is_api else _to_login(answer):
        return None, ""
    return ("leak" if _granted(answer) else "mismatch"), f"anonymous answered {answer.status_code}"


def _denied(expected, answer, cell):
    wanted = 403 if expected == "deny" else 404
    if _granted(answer):
        return "leak", f"denied by the table, answered {answer.status_code}"
    if answer.status_code != wanted:
        return "mismatch", f"expected {wanted}, answered {answer.status_code}"
    return None, ""


VERDICTS = {"allow": _allowed, "absent": _absent, "refused": _refused, "login": _login,
            "deny": _denied, "hidden": _denied}


def verdict(expected, answer, cell):
    """(None | "leak" | "mismatch", why) for one answer."""
    if answer.status_code == 500:
        return "leak", "500"
    return VERDICTS[expected](expected, answer, cell)


def secrets_for(world, user):
    """Strings `user` must never be shown, whatever the route."""
    secrets = world.secrets
    if user in ("admin", authz_world.ANONYMOUS):
        return {}
    if user in authz_world.B_USERS:
        return {"community A's name": secrets["a_name"], "A's ticket": secrets["a_ticket"]}
    hidden = {"community B's name": secrets["b_name"]}
    if user in table.TICKET_HIDDEN:
        hidden["the owner's ticket"] = secrets["a_ticket"]
    return hidden


def _text_of(response):
    """What a person would read in the answer: the page or JSON, or a spreadsheet's cells."""
    if response.mimetype.startswith(TEXT_TYPES):
        return response.get_data(as_text=True)
    if response.mimetype == XLSX and response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as book:
            return "".join(book.read(name).decode("utf-8") for name in book.namelist()
                           if name.endswith(".xml"))
    return ""


# --- Sessions ---------------------------------------------------------------------------------

class Sessions:
    """One logged-in web client and one bearer token per user, reused for every request; each
    request runs in a savepoint rolled back afterwards, with the session cookie put back."""

    def __init__(self, app, world, api_token):
        self.app = app
        self.connection = db.session.connection()
        db.session.commit()  # the test's session holds no savepoint while requests run
        self.web, self.cookies, self.api_headers = {}, {}, {}
        self.api_client = app.test_client()
        for key in authz_world.USERS:
            client = app.test_client()
            self.web[key] = client
            user = world.user(key)
            if user is None:
                self.api_headers[key] = {}
                continue
            response = client.post("/login", data={"username": user.username,
                                                   "password": PASSWORD})
            assert response.status_code == 302, (key, response.status_code)
            self.cookies[key] = client.get_cookie("session").value
            self.api_headers[key] = api_token(user)

    def call(self, cell, user):
        """The answer to `cell` asked by `user`; nothing it wrote survives."""
        if cell.is_api:
            client, headers = self.api_client, {**self.api_headers[user], "Accept-Language": "en"}
        else:
            client, headers = self.web[user], {"Accept-Language": "en"}
        self.connection.exec_driver_sql("SAVEPOINT authz_cell")
        try:
            response = client.open(cell.url, method=cell.method, headers=headers,
                                   data=cell.form, json=cell.json)
            text = _text_of(response)
            response.close()  # files sent with send_file
            return Answer(response.status_code, response.location, text)
        finally:
            self.connection.exec_driver_sql("ROLLBACK TO SAVEPOINT authz_cell")
            self.connection.exec_driver_sql("RELEASE SAVEPOINT authz_cell")
            if not cell.is_api and user in self.cookies:
                client.set_cookie("session", self.cookies[user])


# --- The tests --------------------------------------------------------------------------------

def test_every_route_is_in_the_table(app):
    """T2: a new route, method or URL variable fails here until the table says who may use it;
    an entry for a route that no longer exists fails too."""
    used = set()
    for rule, method in _routes(app):
        for variant, _fillers in _variants(rule):
            used.add(_spec(rule.endpoint, method, variant)[0])
    stale = set(table.TABLE) - used
    assert not stale, f"entries of tests/authz/table.py TABLE without a route: {sorted(stale)}"
    known = {key for key, *_rest in table.KNOWN_FINDINGS}
    assert known <= used, f"KNOWN_FINDINGS without a route: {sorted(known - used)}"


def test_authorization_matrix(app, api_token, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")  # online payment: never a network call
    started = time.monotonic()
    world = authz_world.build()
    sessions = Sessions(app, world, api_token)
    ready = time.monotonic()
    secrets = {user: secrets_for(world, user) for user in authz_world.USERS}
    routes, requests, other = set(), 0, {"other": 0, "tamper": 0}
    leaks, mismatches, known, seen_known = [], [], [], set()
    for cell in cells(app, world):
        routes.add((cell.endpoint, cell.method))
        for user in users_for(cell):
            expected = expectation(cell, user)
            response = sessions.call(cell, user)
            requests += 1
            if cell.target in other:
                other[cell.target] += 1
            kind, why = verdict(expected, response, cell)
            if kind is None:
                shown = [name for name, value in secrets[user].items() if value in response.text]
                if shown:
                    kind, why = "leak", f"shows {', '.join(shown)}"
            if kind is None:
                continue
            finding_key = (cell.key, cell.method, user, cell.target)
            line = (f"{cell.method} {cell.url} [{cell.key}] as {user} ({cell.target} community): "
                    f"{why}; table: {expected}")
            if finding_key in table.KNOWN_FINDINGS:
                seen_known.add(finding_key)
                known.append(f"{line} -- known: {table.KNOWN_FINDINGS[finding_key]}")
            else:
                (leaks if kind == "leak" else mismatches).append(line)
    elapsed = time.monotonic() - started
    users = len(authz_world.USERS)
    print(f"\nauthz matrix: {len(routes)} routes (endpoint x method) x {users} users = {requests} "
          f"requests ({other['other']} for another community's records, {other['tamper']} with "
          f"its ids in the body), {len(leaks)} leaks, {len(mismatches)} table mismatches, "
          f"{len(known)} known findings; {elapsed:.1f} s ({ready - started:.1f} s for the world "
          "and the logins)")
    for line in known:
        print("  known finding:", line)
    stale = set(table.KNOWN_FINDINGS) - seen_known
    problems = [f"LEAK {line}" for line in leaks] + [f"MISMATCH {line}" for line in mismatches]
    problems += [f"KNOWN FINDING NO LONGER HAPPENS (remove it from KNOWN_FINDINGS): {key}"
                 for key in sorted(stale)]
    assert not problems, "\n".join(problems)
