"""Billing periods (YYYY-MM), cycles and due dates."""
import datetime as dt
import re

from flask_babel import gettext as _

from propmgmt.errors import Invalid

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
MAX_MONTHS_AHEAD = 12


def parse(period, field="period", today=None):
    """A (year, month) from 'YYYY-MM'; malformed, ancient or far-future periods are refused."""
    match = PERIOD_RE.match(str(period or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise Invalid(fields={field: [_("Give the period as YYYY-MM, e.g. 2026-11.")]})
    year, month = int(match.group(1)), int(match.group(2))
    today = today or dt.date.today()
    index, now_index = year * 12 + month - 1, today.year * 12 + today.month - 1
    if year < 2000 or index - now_index > MAX_MONTHS_AHEAD:
        raise Invalid(fields={field: [_("The period %(period)s is too far from today.",
                                        period=period)]})
    return year, month


def first_day(period):
    year, month = parse(period)
    return dt.date(year, month, 1)


def label(year, month):
    return f"{year:04d}-{month:02d}"


def is_billed(cycle, month):
    """Monthly items bill every month, quarterly ones in Jan/Apr/Jul/Oct, yearly ones in January."""
    months = CYCLE_MONTHS[cycle]
    return (month - 1) % months == 0


def due_on(period, due_day):
    year, month = parse(period)
    return dt.date(year, month, min(max(due_day, 1), 28))


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = [31, 29 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month]
    return dt.date(year, month + 1, min(day.day, last))
