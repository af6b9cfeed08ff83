"""A deterministic district for benches: communities with a year of bills, tickets, inspections.

    import district  # bench/ on sys.path, as when running a script in bench/
    counts, plan = district.build(app, communities=100, dwellings=100_000, tickets=1_000_000,
                                  months=12, echo=print)

`build` rebuilds the app's database schema with Flask-Migrate (`upgrade()`; on PostgreSQL the
public schema is dropped and created again) and loads, with a seeded `random.Random`, through bulk
inserts in chunks of 10,000 rows (COPY on PostgreSQL, executemany elsewhere; never one ORM object
per row):

- communities, each with a mode change (the four modes round-robin), buildings, dwellings with
  areas; one per-m² monthly fee item and rate per community;
- `months` months of bills ending with the last full month (the columns and amounts the billing
  run writes), a payment and its allocation for about 79% of them (fewer in sliding communities
  and in the latest months; 3% of them pay half), a few waivers and voided bills;
- `tickets` tickets spread over those months with their deadlines, response, resolution,
  closing and rating times, statuses as of the end of the data, a `submit` event each, `reopen`
  events, and breaches (with an `overdue_escalation` event) for missed deadlines;
- inspection plans (daily, weekly, monthly, quarterly) with their tasks and findings, facilities
  with their condition history, monthly joint meetings with action items, quarterly surveys.

One community in ten slides over the last four months (falling collection, late tickets, missed
inspections). The same arguments (and the same `last` month: by default the one before today's)
give the same rows. Returns ({table: rows loaded}, the District: its months, places, end).

Ids are given explicitly (1, 2, ... per table); on PostgreSQL the id sequences are moved past
them and VACUUM ANALYZE runs at the end (what autovacuum would do after such a load). Peak memory
stays near 150-220 MB: rows are generated and written chunk by chunk.
"""
import dataclasses
import datetime as dt
import itertools
import operator
import random
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from propmgmt.billing.models import Allocation  # noqa: E402
from propmgmt.billing.models import Bill  # noqa: E402
from propmgmt.billing.models import BillAdjustment  # noqa: E402
from propmgmt.billing.models import FeeItem  # noqa: E402
from propmgmt.billing.models import FeeRate  # noqa: E402
from propmgmt.billing.models import Payment  # noqa: E402
from propmgmt.communities import modes  # noqa: E402
from propmgmt.communities.models import Building  # noqa: E402
from propmgmt.communities.models import Community  # noqa: E402
from propmgmt.communities.models import Dwelling  # noqa: E402
from propmgmt.communities.models import ModeChange  # noqa: E402
from propmgmt.db import db  # noqa: E402
from propmgmt.meetings.models import ActionItem  # noqa: E402
from propmgmt.meetings.models import Meeting  # noqa: E402
from propmgmt.monitoring.inspection_checks import period_of  # noqa: E402
from propmgmt.monitoring.models import Facility  # noqa: E402
from propmgmt.monitoring.models import FacilityCondition  # noqa: E402
from propmgmt.monitoring.models import InspectionFinding  # noqa: E402
from propmgmt.monitoring.models import InspectionPlan  # noqa: E402
from propmgmt.monitoring.models import InspectionTask  # noqa: E402
from propmgmt.surveys.models import Survey  # noqa: E402
from propmgmt.surveys.models import SurveyAnswer  # noqa: E402
from propmgmt.tickets import deadlines  # noqa: E402
from propmgmt.tickets import vocab  # noqa: E402
from propmgmt.tickets.models import Ticket  # noqa: E402
from propmgmt.tickets.models import TicketBreach  # noqa: E402
from propmgmt.tickets.models import TicketEvent  # noqa: E402

SEED = 20261126
CHUNK = 10_000
UTC = dt.timezone.utc
CHINA = dt.timedelta(hours=8)  # Asia/Shanghai: UTC+8, no daylight saving
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
DWELLINGS_PER_BUILDING = 48
SLIDING_EVERY = 10  # community ids 3, 13, 23, ... slide over the last SLIDING_MONTHS months
SLIDING_MONTHS = 4
PAID_SHARE = 0.75

