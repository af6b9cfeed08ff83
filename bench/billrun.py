"""The billing run at district scale against the fastest raw intake of the same rows.

For one month after the district's data (no bills yet), into the `bill` table that already holds
the district's 12 months (same constraints and indexes as the app's), each repeat, in turn:

- raw INSERT ... SELECT: one hand-written statement computing the same rows from dwelling x
  fee item x rate (no ON CONFLICT, no plan, no audit);
- raw bulk: the same rows, computed before the clock starts, through COPY (PostgreSQL) or the
  driver's executemany (SQLite): the database's own intake rate for these rows;
- billing run (first): `propmgmt.billing.run.run_billing(period=...)`, the service the app's
  `flask billing run` and the staff page call (checks, INSERT ... SELECT ... ON CONFLICT DO
  NOTHING, audit record, prepaid credits);
- billing run (again): the same call; must create nothing.

The bills of the month are deleted between steps (not timed). The limit is the faster of the two
raw ways; every step is checked to write the same number of rows with the same total amount.
Then a dwelling is added and one more run must bill exactly it. `memory()` runs one first billing
run in a fresh child process and reports its peak RSS (`python bench/billrun.py --memory`).
"""
import argparse
import contextlib
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import district  # noqa: E402

from propmgmt.billing import periods  # noqa: E402
from propmgmt.billing import run as billing  # noqa: E402
from propmgmt.billing.models import Bill  # noqa: E402
from propmgmt.communities.models import Dwelling  # noqa: E402
from propmgmt.db import UTCDateTime  # noqa: E402
from propmgmt.db import db  # noqa: E402
from propmgmt.db import utcnow  # noqa: E402

RAW = """INSERT INTO bill (community_id, dwelling_id, fee_item_id, period, months, rate_fen,
    area_x100, amount_fen, due_on, bill_to, created_at)
SELECT d.community_id, d.id, f.id, :period, 1, r.rate_fen, d.area_x100,
       (r.rate_fen * d.area_x100 + 50) / 100, :due, 'occupant', :now
FROM dwelling d JOIN fee_item f ON f.community_id = d.community_id
JOIN fee_rate r ON r.fee_item_id = f.id"""


