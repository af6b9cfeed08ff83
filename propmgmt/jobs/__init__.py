"""Periodic jobs, declared as data; `flask scheduler` runs them, `flask jobs run NAME` runs one.

A job is a name, a trigger (plain data: `every(minutes=5)` or `cron("30 2 * * *")`, read in the
scheduler's time zone, PROPMGMT_TIMEZONE) and a module-level function that calls services inside
an app context, is idempotent, and returns a one-line summary. Adding a job is one line in JOBS.
"""
import dataclasses
from typing import Callable

from propmgmt.jobs import billing
from propmgmt.jobs import indicators
from propmgmt.jobs import monitoring
from propmgmt.jobs import tickets


def every(**interval):
    """An interval trigger as data, e.g. every(minutes=5) (APScheduler IntervalTrigger fields)."""
    return {"trigger": "interval", **interval}


def cron(expression):
    """A crontab trigger as data, e.g. cron("30 2 * * *") (APScheduler CronTrigger.from_crontab)."""
    return {"trigger": "cron", "crontab": expression}


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    trigger: dict
    func: Callable[[], str]
    help: str


JOBS = [
    Job(name="tickets.escalate", trigger=every(minutes=5), func=tickets.escalate,
        help="Escalate every ticket past its deadline one level up its mode's path."),
    Job(name="billing.monthly_run", trigger=cron("0 2 1 * *"), func=billing.monthly_run,
        help="Bill the month for every community on the 1st (idempotent)."),
    Job(name="billing.reconcile", trigger=every(minutes=10), func=billing.reconcile,
        help="Ask the payment provider about online payments pending for 10 minutes."),
    Job(name="monitoring.plan_inspections", trigger=cron("10 0 * * *"),
        func=monitoring.plan_inspections,
        help="Create the inspection tasks due and mark overdue ones missed (idempotent)."),
    Job(name="monitoring.indicators", trigger=cron("40 3 * * *"), func=indicators.compute,
        help="Recompute last month's and this month's indicators and raise alerts."),
]


def by_name(name):
    """The job called `name`, or None."""
    return next((job for job in JOBS if job.name == name), None)


def describe(trigger):
    """A trigger in words for `flask jobs list`: "every 5 minutes", "cron 30 2 * * *"."""
    fields = {k: v for k, v in trigger.items() if k != "trigger"}
    if trigger["trigger"] == "interval":
        return "every " + " ".join(f"{value} {unit}" for unit, value in fields.items())
    if trigger["trigger"] == "cron":
        return f"cron {fields['crontab']}"
    return repr(trigger)
