"""Real transactions on PostgreSQL for race tests: one session per thread on a fresh engine (the
rolled-back test session cannot show races), and a helper that lines threads up at a barrier."""
import contextlib
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker

from propmgmt.config import normalize_database_url
from propmgmt.db import db
from tests.conftest import TEST_DATABASE_URL

postgresql_only = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="PostgreSQL only: these races need real commits; set TEST_DATABASE_URL (CI does)")


@contextlib.contextmanager
def real_sessions(threads, lock_timeout_ms=10000, statement_timeout_ms=30000):
    """While inside, db.session is a real session per thread; yields the engine."""
    engine = sa.create_engine(
        normalize_database_url(TEST_DATABASE_URL), pool_size=threads + 2, max_overflow=0,
        connect_args={"options": f"-c lock_timeout={lock_timeout_ms} "
                                 f"-c statement_timeout={statement_timeout_ms}"})
    rolled_back = db.session
    db.session = scoped_session(sessionmaker(bind=engine), scopefunc=threading.get_ident)
    try:
        yield engine
    finally:
        db.session.remove()
        db.session = rolled_back
        engine.dispose()


def race(app, work, n, join_timeout=60):
    """Run work(barrier) in n threads, each in its own app context (so its own session); the
    barrier lines them up before the contended step. Returns each thread's result or error."""
    barrier = threading.Barrier(n, timeout=30)
    results = [None] * n

    def run(index):
        try:
            with app.app_context():
                results[index] = work(barrier)
        except Exception as error:  # reported, never a silent thread death
            results[index] = error
        finally:
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i,), name=f"race-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results