def next_period(last):
    year, month = (int(x) for x in last.split("-"))
    return periods.label(year + month // 12, month % 12 + 1)


def clear(period):
    """Delete the month's bills (not timed). They were written a moment ago by the bench and have
    no payments, allocations or adjustments, so the foreign-key checks a delete triggers are
    skipped: `payment.bill_id` and `allocation.bill_id` have no index of their own (the app never
    deletes bills, it voids them), so each deleted bill would cost a scan of both tables, hours
    for 100,000 bills. SQLite: a plain sqlite3 connection (foreign keys are off unless a
    connection turns them on, as the app's does); PostgreSQL: `session_replication_role =
    replica` for this transaction only (the bench connects as the superuser)."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        with contextlib.closing(sqlite3.connect(db.engine.url.database, timeout=60)) as conn:
            conn.execute("DELETE FROM bill WHERE period = ?", (period,))
            conn.commit()
        return
    db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    db.session.execute(sa.delete(Bill).where(Bill.period == period))
    db.session.commit()


def billed(period):
    """(rows, total amount) of the month: every step must write the same."""
    rows, total = db.session.execute(sa.select(sa.func.count(), sa.func.sum(Bill.amount_fen))
                                     .where(Bill.period == period)).one()
    return rows, int(total or 0)


def raw_select(period):
    stmt = sa.text(RAW).bindparams(sa.bindparam("now", type_=UTCDateTime()))
    db.session.execute(stmt, {"period": period, "due": periods.due_on(period, 15), "now": utcnow()})
    db.session.commit()


def prepared_rows(period):
    """The month's rows as the billing run would write them (its own SELECT), ready for the
    driver: a list of tuples in billing.COLUMNS order, converted as SQLAlchemy stores them."""
    rows = [list(r) for r in db.session.execute(billing.candidates(period))]
    if db.engine.dialect.name == "sqlite":
        for position, convert in district.sqlite_converters(Bill.__table__, billing.COLUMNS):
            for row in rows:
                if row[position] is not None:
                    row[position] = convert(row[position])
    return rows


def raw_bulk(rows):
    """COPY on PostgreSQL, executemany on SQLite: the driver's fastest way in."""
    driver = db.session.connection().connection.driver_connection
    columns = ", ".join(billing.COLUMNS)
    if db.engine.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY bill ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        driver.executemany(f"INSERT INTO bill ({columns}) VALUES "
                           f"({', '.join('?' * len(billing.COLUMNS))})", rows)
    db.session.commit()


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(period, repeat, echo=print):
    """Timings (lists of seconds) of every step; run inside an app context."""
    dwellings = db.session.scalar(sa.select(sa.func.count()).select_from(Dwelling))
    clear(period)
    rows = prepared_rows(period)
    found = {"select": [], "bulk": [], "first": [], "again": []}
    expected = None
    for _ in range(repeat):
        for name, fn in (("select", lambda: raw_select(period)), ("bulk", lambda: raw_bulk(rows)),
                         ("first", lambda: billing.run_billing(period=period))):
            clear(period)
            db.session.remove()
            seconds, result = timed(fn)
            found[name].append(seconds)
            got = billed(period)
            expected = expected or got
            if got != expected or (name == "first" and result.created != got[0]):
                raise RuntimeError(f"{name} wrote {got}, expected {expected}")
        db.session.remove()
        seconds, result = timed(lambda: billing.run_billing(period=period))
        if result.created != 0:
            raise RuntimeError(f"the repeated run created {result.created}")
        found["again"].append(seconds)
    # A dwelling added since the first run is billed by the next one (and only it).
    building = db.session.scalar(sa.select(Dwelling.building_id).where(Dwelling.community_id == 1)
                                 .limit(1))
    new = Dwelling(community_id=1, building_id=building, number="bench-new", area_x100=5000,
                   occupancy_status="occupied")
    db.session.add(new)
    db.session.commit()
    added = billing.run_billing(period=period).created
    db.session.execute(sa.delete(Bill).where(Bill.dwelling_id == new.id))
    db.session.delete(new)
    db.session.commit()
    if added != 1:
        raise RuntimeError(f"a new dwelling: the run created {added} bills, not 1")
    med = {k: statistics.median(v) for k, v in found.items()}
    limit = min(("select", "bulk"), key=lambda k: med[k])
    echo(f"  billing: raw select {med['select']:.3f} s, raw bulk {med['bulk']:.3f} s, "
         f"run {med['first']:.3f} s, again {med['again']:.3f} s")
    return {"period": period, "dwellings": dwellings, "rows": expected[0],
            "seconds": {k: [round(s, 4) for s in v] for k, v in found.items()},
            "median_s": {k: round(v, 4) for k, v in med.items()}, "limit": limit,
            "rate_ratio": round(med[limit] / med["first"], 2),
            "again_ratio": round(med["again"] / med["first"], 3), "new_dwelling_billed": added}


def memory(database_url, period):
    """Peak RSS of one first billing run of `period` in a fresh process (its bills are cleared
    before and kept after)."""
    clear(period)
    done = subprocess.run([sys.executable, __file__, "--memory", period],
                          env={**os.environ, "DATABASE_URL": database_url}, capture_output=True,
                          text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _vm(name):
    """VmHWM (peak) or VmRSS of this process in MB. Not getrusage's ru_maxrss: Linux carries it
    over from the parent across fork and exec, so a child would report the bench's own peak."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{name}:\s+(\d+)", status).group(1)) / 1024


def _child(period):
    from propmgmt import create_app  # noqa: PLC0415

    app = create_app({"SECRET_KEY": "bench"})
    with app.app_context():
        db.session.execute(sa.select(1))
        before = _vm("VmRSS")
        seconds, result = timed(lambda: billing.run_billing(period=period))
    peak = _vm("VmHWM")
    print(json.dumps({"created": result.created, "seconds": round(seconds, 3),
                      "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1)}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="one billing run, for its peak memory")
    parser.add_argument("--memory", metavar="PERIOD", required=True)
    _child(parser.parse_args().memory)
