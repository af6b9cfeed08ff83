"""`flask scheduler` and `flask jobs ...`."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext

from propmgmt import jobs
from propmgmt.jobs import runner

jobs_cli = AppGroup("jobs", help="List and run the periodic jobs.")


@jobs_cli.command("list")
def list_():
    """Print every periodic job with its trigger."""
    width = max((len(job.name) for job in jobs.JOBS), default=0)
    for job in jobs.JOBS:
        click.echo(f"{job.name:<{width}}  {jobs.describe(job.trigger):<18}  {job.help}")


@jobs_cli.command("run")
@click.argument("name")
def run(name):
    """Run job NAME once, now (as the scheduler would); exit code 1 if it fails."""
    job = jobs.by_name(name)
    if job is None:
        known = ", ".join(j.name for j in jobs.JOBS)
        raise click.UsageError(f"Unknown job {name!r}. Known jobs: {known}.")
    outcome = runner.run_job(current_app._get_current_object(), job)
    click.echo(outcome.line())
    if not outcome.ok:
        raise SystemExit(1)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once now, then exit.")
@click.option("--run-for", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stop by itself after SECONDS (smoke tests, ops checks).")
@with_appcontext
def scheduler(once, run_for):
    """Run the periodic jobs: the one scheduler process (never inside web workers).

    Every job runs once at start-up, then on its trigger, until Ctrl-C or SIGTERM.
    """
    app = current_app._get_current_object()
    if once and run_for is not None:
        raise click.UsageError("Use either --once or --run-for, not both.")
    if once:
        outcomes = [runner.run_job(app, job) for job in jobs.JOBS]
        for outcome in outcomes:
            click.echo(outcome.line())
        if not all(o.ok for o in outcomes):
            raise SystemExit(1)
        return
    from propmgmt.jobs import scheduler as blocking  # noqa: PLC0415 (APScheduler only here)

    _log_to_stderr()
    click.echo(f"Scheduler running {len(jobs.JOBS)} job(s): "
               f"{', '.join(job.name for job in jobs.JOBS)}"
               + (f"; stopping after {run_for:g}s." if run_for is not None else "."))
    blocking.serve(app, run_for=run_for)
    click.echo("Scheduler stopped.")


def _log_to_stderr():
    """One timestamped line per run on stderr (unless logging is configured already).

    The runner's line carries the summary and duration, so APScheduler's own "Running job" /
    "executed successfully" pair is left out; its warnings (skipped or missed runs) stay.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runner.log.setLevel(min(runner.log.getEffectiveLevel(), logging.INFO))
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def register_scheduler(app):
    """`flask scheduler`: a top-level command, not part of the `jobs` group."""
    app.cli.add_command(scheduler)