REPAIRS = (("water", 14), ("power", 8), ("gas", 2), ("stairwell", 8), ("roof", 6), ("pipes", 12),
           ("lighting", 10), ("elevator", 6), ("road", 5), ("greenery", 4), ("drainage", 7),
           ("door", 6), ("fire_safety", 4), ("other", 8))
COMPLAINTS = (("service", 20), ("neighbor", 25), ("illegal_construction", 8), ("clutter", 15),
              ("parking", 20), ("organization", 4), ("other", 8))
CHANNELS = (("app", 45), ("web", 8), ("phone", 20), ("walk_in", 10), ("hotline_12345", 12),
            ("inspection", 5))
# Local hour a ticket is reported: few at night, most in the morning and evening.
HOURS = (1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 8, 7, 7, 8, 8, 8, 8, 9, 10, 9, 6, 3, 2)
PLANS = (
    ("Daily security round", "daily", "camera",
     ["Gates locked at night", "Cameras recording", "No strangers loitering", "Patrol log signed"]),
    ("Weekly cleanliness walk", "weekly", "waste_point",
     ["Stairwells swept", "Waste points sorted", "No clutter in corridors", "Greenery tidy",
      "Drains clear"]),
    ("Monthly fire-safety check", "monthly", "fire_safety",
     ["Extinguishers charged", "Fire lanes clear", "Hydrants working", "No flying-lead charging"]),
    ("Quarterly elevator check", "quarterly", "elevator",
     ["Certificate valid", "Emergency phone works", "Doors close safely"]),
)
FACILITY_KINDS = ("pipes", "roof", "exterior_wall", "elevator", "lighting", "road", "drainage",
                  "greenery", "parking", "fire_safety", "camera", "charging_point", "waste_point")
CONDITIONS = ("good", "fair", "poor", "broken")
ORGS = modes.ORG_KINDS


def chooser(pairs):
    """A function rng -> one of the values, drawn with the pairs' weights."""
    values, cum = [v for v, _w in pairs], list(itertools.accumulate(w for _v, w in pairs))
    return lambda rng: rng.choices(values, cum_weights=cum)[0]


pick_repair, pick_complaint, pick_channel = chooser(REPAIRS), chooser(COMPLAINTS), chooser(CHANNELS)
pick_hour = chooser(list(enumerate(HOURS)))


def local(day, hour=0, minute=0, second=0):
    """A Beijing wall-clock moment on `day` as an aware UTC datetime."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC) - CHINA


def month_start(index):
    """The first day of month `index` (year * 12 + month - 1)."""
    return dt.date(index // 12, index % 12 + 1, 1)


def previous_month(today=None):
    """YYYY-MM of the month before today's: the last full month."""
    first = (today or dt.date.today()).replace(day=1) - DAY
    return first.strftime("%Y-%m")


@dataclasses.dataclass
class Place:
    """One generated community: its mode, its dwellings (id, area) and its health per month
    (0..1; lower means more overdue tickets, arrears and missed inspections)."""

    id: int
    mode: str
    health: list
    dwellings: list = dataclasses.field(default_factory=list)
    buildings: list = dataclasses.field(default_factory=list)
    rate_fen: int = 0
    fee_item_id: int = 0


@dataclasses.dataclass
class District:
    rng: random.Random
    months: list        # first days of the months, oldest first
    end: dt.datetime    # the end of the data (the start of the month after the last), UTC
    places: list
    created: dt.datetime

    @property
    def periods(self):
        return [m.strftime("%Y-%m") for m in self.months]

    def month_bounds(self, m):
        first = self.months[m]
        following = month_start(first.year * 12 + first.month)
        return first, following


def _sqlite_datetime(value):
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def sqlite_converters(table, columns):
    """[(position, function)] turning the columns' Python values into what SQLAlchemy stores in
    SQLite: DATETIME and DATE as text, booleans as 0/1."""
    found = []
    for position, name in enumerate(columns):
        kind = table.c[name].type
        kind = kind.impl if isinstance(kind, sa.TypeDecorator) else kind
        if isinstance(kind, sa.DateTime):
            found.append((position, _sqlite_datetime))
        elif isinstance(kind, sa.Date):
            found.append((position, dt.date.isoformat))
        elif isinstance(kind, sa.Boolean):
            found.append((position, int))
    return found


