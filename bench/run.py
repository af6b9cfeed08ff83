"""Issue 8: performance at district scale, each figure a ratio against a limit of the same run.

    .venv/bin/python bench/run.py [--communities 100] [--dwellings 100000] [--tickets 1000000]
        [--months 12] [--repeat 3] [--small-communities 4] [--small-dwellings 100]
        [--small-tickets 1000] [--load-repeat 3] [--load-requests 50000] [--load-seconds 5]
        [--no-load] [--keep]

Uses DATABASE_URL when set (postgresql://postgres@127.0.0.1:5432/bench: its public schema is
dropped and rebuilt; never point it at `test`), else a temporary SQLite file. In one process:

1. a small district (query counts at ~100 rows), then the full district (bench/district.py),
   built once and used by every measurement below;
2. indicators: bench/indicators.py's `history` and `measure` (the run against the raw
   aggregates; target <= 2x);
3. billing: bench/billrun.py (the service against the raw intake of the same rows; target
   rate >= 0.5, re-run <= 0.25 of the first, a new dwelling billed) and its peak memory in a
   child process (target < 300 MB);
4. query budget: statements per page, at the small and the full district (bench/queries.py);
5. pages under load: gunicorn with 2 workers on 127.0.0.1 and wrk (bench/load.py), each page
   against the app's hello-world route (targets: bill page, queue, API >= 40%, dashboard >=
   25%); the workers' peak RSS.

Prints the table and writes bench/results.json (full size under the database's name, other
sizes under a longer key). Every run is bounded (fixed sizes, requests and seconds).
"""
import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The bench serves plain HTTP on 127.0.0.1: cookies without the Secure flag (the app's setting
# for local runs); set before any app is created (gunicorn inherits it too).
os.environ["PROPMGMT_SECURE_COOKIES"] = "0"

import bench_app  # noqa: E402
import billrun  # noqa: E402
import district  # noqa: E402
import indicators as indicator_bench  # noqa: E402  (bench/indicators.py)
import load  # noqa: E402
import people  # noqa: E402
import queries  # noqa: E402

from propmgmt.db import db  # noqa: E402
from propmgmt.monitoring import indicators  # noqa: E402

HERE = Path(__file__).resolve().parent
FULL = (100, 100_000, 1_000_000, 12)
PAGE_TARGETS = {"bill page": 0.40, "ticket queue": 0.40, "dashboard": 0.25, "ticket API": 0.40}


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def small_counts(url, args, echo):
    """Query counts at a small district (same schema, same users, same pages). SQLite: in a
    file of its own (a rebuild does not empty an SQLite file); PostgreSQL: the same database,
    whose schema the full build then drops and rebuilds."""
    if url.startswith("sqlite:///"):
        url = url.replace("bench.sqlite3", "small.sqlite3")
    app = bench_app.create({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    _counts, d = district.build(app, communities=args.small_communities,
                                dwellings=args.small_dwellings, tickets=args.small_tickets,
                                months=args.months, echo=lambda *_a: None)
    found = people.create(app, d.periods[-1])
    with app.app_context():  # every month, as at full size: the history raises the alerts
        for period in d.periods:
            indicators.run(period)
    counted, _detail = queries.count(app, found)
    with app.app_context():
        db.engine.dispose()
    echo(f"  query counts at the small district: {counted}")
    return counted


def load_pages(url, found, args, echo):
    server = None
    try:
        server = load.serve(url)
        cookies = {who: people.login_http(server.base, name) for who, name in found["users"].items()}
        pages = {page: path for page, (path, _who) in found["pages"].items()}
        headers = {page: people.headers_for(who, cookies, found["token"])
                   for page, (_path, who) in found["pages"].items()}
        results = load.run(server, pages, headers, args.load_repeat, args.load_requests,
                           args.load_seconds, echo)
        return results, load.worker_memory(server)
    finally:
        load.stop(server)
        if server is not None:
            trouble = load.worker_trouble(server)
            found["worker_trouble"] = trouble
            for line in trouble:
                echo(f"  gunicorn: {line}")
            Path(server.log).unlink(missing_ok=True)


def bench(args, url, echo=print):
    app = bench_app.create({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        dialect = db.engine.dialect.name
    started = time.perf_counter()
    echo(f"== {dialect}: small district ({args.small_communities} communities, "
         f"{args.small_dwellings} dwellings, {args.small_tickets} tickets)")
    small = small_counts(url, args, echo)
    echo(f"== {dialect}: full district")
    built, (rows, d) = timed(lambda: district.build(
        app, communities=args.communities, dwellings=args.dwellings, tickets=args.tickets,
        months=args.months, echo=echo))
    period, billing_period = d.periods[-1], billrun.next_period(d.periods[-1])
    found = people.create(app, period)
    with app.app_context():
        earlier = indicator_bench.history(d.periods[:-1])
        ind = indicator_bench.measure(period, args.repeat)
        echo(f"  indicators: run {statistics.median(ind['run']):.3f} s, "
             f"raw {statistics.median(ind['raw']):.3f} s")
        memory = billrun.memory(url, billing_period)
        billing = billrun.measure(billing_period, args.repeat, echo)
    full, detail = queries.count(app, found)
    echo(f"  query counts at the full district: {full}")
    loaded, workers = (load_pages(url, found, args, echo) if not args.no_load else ({}, {}))
    return {
        "database": dialect, "period": period, "communities": args.communities,
        "dwellings": args.dwellings, "tickets": args.tickets, "months": args.months,
        "repeat": args.repeat, "rows": rows, "build_s": round(built, 1),
        "queue_community": {"id": found["community"][0], "tickets": found["community"][1]},
        "indicators": {"run_s": [round(s, 3) for s in ind["run"]],
                       "raw_s": [round(s, 3) for s in ind["raw"]],
                       "ratio": round(statistics.median(ind["run"])
                                      / statistics.median(ind["raw"]), 2),
                       "earlier_months_median_s": round(statistics.median(earlier), 3),
                       "differ": ind["differ"]},
        "billing": billing, "billing_memory": memory,
        "queries": {"small": small, "full": full, "full_statements": detail,
                    "small_size": [args.small_communities, args.small_dwellings,
                                   args.small_tickets]},
        "load": summarize_load(loaded, args), "worker_memory_mb": workers,
        "worker_trouble": found.get("worker_trouble", []),
        "peak_rss_mb": peak_rss_mb(), "seconds": round(time.perf_counter() - started, 1),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "system": platform.platform()},
    }


def summarize_load(loaded, args):
    if not loaded:
        return {}
    med = {page: {k: round(statistics.median(r[k] for r in runs), 2)
                  for k in ("rps", "p50_ms", "p99_ms")} | {"bad": sum(r["bad"] for r in runs)}
           for page, runs in loaded.items()}
    hello = med["hello"]["rps"]
    for values in med.values():
        values["ratio"] = round(values["rps"] / hello, 3)
    return {"workers": load.WORKERS, "repeat": args.load_repeat, "requests": args.load_requests,
            "seconds": args.load_seconds, "pages": med,
            "runs": {page: [round(r["rps"], 1) for r in runs] for page, runs in loaded.items()}}


def rows_of(r):
    """(figure, value, limit, ratio, target, holds) for the table."""
    b, i, m = r["billing"], r["indicators"], r["billing_memory"]
    lim = b["median_s"][b["limit"]]
    out = [
        ("1 billing run, rows/s", f"{b['rows'] / b['median_s']['first']:,.0f}",
         f"{b['rows'] / lim:,.0f} ({'INSERT..SELECT' if b['limit'] == 'select' else 'bulk'})",
         b["rate_ratio"], ">= 0.50", b["rate_ratio"] >= 0.5),
        ("  repeated run / first", f"{b['median_s']['again']:.3f} s",
         f"{b['median_s']['first']:.3f} s", b["again_ratio"], "<= 0.25", b["again_ratio"] <= 0.25),
        ("  new dwelling billed", str(b["new_dwelling_billed"]), "1", "", "= 1",
         b["new_dwelling_billed"] == 1),
        ("2 indicators run / raw SQL", f"{statistics.median(i['run_s']):.3f} s",
         f"{statistics.median(i['raw_s']):.3f} s", i["ratio"], "<= 2.00", i["ratio"] <= 2),
    ]
    pages = r["load"].get("pages", {})
    for page, v in pages.items():
        target = PAGE_TARGETS.get(page)
        out.append((f"3 {page}, req/s (p99 {v['p99_ms']:.0f} ms)", f"{v['rps']:,.0f}",
                    f"{pages['hello']['rps']:,.0f} (hello)", v["ratio"],
                    f">= {target:.2f}" if target else "ceiling",
                    v["ratio"] >= target if target else None))
    q = r["queries"]
    for page in q["full"]:
        out.append((f"4 {page}, SQL statements", str(q["full"][page]),
                    f"{q['small'][page]} (small)", "", "same", q["full"][page] == q["small"][page]))
    out.append(("5 billing run peak RSS", f"{m['peak_rss_mb']:.0f} MB",
                f"{m['rss_before_mb']:.0f} MB before", "", "< 300 MB", m["peak_rss_mb"] < 300))
    for pid, (peak, _now) in sorted(r["worker_memory_mb"].items()):
        out.append((f"  worker {pid} peak RSS", f"{peak:.0f} MB", "", "", "", None))
    return out


def print_table(r, echo=print):
    echo(f"\n{r['database']}: {r['communities']} communities, {r['dwellings']:,} dwellings, "
         f"{r['tickets']:,} tickets, {r['months']} months (period {r['period']}); "
         f"{r['machine']['cores']} cores; median of {r['repeat']} (load: {r['load'].get('repeat')})")
    echo(f"{'figure':<38}{'value':>12}  {'limit':<26}{'ratio':>7}  {'target':<9}holds")
    for figure, value, limit, ratio, target, holds in rows_of(r):
        mark = "" if holds is None else "yes" if holds else "NO"
        echo(f"{figure:<38}{value:>12}  {limit:<26}{ratio!s:>7}  {target:<9}{mark}")
    echo(f"district built in {r['build_s']:.0f} s; whole bench {r['seconds']:.0f} s; "
         f"peak RSS of the bench process {r['peak_rss_mb']:.0f} MB")
    for line in r.get("worker_trouble", []):
        echo(f"gunicorn during the load: {line}")
    if r["indicators"]["differ"]:
        echo(f"indicator counts that differ from the raw ones: {r['indicators']['differ']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("communities", 100), ("dwellings", 100_000), ("tickets", 1_000_000),
                          ("months", 12), ("repeat", 3), ("small-communities", 4),
                          ("small-dwellings", 100), ("small-tickets", 1000), ("load-repeat", 3),
                          ("load-requests", 50_000), ("load-seconds", 5)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn part")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a log
    if args.no_load is False and not load.wrk_available():
        sys.exit("wrk is missing: apt-get install -y wrk")
    folder = None if os.environ.get("DATABASE_URL") else tempfile.mkdtemp(prefix="bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    if url.rstrip("/").rsplit("/", 1)[-1] == "test":
        sys.exit("refusing the `test` database: use `bench`")
    try:
        results = bench(args, url)
    finally:
        if folder and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif folder:
            print(f"kept {url}")
    print_table(results)
    path = HERE / "results.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    size = (args.communities, args.dwellings, args.tickets, args.months)
    key = results["database"] if size == FULL else (
        f"{results['database']}-{args.communities}c-{args.dwellings}d-{args.tickets}t")
    stored[key] = results
    path.write_text(json.dumps(stored, indent=2, sort_keys=True, default=str) + "\n")


if __name__ == "__main__":
    main()
