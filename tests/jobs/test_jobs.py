"""The jobs table, `flask jobs list|run` and `flask scheduler` (RELIABILITY.md H, J1 and J3).

The commands run inside the test's rolled-back transaction: each run gets its own app context and
session, bound to the fixture's connection.
"""
import datetime as dt
import importlib
import logging
import threading
import time

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.base import BaseScheduler

from propmgmt import jobs
from propmgmt.communities import modes
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.jobs import scheduler as blocking
from propmgmt.tickets.models import TicketBreach
from tests.conftest import make_app
from tests.tickets.conftest import make_cast


def explode():
    raise RuntimeError("boom")


@pytest.fixture
def flask(app):
    """Run `flask ARGS...` and return click's result."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def overdue():
    """An overdue ticket at the property company of a professionally managed community."""
    cast = make_cast(modes.PROFESSIONAL)
    ticket = cast.file()
    ticket.response_due_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    return ticket


@pytest.fixture
def failing_job(monkeypatch):
    """A job that raises, listed before the real ones."""
    bad = jobs.Job(name="test.explode", trigger=jobs.every(minutes=1), func=explode, help="Fails.")
    monkeypatch.setattr(jobs, "JOBS", [bad, *jobs.JOBS])
    return bad


@pytest.fixture
def job_log(caplog):
    caplog.set_level(logging.INFO, logger="propmgmt.jobs")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "propmgmt.jobs"]


def job_threads():
    return [t for t in threading.enumerate() if t.name.startswith(blocking.POOL_THREAD_PREFIX)]


def test_jobs_have_unique_names_importable_functions_and_valid_triggers():
    names = [job.name for job in jobs.JOBS]
    assert "tickets.escalate" in names and len(names) == len(set(names))
    for job in jobs.JOBS:
        module = importlib.import_module(job.func.__module__)
        assert getattr(module, job.func.__qualname__) is job.func  # module-level, not a lambda
        assert job.help and blocking.make_trigger(job.trigger, "Asia/Shanghai") is not None
    assert jobs.by_name("tickets.escalate").trigger == {"trigger": "interval", "minutes": 5}


def test_trigger_helpers_are_plain_data():
    assert jobs.describe(jobs.every(minutes=5)) == "every 5 minutes"
    assert jobs.describe(jobs.cron("30 2 * * *")) == "cron 30 2 * * *"
    trigger = blocking.make_trigger(jobs.cron("30 2 * * *"), "Asia/Shanghai")
    after = dt.datetime(2025, 3, 1, 12, tzinfo=dt.timezone.utc)
    assert trigger.get_next_fire_time(None, after).astimezone(dt.timezone.utc) == dt.datetime(
        2025, 3, 1, 18, 30, tzinfo=dt.timezone.utc)  # 02:30 in Shanghai
    with pytest.raises(ValueError):
        blocking.make_trigger({"trigger": "lunar"}, "UTC")


def test_jobs_list_prints_names_and_triggers(flask):
    result = flask("jobs", "list")
    assert result.exit_code == 0, result.output
    assert "tickets.escalate" in result.output and "every 5 minutes" in result.output


def test_jobs_run_escalates_an_overdue_ticket_once(flask, overdue, job_log):
    result = flask("jobs", "run", "tickets.escalate")
    assert result.exit_code == 0, result.output
    assert "tickets.escalate: ok in" in result.output and "escalated 1 missed" in result.output
    db.session.refresh(overdue)
    assert (overdue.handler_kind, overdue.escalations) == (modes.RESIDENTS, 1)
    again = flask("jobs", "run", "tickets.escalate")
    assert again.exit_code == 0 and "escalated 0 missed" in again.output
    db.session.refresh(overdue)
    assert overdue.escalations == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketBreach)) == 1
    assert sum("job tickets.escalate: ok" in m for m in job_log()) == 2


def test_jobs_run_unknown_name_fails_clearly(flask):
    result = flask("jobs", "run", "tickets.nope")
    assert result.exit_code == 2
    assert "Unknown job 'tickets.nope'. Known jobs: tickets.escalate" in result.output


def test_jobs_run_failing_job_exits_1_and_logs_the_traceback(flask, failing_job, job_log, caplog):
    result = flask("jobs", "run", "test.explode")
    assert result.exit_code == 1
    assert "test.explode: FAILED" in result.output and "RuntimeError: boom" in result.output
    assert any(r.exc_info and r.name == "propmgmt.jobs" for r in caplog.records)


def test_scheduler_once_runs_every_job_and_exits(flask, overdue):
    result = flask("scheduler", "--once")
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        job.name for job in jobs.JOBS]
    db.session.refresh(overdue)
    assert overdue.handler_kind == modes.RESIDENTS


def test_scheduler_once_reports_a_failing_job_and_still_runs_the_others(flask, failing_job,
                                                                       overdue):
    result = flask("scheduler", "--once")
    assert result.exit_code == 1
    assert "test.explode: FAILED" in result.output and "escalated 1 missed" in result.output


def test_scheduler_run_for_runs_each_job_once_at_start_and_stops_by_itself(flask, overdue,
                                                                         job_log):
    """J3 with the in-memory store: a (re)start runs every job once, not zero or N times."""
    started = time.monotonic()
    result = flask("scheduler", "--run-for", "1")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert f"Scheduler running {len(jobs.JOBS)} job(s)" in result.output
    assert "Scheduler stopped." in result.output
    assert 0.9 < elapsed < 10
    assert sum(m.startswith("job tickets.escalate: ok") for m in job_log()) == 1
    assert job_threads() == []  # the worker threads were joined
    db.session.refresh(overdue)
    assert overdue.handler_kind == modes.RESIDENTS
    print(f"scheduler --run-for 1 took {elapsed:.2f}s; runs: {job_log()}")


def test_a_failing_job_does_not_kill_the_scheduler(flask, failing_job, overdue, job_log):
    result = flask("scheduler", "--run-for", "1")
    assert result.exit_code == 0, result.output
    messages = job_log()
    assert any("job test.explode: FAILED" in m for m in messages)
    assert any("job tickets.escalate: ok" in m for m in messages)
    assert job_threads() == []


def test_scheduler_options_are_exclusive(flask):
    result = flask("scheduler", "--once", "--run-for", "1")
    assert result.exit_code == 2 and "either --once or --run-for" in result.output


def test_scheduled_jobs_have_explicit_ids_and_safe_defaults(app):
    """J4 in part: ids are the job names and replace_existing, so re-adding never duplicates."""
    scheduler, pool = blocking.build_scheduler(app)
    try:
        scheduled = scheduler.get_jobs()
        assert [j.id for j in scheduled] == [job.name for job in jobs.JOBS]
        for job in scheduled:
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 900)
    finally:
        pool.shutdown(wait=True)


def test_create_app_starts_no_scheduler(monkeypatch, database_url):
    """J1: building the app (what every web worker does) never starts APScheduler."""
    started = []
    monkeypatch.setattr(BaseScheduler, "start", lambda self, *a, **k: started.append(self))
    before = {t.ident for t in threading.enumerate()}
    web = make_app(database_url)
    assert web.test_client().get("/login").status_code == 200
    assert started == []
    assert {t.ident for t in threading.enumerate()} - before == set()