class Sink:
    """Rows buffered per table and written in chunks, parent tables first (the order in which
    tables were first added): COPY on PostgreSQL, the driver's executemany on SQLite (values
    formatted as SQLAlchemy stores them; its per-value processing would cost more than the
    insert)."""

    def __init__(self, echo, chunk=CHUNK):
        self.echo, self.chunk = echo, chunk
        self.dialect = db.engine.dialect.name
        self.buffers, self.counts = {}, {}

    def add(self, model, row):
        rows = self.buffers.setdefault(model.__table__, [])
        rows.append(row)
        if len(rows) >= self.chunk:
            self.flush()

    def insert(self, model, rows):
        """A small table all at once through SQLAlchemy (JSON columns are fine here)."""
        self.flush()
        for start in range(0, len(rows), self.chunk):
            db.session.execute(sa.insert(model.__table__), rows[start:start + self.chunk])
        self._count(model.__table__.name, len(rows))
        db.session.commit()

    def flush(self):
        write = {"postgresql": self._copy, "sqlite": self._executemany}.get(self.dialect,
                                                                           self._insert)
        for table, rows in self.buffers.items():
            if rows:
                write(table, rows)
                self._count(table.name, len(rows))
                rows.clear()
        db.session.commit()

    def _count(self, name, n):
        self.counts[name] = self.counts.get(name, 0) + n

    @staticmethod
    def _driver():
        return db.session.connection().connection.driver_connection

    @staticmethod
    def _insert(table, rows):
        db.session.execute(sa.insert(table), rows)

    def _copy(self, table, rows):
        columns = list(rows[0])
        with self._driver().cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def _executemany(self, table, rows):
        columns = list(rows[0])
        sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        get, convert = operator.itemgetter(*columns), sqlite_converters(table, columns)
        values = []
        for row in rows:
            value = list(get(row))
            for position, function in convert:
                if value[position] is not None:
                    value[position] = function(value[position])
            values.append(value)
        self._driver().executemany(sql, values)

    def phase(self, name, fn, *args):
        """Run one generator step and report the rows it added per table and its seconds."""
        before, started = dict(self.counts), time.perf_counter()
        fn(*args)
        self.flush()
        added = {t: n - before.get(t, 0) for t, n in self.counts.items() if n != before.get(t, 0)}
        self.echo(f"  {name:<12}{time.perf_counter() - started:7.1f} s  "
                  + ", ".join(f"{t} {n:,}" for t, n in added.items()))


# --- communities, dwellings, fees ------------------------------------------------------------

def _health(rng, cid, months):
    base = rng.uniform(0.6, 0.97)
    found = []
    for m in range(months):
        value = base + rng.uniform(-0.03, 0.03)
        if cid % SLIDING_EVERY == 3:
            value -= 0.12 * max(0, m - (months - 1 - SLIDING_MONTHS))
        found.append(min(1.0, max(0.05, value)))
    return found


def add_communities(d, sink):
    names = [{"id": p.id, "name": f"Bench community {p.id:03d}", "district": "Bench district",
              "address": f"{p.id} Bench Road", "timezone": "Asia/Shanghai", "created_at": d.created}
             for p in d.places]
    sink.insert(Community, names)
    sink.insert(ModeChange, [
        {"id": p.id, "community_id": p.id, "mode": p.mode, "effective_from": dt.date(2020, 1, 1),
         "reason": "Bench district", "decided_by": "Street office", "created_at": d.created}
        for p in d.places])


def add_dwellings(d, sink, total):
    per, extra = divmod(total, len(d.places))
    dwelling_id = building_id = 0
    for p in d.places:
        count = per + (1 if p.id <= extra else 0)
        for n in range(count):
            if n % DWELLINGS_PER_BUILDING == 0:
                building_id += 1
                p.buildings.append(building_id)
                sink.add(Building, {"id": building_id, "community_id": p.id,
                                    "name": str(len(p.buildings)), "floors": 6,
                                    "created_at": d.created})
            dwelling_id += 1
            area = d.rng.randint(3800, 14500)
            slot = n % DWELLINGS_PER_BUILDING
            occupancy = d.rng.choices(("occupied", "vacant", "undelivered"), (90, 8, 2))[0]
            p.dwellings.append((dwelling_id, area))
            sink.add(Dwelling, {"id": dwelling_id, "community_id": p.id, "building_id": building_id,
                                "number": f"{slot // 8 + 1}{slot % 8 + 1:02d}", "area_x100": area,
                                "area_source": "register", "occupancy_status": occupancy,
                                "created_at": d.created})


