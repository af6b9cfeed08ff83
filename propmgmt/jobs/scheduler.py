"""The one scheduler process (`flask scheduler`): APScheduler's BlockingScheduler over JOBS.

Only this module imports APScheduler, and only the `flask scheduler` command imports this module,
so `create_app` (every web worker) never starts a scheduler thread. Jobs live in memory with
explicit ids (replace_existing), run coalesced, one instance at a time, and once at start-up:
after a restart every job runs once (not zero times, not once per missed tick); that is safe
because every job is idempotent.
"""
import datetime as dt
import logging
import signal
import threading

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from propmgmt import jobs
from propmgmt.jobs import runner

log = logging.getLogger("propmgmt.jobs")

JOB_OPTIONS = {
    "coalesce": True,            # a backlog of missed runs becomes one run
    "max_instances": 1,          # a slow run is never overlapped by the next tick
    "misfire_grace_time": 15 * 60,  # a run up to 15 minutes late still happens
}
POOL_THREAD_PREFIX = "propmgmt-job"


def make_trigger(spec, timezone):
    """The APScheduler trigger for a trigger-as-data mapping (see propmgmt.jobs.every/cron)."""
    fields = {k: v for k, v in spec.items() if k != "trigger"}
    if spec["trigger"] == "interval":
        return IntervalTrigger(timezone=timezone, **fields)
    if spec["trigger"] == "cron":
        return CronTrigger.from_crontab(fields["crontab"], timezone=timezone)
    raise ValueError(f"unknown trigger {spec['trigger']!r}")


def build_scheduler(app, *, run_at_start=True):
    """A BlockingScheduler holding every job of JOBS, and its thread pool (joined on exit)."""
    timezone = app.config.get("PROPMGMT_TIMEZONE") or "UTC"
    pool = ThreadPoolExecutor(max_workers=len(jobs.JOBS) + 1,
                              pool_kwargs={"thread_name_prefix": POOL_THREAD_PREFIX})
    scheduler = BlockingScheduler(executors={"default": pool}, timezone=timezone)
    for job in jobs.JOBS:
        extra = {"next_run_time": dt.datetime.now(dt.timezone.utc)} if run_at_start else {}
        scheduler.add_job(runner.run_job, make_trigger(job.trigger, timezone), args=[app, job],
                          id=job.name, name=job.name, replace_existing=True, **JOB_OPTIONS,
                          **extra)
    return scheduler, pool


def _stop_after(scheduler, seconds):
    """Shut the scheduler down by itself after `seconds` (a date job of its own)."""
    at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    scheduler.add_job(scheduler.shutdown, "date", run_date=at, kwargs={"wait": False},
                      id="scheduler.stop", name="scheduler.stop", misfire_grace_time=None)


def _exit_on_sigterm():
    """SIGTERM (systemd, docker stop) ends the scheduler like Ctrl-C; returns how to undo that."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def _raise(signum, frame):
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _raise)
    return lambda: signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def serve(app, *, run_for=None):
    """Run the scheduler in this thread until Ctrl-C, SIGTERM or `run_for` seconds have passed."""
    scheduler, pool = build_scheduler(app)
    if run_for is not None:
        _stop_after(scheduler, run_for)
    restore_sigterm = _exit_on_sigterm()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler interrupted; finishing running jobs")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        pool.shutdown(wait=True)  # join the worker threads, whoever stopped the scheduler
        restore_sigterm()
