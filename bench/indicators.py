"""Monthly indicator run against hand-written aggregates of the same rows (issue 6; issue 8: <= 2x).

    .venv/bin/python bench/indicators.py [--communities 100] [--dwellings 100000]
        [--tickets 1000000] [--months 12] [--repeat 3] [--explain] [--keep]

Uses DATABASE_URL when set (e.g. postgresql://postgres@127.0.0.1:5432/bench; its schema is
rebuilt), else a temporary SQLite file. Builds the district once (bench/district.py), stores the
indicators of every earlier month once (the dashboard's history), then measures for the last full
month of the data, median of --repeat:

- run: `propmgmt.monitoring.indicators.run(period)` (every count, the upsert, the alerts);
- raw: the same counts as the fewest hand-written SQL aggregates over the same rows;
- each source statement of the run (queries.SOURCES) on its own;
- dashboard: the communities, their open alerts and `dashboard.summaries` for the month (it reads
  the stored rows only).

Checks that the stored counts equal the raw ones, prints peak RSS, writes the figures under the
database's name in bench/results-indicators.json (other sizes under a longer key), and with
--explain writes every statement of the run with its plan and time (EXPLAIN ANALYZE / EXPLAIN
QUERY PLAN) to bench/explain-<db>.txt.
Bounded: fixed sizes and repeats, it stops by itself.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import district  # noqa: E402

from propmgmt import create_app  # noqa: E402
from propmgmt.communities.models import Community  # noqa: E402
from propmgmt.db import UTCDateTime  # noqa: E402
from propmgmt.db import db  # noqa: E402
from propmgmt.db import utcnow  # noqa: E402
from propmgmt.monitoring import dashboard  # noqa: E402
from propmgmt.monitoring import indicators  # noqa: E402
from propmgmt.monitoring import queries  # noqa: E402
from propmgmt.monitoring.models import Alert  # noqa: E402
from propmgmt.monitoring.models import CommunityIndicators  # noqa: E402
from propmgmt.tickets import vocab  # noqa: E402

HERE = Path(__file__).resolve().parent
HOTLINE = "hotline_12345"  # the channel the app writes for the 12345 hotline (tickets/vocab.py)


def _in(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _window_sql(column):
    return f"{column} >= :start AND {column} < :end"


def _count(condition):
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


OPENED, RESPONSE_DUE = _window_sql("created_at"), _window_sql("response_due_at")
RESOLUTION_DUE, RESOLVED, RATED = (_window_sql("resolution_due_at"), _window_sql("resolved_at"),
                                   _window_sql("rated_at"))
OVERDUE = f"status IN {_in(vocab.OPEN_STATUSES)} AND resolution_due_at < :as_of"
# The hand-written aggregates: one statement per table (two UNION ALLs of small ones).
RAW = {
    "tickets": (
        ["tickets_opened", "complaints_opened", "hotline_opened", "backsliding_events",
         "response_due", "responded_on_time", "resolution_due", "resolved_on_time", "resolved",
         "rated", "rated_good", "rating_sum", "overdue_open"],
        f"""SELECT community_id, {_count(OPENED)}, {_count(f"{OPENED} AND kind = 'complaint'")},
          {_count(f"{OPENED} AND channel = :hotline")},
          {_count(f"{OPENED} AND category IN {_in(queries.BACKSLIDING_CATEGORIES)}")},
          {_count(RESPONSE_DUE)}, {_count(f"{RESPONSE_DUE} AND responded_at <= response_due_at")},
          {_count(RESOLUTION_DUE)},
          {_count(f"{RESOLUTION_DUE} AND resolved_at <= resolution_due_at")},
          {_count(RESOLVED)}, {_count(RATED)}, {_count(f"{RATED} AND rating >= 4")},
          SUM(CASE WHEN {RATED} THEN rating ELSE 0 END),
          {_count(f"created_at < :as_of AND {OVERDUE}")}
        FROM ticket
        WHERE {OPENED} OR {RESPONSE_DUE} OR {RESOLUTION_DUE} OR {RESOLVED} OR {RATED} OR ({OVERDUE})
        GROUP BY community_id"""),
    "events": (
        None,
        f"""SELECT community_id, 'reopened', COUNT(*) FROM ticket_event
            WHERE action = 'reopen' AND {_window_sql("at")} GROUP BY community_id
        UNION ALL
        SELECT community_id, 'escalated', COUNT(*) FROM ticket_breach
            WHERE {_window_sql("at")} GROUP BY community_id"""),
    "bills": (
        ["billed_fen", "paid_fen", "billed_dwellings", "paid_dwellings"],
        """SELECT community_id, SUM(due), SUM(paid), COUNT(*), SUM(settled) FROM (
            SELECT community_id, dwelling_id, SUM(due) AS due, SUM(paid) AS paid,
                   MIN(CASE WHEN paid >= due THEN 1 ELSE 0 END) AS settled
            FROM (
                SELECT b.community_id, b.dwelling_id,
                       b.amount_fen + COALESCE(MAX(j.amount), 0) AS due,
                       COALESCE(SUM(a.amount_fen), 0) AS paid
                FROM bill b
                LEFT JOIN allocation a ON a.community_id = b.community_id AND a.bill_id = b.id
                LEFT JOIN (SELECT bill_id, SUM(amount_fen) AS amount,
                                  MAX(CASE WHEN is_void THEN 1 ELSE 0 END) AS void
                           FROM bill_adjustment GROUP BY bill_id) j ON j.bill_id = b.id
                WHERE b.community_id IN (SELECT id FROM community) AND b.period = :period
                  AND COALESCE(j.void, 0) = 0
                GROUP BY b.id, b.community_id, b.dwelling_id, b.amount_fen) lines
            GROUP BY community_id, dwelling_id) dwellings
        GROUP BY community_id"""),
    "dwellings": (["dwellings"], "SELECT community_id, COUNT(*) FROM dwelling GROUP BY community_id"),
    "tasks": (
        ["inspections_due", "inspections_done_on_time", "inspections_missed"],
        f"""SELECT community_id, COUNT(*), {_count("status = 'done'")}, {_count("status = 'missed'")}
        FROM inspection_task WHERE due_on >= :start_date AND due_on < :end_date
        GROUP BY community_id"""),
    "findings": (
        ["findings_checked", "findings_passed", "backsliding_events"],
        f"""SELECT f.community_id, {_count("f.result <> 'na'")}, {_count("f.result = 'pass'")},
               {_count("f.result = 'fail'")}
        FROM inspection_finding f JOIN inspection_task t ON t.id = f.task_id
        WHERE t.submitted_at >= :start AND t.submitted_at < :end GROUP BY f.community_id"""),
    "surveys": (
        ["survey_answers", "survey_score_sum"],
        """SELECT a.community_id, COUNT(*), SUM(a.overall)
        FROM survey_answer a JOIN survey s ON s.id = a.survey_id
        WHERE s.period IN (:period, :quarter) GROUP BY a.community_id"""),
    "facilities": (
        ["facilities", "facilities_good"],
        """SELECT f.community_id, COUNT(*), SUM(CASE WHEN COALESCE(
              (SELECT c.condition FROM facility_condition c
               WHERE c.facility_id = f.id AND c.recorded_at < :as_of
               ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1), f.condition) = 'good'
            THEN 1 ELSE 0 END)
        FROM facility f
        WHERE f.created_at < :as_of AND (f.retired_on IS NULL OR f.retired_on >= :end_date)
        GROUP BY f.community_id"""),
    "governance": (
        None,
        f"""SELECT community_id, 'meetings_held', COUNT(*) FROM meeting
            WHERE status = 'held' AND {_window_sql("held_at")} GROUP BY community_id
        UNION ALL
        SELECT community_id, 'action_items_overdue', COUNT(*) FROM action_item
            WHERE due_on < :as_of_date AND created_at < :as_of
              AND (closed_on IS NULL OR closed_on >= :as_of_date)
            GROUP BY community_id"""),
}


def raw_figures(window, seconds=None):
    """{cid: {count: value}} from the hand-written statements (no service layer); each
    statement's time is appended to seconds[name] when given."""
    params = {"start": window.start, "end": window.end, "as_of": window.as_of,
              "start_date": window.start_date, "end_date": window.end_date,
              "as_of_date": window.as_of.astimezone(queries.ZONE).date(),
              "period": window.period, "quarter": window.quarter, "hotline": HOTLINE}
    found = {}
    for key, (names, sql) in RAW.items():
        started = time.perf_counter()
        used = {k: v for k, v in params.items() if re.search(rf":{k}\b", sql)}
        typed = [sa.bindparam(k, type_=UTCDateTime()) for k in ("start", "end", "as_of")
                 if k in used]
        stmt = sa.text(sql).bindparams(*typed) if typed else sa.text(sql)
        for row in db.session.execute(stmt, used):
            pairs = zip(names, row[1:], strict=True) if names else [(row[1], row[2])]
            target = found.setdefault(row[0], {})
            for name, value in pairs:
                target[name] = target.get(name, 0) + int(value or 0)
        if seconds is not None:
            seconds.setdefault(key, []).append(time.perf_counter() - started)
    return found