def add_fees(d, sink):
    for p in d.places:
        p.fee_item_id, p.rate_fen = p.id, d.rng.choice((45, 60, 80, 95, 120, 150))
    sink.insert(FeeItem, [
        {"id": p.id, "community_id": p.id, "name": "Property service fee", "kind": "service",
         "basis": "per_m2", "cycle": "monthly", "price_form": "market", "legal_basis": "",
         "is_active": True, "created_at": d.created} for p in d.places])
    sink.insert(FeeRate, [
        {"id": p.id, "community_id": p.id, "fee_item_id": p.id, "rate_fen": p.rate_fen,
         "effective_from": dt.date(2020, 1, 1), "announced_on": dt.date(2019, 12, 1),
         "created_at": d.created} for p in d.places])


# --- bills, payments, allocations -----------------------------------------------------------

class Ids:
    """Sequential ids per table."""

    def __init__(self):
        self.last = {}

    def next(self, name):
        self.last[name] = self.last.get(name, 0) + 1
        return self.last[name]


def _paid_share(d, p, m):
    """The share of a month's bills paid by the end of the data: later months less so."""
    recent = len(d.months) - 1 - m
    lag = 0.18 if recent == 0 else 0.08 if recent == 1 else 0.0
    return min(0.99, max(0.1, PAID_SHARE + 0.35 * (p.health[m] - 0.8) - lag + 0.06))


