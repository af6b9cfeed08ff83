"""What the fuzz tests share: learning which fields a route reads, the database fingerprint, one
request in a rolled-back savepoint, and the verdict on its answer.

A route's fields are learnt by asking it once (a "probe") as a user allowed to use it, with the
authorization table's minimal body: every WTForms form built during the request is recorded
(field names with their prefixes, types, choices, formats), and so is every key the view reads
from request.form / request.args / request.files directly. The fuzz then sends those fields.
"""
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import encode_multipart
from wtforms import fields as wtf
from wtforms.form import BaseForm
from wtforms.validators import Length

from propmgmt.db import db
from propmgmt.extensions import limiter
from tests.conftest import PASSWORD
from tests.fuzz import payloads as p
from tests.test_authz_matrix import Sessions

# --- Learning a route's fields ------------------------------------------------------------------

_recorder = None   # a _Recording while a probe runs (requests run in fresh contexts: a global)


class _Recording:
    def __init__(self):
        self.keys, self.forms = [], []


class RecordingMultiDict(ImmutableMultiDict):
    """request.form / .args / .files that note every key the app asks for."""

    def _note(self, key):
        if _recorder is not None and isinstance(key, str) and key not in _recorder.keys:
            _recorder.keys.append(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)


@contextlib.contextmanager
def recording(app, monkeypatch):
    """Record the forms built and the keys read by the requests made inside the block."""
    global _recorder
    probe_request = type("ProbeRequest", (app.request_class,),
                         {"parameter_storage_class": RecordingMultiDict})
    original_process = BaseForm.process

    def process(form, *args, **kwargs):
        if _recorder is not None:
            _recorder.forms.append(form)
        return original_process(form, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(app, "request_class", probe_request)
        patch.setattr(BaseForm, "process", process)
        _recorder = _Recording()
        try:
            yield _recorder
        finally:
            _recorder = None


@dataclasses.dataclass(frozen=True)
class Field:
    """One field a route reads: its name as sent, its kind and a value it accepts."""

    name: str
    kind: str          # text, int, decimal, date, choice, multi, bool, file, submit, raw
    valid: object
    choices: tuple = ()
    max_length: int = None


def _choices(field):
    raw = field.choices or ()
    if isinstance(raw, dict):  # option groups
        raw = [c for group in raw.values() for c in group]
    values = tuple(str(c[0] if isinstance(c, (tuple, list)) else c) for c in raw)
    return tuple(v for v in values if v != "")


def _max_length(field):
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
    return min(lengths) if lengths else None


_KINDS = (  # (WTForms class, kind), most specific first
    (wtf.MultipleFileField, "file"), (wtf.FileField, "file"), (wtf.SubmitField, "submit"),
    (wtf.BooleanField, "bool"), (wtf.SelectMultipleField, "multi"), (wtf.SelectField, "choice"),
    (wtf.RadioField, "choice"), (wtf.DateTimeLocalField, "datetime"), (wtf.DateTimeField, "datetime"),
    (wtf.DateField, "date"), (wtf.IntegerField, "int"), (wtf.DecimalField, "decimal"),
    (wtf.FloatField, "decimal"), (wtf.PasswordField, "password"), (wtf.HiddenField, "hidden"),
)


def _kind(field):
    if type(field).__name__ == "YuanField":
        return "decimal"
    return next((kind for cls, kind in _KINDS if isinstance(field, cls)), "text")


def _valid(field, kind, choices, given):
    """A value `field` accepts: the table's minimal body's, else one of its type."""
    if field.name in given:
        return given[field.name]
    if kind in ("choice", "multi"):
        return choices[0] if choices else ""
    if kind == "datetime":
        return p.date_text(getattr(field, "format", None) or "%Y-%m-%dT%H:%M")
    values = {"int": "1", "decimal": "1.50", "bool": "y", "submit": "y", "password": PASSWORD,
              "date": p.date_text(getattr(field, "format", None) or "%Y-%m-%d", dt.date(2026, 3, 2)),
              "file": p.File("png", "photo.png")}
    if kind in values:
        return values[kind]
    if kind == "hidden":
        return field._value() or ""
    return "Fuzz text"


def fields_of(record, given):
    """The Fields a probe saw: the forms' fields, then the keys read directly."""
    found = {}
    for form in record.forms:
        for field in form:
            if field.type == "CSRFTokenField" or field.name in found:
                continue
            kind = _kind(field)
            choices = _choices(field) if kind in ("choice", "multi") else ()
            found[field.name] = Field(field.name, kind, _valid(field, kind, choices, given),
                                      choices, _max_length(field))
    for key in record.keys:
        if key not in found and key != "csrf_token":
            found[key] = Field(key, "raw", given.get(key, "1"))
    for key, value in given.items():  # the table's body names a field the probe missed
        found.setdefault(key, Field(key, "raw", value))
    return list(found.values())


# --- Generating bodies --------------------------------------------------------------------------

_HOSTILE_BY_KIND = {
    "int": st.sampled_from(p.NUMBERS), "decimal": st.sampled_from(p.NUMBERS),
    "date": st.sampled_from(p.DATES), "datetime": st.sampled_from(p.DATES),
    "file": st.sampled_from(p.FILES),
}


def _field_strategy(field):
    """What replaces a field's valid value: left out, hostile, or another valid value."""
    options = [st.just(p.MISSING), p.hostile_any]
    if field.kind in ("text", "raw", "hidden", "password"):
        options += [p.with_xss(str(field.valid)), p.hostile_text]
    if field.kind in _HOSTILE_BY_KIND:
        options.append(_HOSTILE_BY_KIND[field.kind])
    if field.choices:
        options.append(st.sampled_from(field.choices))
    if field.kind == "multi" and field.choices:
        options.append(st.lists(st.sampled_from(field.choices), max_size=len(field.choices) + 1))
    options.append(st.lists(p.hostile_text, min_size=2, max_size=3))  # the field sent twice
    return st.one_of(*options)


def body_strategy(fields):
    """A valid body with one to three fields replaced (so the hostile value gets past the
    other fields' validation to the code that uses it), plus unknown extra fields now and then."""
    valid = {f.name: f.valid for f in fields}
    hostile = {f.name: _field_strategy(f) for f in fields}
    extra = st.dictionaries(st.sampled_from(p.EXTRA_FIELDS), p.hostile_any, max_size=2)

    @st.composite
    def bodies(draw):
        body = {**draw(extra), **valid}
        if fields:
            for name in draw(st.lists(st.sampled_from(sorted(valid)), min_size=1, max_size=3,
                                      unique=True)):
                body[name] = draw(hostile[name])
        return {k: v for k, v in body.items() if v is not p.MISSING}

    return bodies()


def _names_a_row(field):
    """A field whose value the app turns into a row id or a number."""
    return (field.kind in ("int", "raw", "hidden") or field.name == "id"
            or field.name.endswith("_id")
            or bool(field.choices) and all(c.isdigit() for c in field.choices))


def fixed_bodies(fields):
    """Bodies every route gets, whatever hypothesis draws: valid, valid with XSS in every text
    field, all empty, all missing, all huge, all SQL; and valid with every field that names a
    row or a number set to a number no column holds, and to a digit int() refuses."""
    valid = {f.name: f.valid for f in fields}
    texts = [f for f in fields if f.kind in ("text", "raw")]
    xss = {**valid, **{f.name: f"{str(f.valid)[:10]}{p.XSS[i % len(p.XSS)]}"
                       for i, f in enumerate(texts)}}
    not_files = [f for f in fields if f.kind != "file"]
    return [valid, xss, {f.name: "" for f in not_files}, {},
            {**valid, **{f.name: p.HUGE[0] for f in not_files}},
            {**valid, **{f.name: p.SQL[0] for f in not_files}},
            {**valid, **{f.name: p.NUMBERS[11] for f in fields if _names_a_row(f)}},
            {**valid, **{f.name: "²" for f in fields if _names_a_row(f)}}]


def encode(body):
    """The test client's arguments for `body`: a form, or multipart bytes when it holds files
    (encoded here, in memory: the test client would spool a large body to a temporary file it
    never closes)."""
    files = False
    out = {}
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        files = files or any(isinstance(v, p.File) for v in values)
        out[name] = [v.open() if isinstance(v, p.File) else v for v in values]
    if not files:
        return {"data": body}
    boundary, data = encode_multipart(out)
    return {"data": data, "content_type": f"multipart/form-data; boundary={boundary}"}


# --- The database fingerprint -------------------------------------------------------------------

def fingerprint_statement(exclude=()):
    """ONE statement: (table, row count) for every table of db.metadata."""
    selects = [sa.select(sa.literal(t.name).label("t"), sa.func.count().label("n")).select_from(t)
               for t in db.metadata.sorted_tables if t.name not in exclude]
    return sa.union_all(*selects)


def fingerprint(connection, statement):
    return dict(connection.execute(statement).all())


def changed_tables(before, after):
    return sorted(t for t in before if before[t] != after.get(t))


# --- Values PostgreSQL cannot store -------------------------------------------------------------

class NulWatch:
    """Notes SQL parameters holding a NUL character: SQLite stores them, PostgreSQL refuses the
    statement (a 500 there), so on SQLite they are found here."""

    def __init__(self, engine):
        self.engine, self.hits = engine, []

    @classmethod
    def _has_nul(cls, value):
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            value = value.values()
        if isinstance(value, (list, tuple, type({}.values()))):
            return any(cls._has_nul(v) for v in value)
        return False

    def _check(self, conn, cursor, statement, parameters, context, executemany):
        if self._has_nul(parameters):
            self.hits.append(statement.split("\n")[0][:80])

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._check)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._check)