def compare(period, raw):
    """{count: (stored total, raw total)} for every count that differs."""
    stored = {row.community_id: row for row in db.session.scalars(
        sa.select(CommunityIndicators).where(CommunityIndicators.period == period))}
    names = sorted({name for values in raw.values() for name in values})
    differ = {}
    for name in names:
        ours = sum(getattr(row, name) for row in stored.values())
        theirs = sum(values.get(name, 0) for values in raw.values())
        per_community = any(getattr(stored[cid], name) != values.get(name, 0)
                            for cid, values in raw.items() if cid in stored)
        if ours != theirs or per_community:
            differ[name] = (ours, theirs)
    return differ


def dashboard_read(period):
    """What the district dashboard reads for a month: communities, open alerts, summaries."""
    db.session.remove()
    communities = db.session.scalars(sa.select(Community).order_by(Community.name)).all()
    counts = dict(db.session.execute(sa.select(Alert.community_id, sa.func.count())
                                     .where(Alert.status != "closed")
                                     .group_by(Alert.community_id)).all())
    return dashboard.summaries(communities, period, counts)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(period, repeat):
    window = queries.Window.of(period, utcnow())
    ids = sorted(db.session.scalars(sa.select(Community.id)))
    runs, raws, reads, sources = [], [], [], {fn.__name__: [] for fn in queries.SOURCES}
    raw, statements = None, {}
    for _ in range(repeat):
        db.session.remove()
        runs.append(timed(lambda: indicators.run(period))[0])
        seconds, raw = timed(lambda: raw_figures(window, statements))
        raws.append(seconds)
        db.session.rollback()
        for fn in queries.SOURCES:
            sources[fn.__name__].append(timed(lambda fn=fn: fn(ids, window))[0])
        db.session.rollback()
        reads.append(timed(lambda: dashboard_read(period))[0])
    return {"run": runs, "raw": raws, "dashboard": reads, "sources": sources, "statements": statements,
            "differ": compare(period, raw), "communities": len(ids)}


