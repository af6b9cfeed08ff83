"""Running one job: in its own app context, timed, logged, and never raising.

`flask jobs run`, `flask scheduler --once` and every scheduled run go through run_job, so each run
leaves the same log line ("job NAME ok in 0.04s: SUMMARY"). A job-run table (last run, duration,
outcome) is left for later; the log is the record for now.
"""
import dataclasses
import logging
import threading
import time

log = logging.getLogger("propmgmt.jobs")
# Jobs of one process run one after another: a billing run and an escalation pass never share a
# moment, which keeps each run's transaction short and its effect easy to reason about.
_ONE_AT_A_TIME = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    summary: str
    seconds: float

    def line(self):
        return f"{self.name}: {'ok' if self.ok else 'FAILED'} in {self.seconds:.2f}s: {self.summary}"


def run_job(app, job):
    """Run `job` once inside a fresh app context; log its summary and duration; return the Outcome.

    An exception is logged with its traceback and reported as a failed run, so one bad run never
    stops the scheduler; the app context's teardown discards the session and its transaction.
    """
    with _ONE_AT_A_TIME:
        return _run(app, job)


def _run(app, job):
    started = time.monotonic()
    with app.app_context():
        try:
            summary, ok = str(job.func() or "done"), True
        except Exception as error:  # a failing job must not kill the scheduler
            log.exception("job %s raised", job.name)
            summary, ok = f"{type(error).__name__}: {error}", False
    outcome = Outcome(job.name, ok, summary, time.monotonic() - started)
    log.log(logging.INFO if ok else logging.ERROR, "job %s", outcome.line())
    return outcome