def _adjust(d, sink, ids, bill):
    """A few waivers and voided bills; returns False for a voided one (never paid)."""
    roll = d.rng.random()
    if roll >= 0.0035:
        return True
    void = roll < 0.0005
    amount = -bill["amount_fen"] if void else -(bill["amount_fen"] // 5)
    sink.add(BillAdjustment, {"id": ids.next("adjustment"), "community_id": bill["community_id"],
                              "bill_id": bill["id"], "amount_fen": amount, "is_void": void,
                              "reason": "Billed in error" if void else "Hardship waiver",
                              "created_at": local(bill["due_on"], 10)})
    return not void


def _pay(d, sink, ids, bill):
    """A payment for the bill (sometimes part of it) and its allocation."""
    amount = bill["amount_fen"] if d.rng.random() > 0.03 else max(1, bill["amount_fen"] // 2)
    at = min(local(bill["due_on"], 9) + d.rng.uniform(-12, 40) * DAY, d.end - DAY)
    method = d.rng.choices(("online", "cash", "bank_transfer"), (60, 25, 15))[0]
    payment_id = ids.next("payment")
    sink.add(Payment, {"id": payment_id, "community_id": bill["community_id"],
                       "dwelling_id": bill["dwelling_id"],
                       "bill_id": bill["id"] if method == "online" else None, "method": method,
                       "amount_fen": amount, "currency": "CNY", "status": "succeeded",
                       "created_at": at, "received_at": at})
    sink.add(Allocation, {"id": ids.next("allocation"), "community_id": bill["community_id"],
                          "payment_id": payment_id, "bill_id": bill["id"], "amount_fen": amount,
                          "created_at": at})


def add_bills(d, sink):
    """The rows the billing run writes: rate x area x 1 month, half-up to the fen, due the 15th."""
    ids = Ids()
    for m, (first, period) in enumerate(zip(d.months, d.periods, strict=True)):
        due_on, created = first.replace(day=15), local(first, 2)
        for p in d.places:
            share = _paid_share(d, p, m)
            for dwelling_id, area in p.dwellings:
                bill = {"id": ids.next("bill"), "community_id": p.id, "dwelling_id": dwelling_id,
                        "fee_item_id": p.fee_item_id, "period": period, "months": 1,
                        "rate_fen": p.rate_fen, "area_x100": area,
                        "amount_fen": (p.rate_fen * area * 100 + 5000) // 10000,
                        "due_on": due_on, "bill_to": "occupant", "created_at": created}
                sink.add(Bill, bill)
                if _adjust(d, sink, ids, bill) and d.rng.random() < share:
                    _pay(d, sink, ids, bill)


# --- tickets ------------------------------------------------------------------------------

@dataclasses.dataclass
class Life:
    """A ticket's moments as of the end of the data (None: not happened yet)."""

    created: dt.datetime
    response_due: dt.datetime
    resolution_due: dt.datetime
    responded: dt.datetime | None = None
    resolved: dt.datetime | None = None
    closed: dt.datetime | None = None
    reopened: dt.datetime | None = None
    first_resolved: dt.datetime | None = None  # before a reopening
    rated: dt.datetime | None = None
    rating: int | None = None


def _ticket_counts(d, total):
    """{(place index, month): tickets}, summing to `total`, more where health is lower."""
    weights = {(i, m): len(p.dwellings) * (1.6 - p.health[m])
               for i, p in enumerate(d.places) for m in range(len(d.months))}
    whole = sum(weights.values())
    counts = {key: int(total * w / whole) for key, w in weights.items()}
    for key in itertools.islice(itertools.cycle(sorted(counts)), total - sum(counts.values())):
        counts[key] += 1
    return counts


def _moment(d, m):
    """A local reporting moment in month m (more by day than by night), as UTC."""
    first, following = d.month_bounds(m)
    day = first + d.rng.randrange((following - first).days) * DAY
    hour = pick_hour(d.rng)
    return local(day, hour, d.rng.randrange(60), d.rng.randrange(60))



def _within(rng, start, minutes, on_time, late_factor=3.0):
    """A moment after `start`: within `minutes` when on time, else up to late_factor times it."""
    low, high = (0.05, 0.95) if on_time else (1.05, late_factor)
    return start + rng.uniform(low, high) * minutes * MINUTE


def _life(d, h, created, limits):
    rng, (response_min, resolution_min) = d.rng, limits
    life = Life(created, created + response_min * MINUTE, created + resolution_min * MINUTE)
    life.responded = _within(rng, created, response_min, rng.random() < 0.70 + 0.28 * h)
    if rng.random() > 0.02 + 0.06 * (1 - h):  # most tickets get resolved
        resolved = _within(rng, created, resolution_min, rng.random() < 0.55 + 0.43 * h, 4.0)
        life.resolved = max(resolved, life.responded + MINUTE)
    if life.resolved and rng.random() < 0.02 + 0.08 * (1 - h):
        life.first_resolved = life.resolved
        life.reopened = life.resolved + rng.uniform(0.5, 4) * DAY
        life.resolved = life.reopened + rng.uniform(0.2, 4) * DAY
    if life.resolved:
        life.closed = life.resolved + rng.uniform(0.3, 4) * DAY
    if life.closed and rng.random() < 0.45:
        life.rated = life.closed + rng.uniform(0, 1.5) * DAY
        life.rating = rng.choice((4, 5)) if rng.random() < 0.45 + 0.5 * h else rng.choice((1, 2, 3))
    return _as_of(life, d.end)


def _as_of(life, end):
    """Forget what happens after the end of the data."""
    for name in ("responded", "reopened", "resolved", "closed", "rated"):
        if getattr(life, name) is not None and getattr(life, name) >= end:
            setattr(life, name, None)
    if life.reopened is None and life.first_resolved is not None and life.first_resolved < end:
        life.resolved = life.first_resolved  # reopened only after the end: resolved as of now
    if life.responded is None:
        life.resolved = life.reopened = None
    if life.resolved is None:
        life.closed = None
    if life.closed is None or life.rated is None:
        life.rated = life.rating = None
    return life


def _status(rng, life):
    if life.closed:
        return vocab.CLOSED
    if life.resolved:
        return vocab.RESOLVED
    if life.reopened:
        return vocab.REOPENED
    if life.responded is None:
        return vocab.SUBMITTED
    return rng.choice((vocab.ACCEPTED, vocab.ASSIGNED, vocab.IN_PROGRESS))


def _breaches(life, end):
    """(deadline, due, at) of each missed deadline, as the escalation job records them."""
    found = []
    for deadline, due, done in (("response", life.response_due, life.responded),
                                ("resolution", life.resolution_due, life.resolved)):
        at = due + 5 * MINUTE
        if at < end and (done is None or done > due):
            found.append((deadline, due, at))
    return found


def _ticket_row(d, p, m, ticket_id):
    rng = d.rng
    kind = vocab.COMPLAINT if rng.random() < 0.3 else vocab.REPAIR
    category = (pick_complaint if kind == vocab.COMPLAINT else pick_repair)(rng)
    priority = vocab.URGENT if rng.random() < 0.1 else vocab.NORMAL
    life = _life(d, p.health[m], _moment(d, m), deadlines.default_for(kind, category, priority))
    dwelling = rng.choice(p.dwellings)[0] if rng.random() < 0.85 else None
    row = {"id": ticket_id, "community_id": p.id, "kind": kind, "category": category,
           "priority": priority, "title": f"{category.replace('_', ' ').capitalize()}",
           "description": "", "dwelling_id": dwelling,
           "location": None if dwelling else "Courtyard",
           "channel": pick_channel(rng), "mode": p.mode,
           "status": _status(rng, life), "handler_kind": modes.FIRST_HANDLER[p.mode],
           "escalations": 0, "reopen_count": 1 if life.reopened else 0,
           "response_due_at": life.response_due, "resolution_due_at": life.resolution_due,
           "responded_at": life.responded, "resolved_at": life.resolved,
           "closed_at": life.closed, "rating": life.rating, "rated_at": life.rated,
           "created_at": life.created, "version": 1}
    moments = [t for t in (life.created, life.responded, life.resolved, life.closed, life.rated)
               if t is not None]
    row["updated_at"] = max(moments)
    return row, life


def _event(ids, row, at, action, from_status, to_status, handler):
    return {"id": ids.next("event"), "community_id": row["community_id"], "ticket_id": row["id"],
            "at": at, "action": action, "from_status": from_status, "to_status": to_status,
            "handler_kind": handler}


def _escalate(sink, ids, row, life, end):
    """Breach rows (and their events) for the missed deadlines; the handler moves up the path."""
    path = modes.ESCALATION_PATH[row["mode"]]
    for deadline, due, at in _breaches(life, end):
        step = min(row["escalations"] + 1, len(path) - 1)
        sink.add(TicketBreach, {"id": ids.next("breach"), "community_id": row["community_id"],
                                "ticket_id": row["id"], "deadline": deadline, "due_at": due,
                                "from_handler": row["handler_kind"], "to_handler": path[step],
                                "at": at})
        sink.add(TicketEvent, _event(ids, row, at, "overdue_escalation", None, None, path[step]))
        row["handler_kind"], row["escalations"] = path[step], row["escalations"] + 1


def add_tickets(d, sink, total):
    ids = Ids()
    for (i, m), count in sorted(_ticket_counts(d, total).items(), key=lambda kv: (kv[0][1],
                                                                                   kv[0][0])):
        p = d.places[i]
        for _n in range(count):
            row, life = _ticket_row(d, p, m, ids.next("ticket"))
            sink.add(Ticket, row)
            sink.add(TicketEvent, _event(ids, row, life.created, "submit", None, vocab.SUBMITTED,
                                         row["handler_kind"]))
            if life.reopened:
                sink.add(TicketEvent, _event(ids, row, life.reopened, "reopen", vocab.RESOLVED,
                                             vocab.REOPENED, row["handler_kind"]))
            _escalate(sink, ids, row, life, d.end)


# --- inspections, facilities, meetings, surveys ---------------------------------------------

def _due_dates(frequency, first, last):
    """(period start, due on) of every period of `frequency` due within [first, last]."""
    found, day = [], first
    while day <= last:
        start, due = period_of(frequency, day)
        if first <= due <= last:
            found.append((start, due))
        day = due + DAY
    return found


def _findings(d, p, task_id, checklist, h):
    """The task's answers, and whether any item failed."""
    rows = []
    for position, item in enumerate(checklist):
        roll = d.rng.random()
        result = "na" if roll < 0.03 else "fail" if roll < 0.03 + 0.25 * (1 - h) else "pass"
        rows.append({"id": None, "community_id": p.id, "task_id": task_id, "position": position,
                     "item": item, "result": result, "note": "Fix" if result == "fail" else ""})
    return rows, any(r["result"] == "fail" for r in rows)


def _month_of(d, day):
    return min(len(d.months) - 1, max(0, (day.year - d.months[0].year) * 12
                                      + day.month - d.months[0].month))


def add_inspections(d, sink):
    ids, first, last = Ids(), d.months[0], (d.end + CHINA).date() - DAY
    plans = []
    for p in d.places:
        for name, frequency, kind, checklist in PLANS:
            plans.append({"id": ids.next("plan"), "community_id": p.id, "name": name,
                          "frequency": frequency, "facility_kind": kind, "checklist": checklist,
                          "starts_on": first, "active": True, "created_at": d.created})
    sink.insert(InspectionPlan, plans)
    places = {p.id: p for p in d.places}
    for plan in plans:
        p = places[plan["community_id"]]
        for start, due in _due_dates(plan["frequency"], first, last):
            h = p.health[_month_of(d, due)]
            done = d.rng.random() < 0.80 + 0.2 * h
            task = {"id": ids.next("task"), "community_id": p.id, "plan_id": plan["id"],
                    "period_start": start, "due_on": due, "status": "done" if done else "missed",
                    "result": None, "submitted_at": None, "submission_key": None, "note": "",
                    "created_at": local(start, 0, 5)}
            if done:
                task["submitted_at"] = local(due, d.rng.randrange(8, 18), d.rng.randrange(60))
                task["submission_key"] = f"bench-{task['id']}"
                found, failed = _findings(d, p, task["id"], plan["checklist"], h)
                task["result"] = "fail" if failed else "pass"
            sink.add(InspectionTask, task)
            for finding in found if done else ():
                finding["id"] = ids.next("finding")
                sink.add(InspectionFinding, finding)


def add_facilities(d, sink):
    ids = Ids()
    for p in d.places:
        for n in range(d.rng.randint(15, 25)):
            kind = FACILITY_KINDS[n % len(FACILITY_KINDS)]
            facility_id, condition = ids.next("facility"), "good"
            history = []
            for _k in range(d.rng.randint(1, 4)):
                at = local(d.months[0], 10) + d.rng.uniform(0, (d.end - local(d.months[0])).days) * DAY
                condition = d.rng.choices(CONDITIONS, (70 * p.health[-1], 20, 7, 3))[0]
                history.append((at, condition))
            history.sort()
            sink.add(Facility, {
                "id": facility_id, "community_id": p.id, "kind": kind, "name": f"{kind} {n + 1}",
                "location": "", "building_id": d.rng.choice(p.buildings),
                "installed_on": dt.date(2019, 10, 1), "inspection_interval_days": 30,
                "condition": history[-1][1], "condition_at": history[-1][0],
                "retired_on": dt.date(2024, 12, 31) if d.rng.random() < 0.03 else None,
                "created_at": local(dt.date(2019, 10, 1), 9)})
            for at, condition in history:
                sink.add(FacilityCondition, {"id": ids.next("condition"), "community_id": p.id,
                                             "facility_id": facility_id, "condition": condition,
                                             "note": "", "source": "inspection", "recorded_at": at})


def add_meetings(d, sink):
    ids = Ids()
    for p in d.places:
        for m, first in enumerate(d.months):
            at = local(first.replace(day=d.rng.randint(5, 25)), 15)
            held = d.rng.random() < 0.6 + 0.4 * p.health[m]
            meeting_id = ids.next("meeting")
            sink.add(Meeting, {"id": meeting_id, "community_id": p.id, "kind": "regular",
                               "title": f"Joint meeting {first:%Y-%m}", "scheduled_at": at,
                               "place": "Community hall", "agenda": "", "minutes": "",
                               "status": "held" if held else "cancelled",
                               "held_at": at if held else None, "created_at": at - 7 * DAY})
            if held:
                _action_items(d, sink, ids, p, meeting_id, at, p.health[m])


def _action_items(d, sink, ids, p, meeting_id, at, h):
    today = (d.end + CHINA).date()
    for n in range(d.rng.randint(2, 4)):
        due = (at + CHINA).date() + d.rng.randint(14, 45) * DAY
        closed = due + d.rng.randint(-10, 20) * DAY if d.rng.random() < 0.5 + 0.45 * h else None
        closed = closed if closed is None or closed < today else None
        sink.add(ActionItem, {"id": ids.next("item"), "community_id": p.id,
                              "meeting_id": meeting_id, "title": f"Follow-up {n + 1}",
                              "owner_org": ORGS[n % len(ORGS)], "due_on": due,
                              "status": "done" if closed else "open", "closed_on": closed,
                              "version": 1, "created_at": at})


def add_surveys(d, sink):
    ids = Ids()
    quarters = sorted({(m.year, (m.month - 1) // 3) for m in d.months})
    for p in d.places:
        for year, quarter in quarters:
            opens = local(dt.date(year, quarter * 3 + 1, 1))
            m = _month_of(d, dt.date(year, quarter * 3 + 1, 1))
            survey_id = ids.next("survey")
            sink.add(Survey, {"id": survey_id, "community_id": p.id,
                              "title": f"Satisfaction {year}-Q{quarter + 1}",
                              "period": f"{year}-Q{quarter + 1}", "opens_at": opens,
                              "closes_at": opens + 80 * DAY, "created_at": opens})
            for dwelling_id, _area in d.rng.sample(p.dwellings, len(p.dwellings) // 8):
                scores = {k: min(5, max(1, round(d.rng.gauss(1.5 + 3.3 * p.health[m], 0.8))))
                          for k in ("cleaning", "security", "greenery", "repairs", "parking",
                                    "overall")}
                sink.add(SurveyAnswer, {"id": ids.next("answer"), "community_id": p.id,
                                        "survey_id": survey_id, "dwelling_id": dwelling_id,
                                        "comment": "", "created_at": opens + 3 * DAY, **scores})


# --- the whole district -----------------------------------------------------------------------

def rebuild_schema():
    """An empty schema at the newest migration (PostgreSQL: the public schema is recreated)."""
    from flask_migrate import upgrade  # noqa: PLC0415

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade()


def finish(counts):
    """PostgreSQL: move the id sequences past the loaded ids and gather statistics (what
    autovacuum would do after a load like this one)."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in counts:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def plan(communities=100, months=12, last=None, seed=SEED):
    """The district's shape (communities, modes, health per month) before any row is written."""
    rng = random.Random(seed)
    year, month = (int(x) for x in (last or previous_month()).split("-"))
    index = year * 12 + month - 1
    firsts = [month_start(index - back) for back in range(months - 1, -1, -1)]
    places = [Place(id=c, mode=modes.ALL[(c - 1) % len(modes.ALL)],
                    health=_health(rng, c, months)) for c in range(1, communities + 1)]
    return District(rng=rng, months=firsts, end=local(month_start(index + 1)), places=places,
                    created=local(firsts[0]) - 400 * DAY)


def build(app, communities=100, dwellings=100_000, tickets=1_000_000, months=12, echo=print,
          last=None, seed=SEED):
    """Rebuild the app's database and load the district; returns ({table: rows}, District)."""
    started = time.perf_counter()
    d = plan(communities, months, last, seed)
    with app.app_context():
        rebuild_schema()
        sink = Sink(echo)
        echo(f"generating {communities} communities, {dwellings:,} dwellings, {tickets:,} tickets, "
             f"{months} months ending {d.periods[-1]} ({db.engine.dialect.name})")
        sink.phase("communities", add_communities, d, sink)
        sink.phase("dwellings", add_dwellings, d, sink, dwellings)
        sink.phase("fees", add_fees, d, sink)
        sink.phase("bills", add_bills, d, sink)
        sink.phase("tickets", add_tickets, d, sink, tickets)
        sink.phase("facilities", add_facilities, d, sink)
        sink.phase("inspections", add_inspections, d, sink)
        sink.phase("meetings", add_meetings, d, sink)
        sink.phase("surveys", add_surveys, d, sink)
        finish(sink.counts)
        db.session.remove()
    echo(f"  built in {time.perf_counter() - started:.1f} s")
    return sink.counts, d