class Capture:
    """The statements a block executes (for --explain)."""

    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            self.statements.append((statement, parameters))


def explain(period, path):
    """Every SELECT of one run: its time alone (executed and fetched by the driver) and its plan."""
    capture = Capture()
    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        indicators.run(period)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    postgres = db.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    cursor = db.session.connection().connection.driver_connection.cursor()
    report = []
    for statement, parameters in capture.statements:
        started = time.perf_counter()
        cursor.execute(statement, parameters)
        cursor.fetchall()
        seconds = time.perf_counter() - started
        cursor.execute(prefix + statement, parameters)
        plan = "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
        report.append((seconds, statement, plan))
    db.session.rollback()
    with open(path, "w") as out:
        for seconds, statement, plan in sorted(report, key=lambda r: -r[0]):
            out.write(f"==== {seconds:.3f} s\n{statement}\n---- plan\n{plan}\n\n")
    return [(round(s, 3), " ".join(st.split())[:90]) for s, st, _p in sorted(report,
                                                                          key=lambda r: -r[0])]


def history(periods):
    """Store every earlier month once (what the scheduler would have done); seconds each."""
    return [timed(lambda p=p: indicators.run(p))[0] for p in periods]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(args, dialect, counts, built, earlier, found, period):
    med = {k: statistics.median(found[k]) for k in ("run", "raw", "dashboard")}
    sources = {k: statistics.median(v) for k, v in found["sources"].items()}
    statements = {k: statistics.median(v) for k, v in found["statements"].items()}
    print(f"\ndatabase: {dialect}, {found['communities']} communities, period {period}, "
          f"median of {args.repeat}")
    print(f"{'table':<22}{'rows':>12}")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{name:<22}{n:>12,}")
    print(f"\n{'measure':<40}{'seconds':>10}")
    print(f"{'build the district':<40}{built:>10.1f}")
    print(f"{'indicator run, each earlier month (med)':<40}"
          f"{statistics.median(earlier) if earlier else 0:>10.3f}")
    print(f"{'indicator run (one month)':<40}{med['run']:>10.3f}")
    for name, seconds in sorted(sources.items(), key=lambda kv: -kv[1]):
        print(f"{'  source ' + name:<40}{seconds:>10.3f}")
    print(f"{'raw aggregates (same counts)':<40}{med['raw']:>10.3f}")
    for name, seconds in sorted(statements.items(), key=lambda kv: -kv[1]):
        print(f"{'  raw ' + name:<40}{seconds:>10.3f}")
    print(f"{'dashboard read (all communities)':<40}{med['dashboard']:>10.4f}")
    ratio = med["run"] / med["raw"]
    print(f"run / raw: {ratio:.2f} (target <= 2.00)")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")
    if found["differ"]:
        print("counts that differ (stored run, raw):")
        for name, (ours, theirs) in found["differ"].items():
            print(f"  {name}: {ours:,} vs {theirs:,}")
    else:
        print("stored counts equal the raw aggregates")
    return {"database": dialect, "period": period, "communities": args.communities,
            "dwellings": args.dwellings, "tickets": args.tickets, "months": args.months,
            "repeat": args.repeat, "rows": counts, "build_s": round(built, 1),
            "earlier_months_s": [round(s, 3) for s in earlier],
            "run_s": [round(s, 3) for s in found["run"]], "run_median_s": round(med["run"], 3),
            "raw_s": [round(s, 3) for s in found["raw"]], "raw_median_s": round(med["raw"], 3),
            "ratio": round(ratio, 2), "sources_median_s": {k: round(v, 3) for k, v in
                                                           sources.items()},
            "raw_statements_median_s": {k: round(v, 3) for k, v in statements.items()},
            "dashboard_median_s": round(med["dashboard"], 4),
            "peak_rss_mb": round(peak_rss_mb()), "differ": found["differ"],
            "cores": os.cpu_count()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--dwellings", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="write bench/explain-<db>.txt")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    folder = None if os.environ.get("DATABASE_URL") else tempfile.mkdtemp(prefix="bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    try:
        measure_all(args, url)
    finally:
        if folder and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif folder:
            print(f"kept {url}")


def measure_all(args, url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    built, (counts, d) = timed(lambda: district.build(
        app, communities=args.communities, dwellings=args.dwellings, tickets=args.tickets,
        months=args.months))
    period = d.periods[-1]
    with app.app_context():
        dialect = db.engine.dialect.name
        earlier = history(d.periods[:-1])
        found = measure(period, args.repeat)
        if args.explain:
            path = HERE / f"explain-{dialect}.txt"
            for seconds, statement in explain(period, path)[:6]:
                print(f"  explain {seconds:7.3f} s  {statement}")
    results = report(args, dialect, counts, built, earlier, found, period)
    path = HERE / "results-indicators.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    full = (args.communities, args.dwellings, args.tickets, args.months) == (100, 100_000,
                                                                              1_000_000, 12)
    key = dialect if full else f"{dialect}-{args.communities}c-{args.dwellings}d-{args.tickets}t"
    stored[key] = results
    path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
