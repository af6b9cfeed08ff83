"""Test fixtures: the app, the schema built by the migrations once, a rolled-back session per test."""
import contextlib
import contextvars
import os
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker

from propmgmt import create_app
from propmgmt.config import normalize_database_url
from propmgmt.db import db
from propmgmt.extensions import limiter



def _worker_database(url):
    """Under pytest-xdist (`-n 2`) each worker has a PostgreSQL database of its own,
    <name>_<worker>, made on first use; SQLite files are per worker already."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = sa.engine.make_url(normalize_database_url(url))
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": name}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
PASSWORD = "correct-horse-9"


def _reset_postgres(url):
    engine = sa.create_engine(normalize_database_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def make_app(url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "session",
        "ARGON2_TIME_COST": 2,
        "ARGON2_MEMORY_COST": 19456,
        "ARGON2_PARALLELISM": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        "CLI_LOCALE": "en",
    }
    config.update(overrides)
    return create_app(config)


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: `g` and the locale do not leak
    from the test's own app context (or from the previous request) into the request."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request wrote
        return response


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():  # close the pool before the app is collected (PostgreSQL warns)
        db.engine.dispose()


@contextlib.contextmanager
def bound_session(connection):
    """db.session bound to `connection` for the block (inside an app context): a commit releases
    a savepoint, and what the block wrote stays in the connection's transaction for the caller
    to roll back."""
    original = db.session
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    db.session = scoped_session(factory, scopefunc=original.registry.scopefunc)
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original


@pytest.fixture(autouse=True)
def session(app):
    """Each test runs inside one outer transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        limiter.reset()
        try:
            with bound_session(connection) as bound:
                yield bound
        finally:
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a user in through the login form; returns the response."""

    def do(user, password=PASSWORD):
        return client.post("/login", data={"username": user.username, "password": password})

    return do


@pytest.fixture
def api_token(client):
    """A bearer header for a user, obtained through /api/v1/auth/token."""

    def do(user, password=PASSWORD):
        response = client.post("/api/v1/auth/token",
                               json={"username": user.username, "password": password})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return do


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len([s for s in self.statements if not re.match(r"\s*(SAVEPOINT|RELEASE)", s)])


@pytest.fixture
def count_queries(session):
    """Count SQL statements run inside the `with` block (savepoint chatter excluded)."""
    connection = session.connection()
    engine = connection.engine

    class _Counting:
        def __enter__(self):
            self.counter = QueryCounter()
            event.listen(engine, "before_cursor_execute", self._record)
            return self.counter

        def _record(self, conn, cursor, statement, *args):
            self.counter.statements.append(statement)

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", self._record)

    return _Counting