@contextlib.contextmanager
def quiet_request_log():
    """The request log warns for every 4xx: thousands of lines here. Errors still show."""
    logger = logging.getLogger("propmgmt.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# --- One request and its verdict ----------------------------------------------------------------

TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")


@dataclasses.dataclass
class Outcome:
    status: int
    problems: list
    wrote: bool = False   # the row counts changed (an accepted request that created something)


def _local(location):
    if not location:
        return None
    parts = urlsplit(location)
    if parts.netloc not in ("", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class FuzzSessions(Sessions):
    """The authz matrix's logged-in clients; each fuzz request runs in a savepoint rolled back
    afterwards, with the database fingerprinted before and after inside it."""

    def __init__(self, app, world, api_token, exclude_tables=()):
        super().__init__(app, world, api_token)
        self.fingerprint_sql = fingerprint_statement(exclude_tables)
        self.nul = NulWatch(self.connection.engine)

    def client_for(self, user):
        """The user's logged-in client; a fresh one for nobody (a login must not stick)."""
        return self.app.test_client() if user is None else self.web[user]

    def send(self, user, method, url, judge=None, **kwargs):
        """Ask, judge and roll back: an Outcome with what is wrong with the answer (`judge`, when
        given, adds its own verdicts on the response)."""
        client = self.client_for(user)
        kwargs.setdefault("headers", {"Accept-Language": "en"})
        limiter.reset()   # the login throttle would otherwise answer 429 after five failures
        self.connection.exec_driver_sql("SAVEPOINT fuzz_case")
        try:
            before = fingerprint(self.connection, self.fingerprint_sql)
            with self.nul:
                hits = len(self.nul.hits)
                response = client.open(url, method=method, **kwargs)
                problems = check_answer(response) + (judge(response) if judge else [])
                status = response.status_code
                after = fingerprint(self.connection, self.fingerprint_sql)
                if status >= 400 and after != before:
                    problems.append(f"rejected ({status}) but wrote to "
                                    f"{', '.join(changed_tables(before, after))}")
                target = _local(response.location) if 300 <= status < 400 else None
                response.close()
                if target:
                    followed = client.get(target, headers=kwargs["headers"])
                    problems += [f"after the redirect to {target}: {x}"
                                 for x in check_answer(followed)]
                    followed.close()
                if len(self.nul.hits) > hits:
                    problems.append(f"a NUL character reached the database "
                                    f"(PostgreSQL refuses it: a 500 there): {self.nul.hits[-1]}")
            return Outcome(status, problems, wrote=after != before)
        finally:
            self.connection.exec_driver_sql("ROLLBACK TO SAVEPOINT fuzz_case")
            self.connection.exec_driver_sql("RELEASE SAVEPOINT fuzz_case")
            if user in self.cookies:
                client.set_cookie("session", self.cookies[user])


def check_answer(response):
    """What is wrong with one answer: a server error, a stack trace, unescaped XSS."""
    problems = []
    if response.status_code >= 500 and response.status_code != 503:
        problems.append(f"server error {response.status_code}")
    if response.mimetype.startswith(("text/", "application/json")):
        text = response.get_data(as_text=True)
        if TRACE.search(text):
            problems.append("a stack trace in the body")
        if response.mimetype == "text/html":
            shown = [m for m in p.XSS_MARKERS if m in text]
            if shown:
                problems.append(f"unescaped {shown[0]!r} in the HTML")
    return problems


class Tally:
    """Routes, cases and statuses tried, and the problems found (first few per route)."""

    def __init__(self):
        self.routes, self.cases, self.writes = set(), 0, 0
        self.statuses = collections.Counter()
        self.problems = collections.defaultdict(list)

    def add(self, route, outcome, body=None):
        self.routes.add(route)
        self.cases += 1
        self.statuses[outcome.status] += 1
        self.writes += outcome.wrote and outcome.status < 400
        if outcome.problems and len(self.problems[route]) < 3:
            shown = {k: (v[:60] + f"...({len(v)} chars)" if isinstance(v, str) and len(v) > 60
                         else v) for k, v in (body or {}).items()}
            self.problems[route].append(f"{'; '.join(outcome.problems)} -- body {shown!r}")

    @property
    def server_errors(self):
        return sum(n for s, n in self.statuses.items() if s >= 500 and s != 503)

    def report(self, title):
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        lines = [f"{title}: {len(self.routes)} routes, {self.cases} cases, "
                 f"{self.server_errors} server errors (statuses {statuses}); "
                 f"{self.writes} accepted cases added or removed rows"]
        for route, found in sorted(self.problems.items()):
            lines += [f"  {route}: {line}" for line in found]
        return "\n".join(lines)
