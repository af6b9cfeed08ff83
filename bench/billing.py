"""Billing-run speed against the raw insert rate of the same database.

    .venv/bin/python bench/billing.py [--dwellings 100000] [--communities 100] [--repeat 3]

Uses DATABASE_URL when set (e.g. postgresql://postgres@127.0.0.1:5432/bench; its schema is
rebuilt), else a temporary SQLite file. Prints medians and the ratio of the billing run's rate to
the raw INSERT ... SELECT of the same rows into the same table (target: at least 0.5), and the
re-run against the first run (target: at most 0.25). Bounded: it stops by itself.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from propmgmt import create_app  # noqa: E402
from propmgmt.db import db  # noqa: E402

PERIOD = dt.date.today().strftime("%Y-%m")


def build(app, communities, dwellings):
    """Communities, buildings, dwellings and one per-m² fee item each, through bulk inserts."""
    from flask_migrate import upgrade  # noqa: PLC0415

    from propmgmt.billing.models import FeeItem  # noqa: PLC0415
    from propmgmt.billing.models import FeeRate  # noqa: PLC0415
    from propmgmt.communities.models import Building  # noqa: PLC0415
    from propmgmt.communities.models import Community  # noqa: PLC0415
    from propmgmt.communities.models import Dwelling  # noqa: PLC0415

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        now, per = dt.datetime.now(dt.timezone.utc), dwellings // communities
        db.session.execute(sa.insert(Community), [
            {"id": c, "name": f"Bench {c}", "district": "Bench", "timezone": "Asia/Shanghai",
             "created_at": now} for c in range(1, communities + 1)])
        db.session.execute(sa.insert(Building), [
            {"id": c, "community_id": c, "name": "1", "created_at": now}
            for c in range(1, communities + 1)])
        rows = [{"community_id": c, "building_id": c, "number": str(n), "created_at": now,
                 "area_x100": 4000 + (n * 37) % 6000, "occupancy_status": "occupied"}
                for c in range(1, communities + 1) for n in range(per)]
        for start in range(0, len(rows), 20000):
            db.session.execute(sa.insert(Dwelling), rows[start:start + 20000])
        db.session.execute(sa.insert(FeeItem), [
            {"id": c, "community_id": c, "name": "fee", "kind": "service", "basis": "per_m2",
             "cycle": "monthly", "price_form": "market", "legal_basis": "", "is_active": True,
             "created_at": now} for c in range(1, communities + 1)])
        db.session.execute(sa.insert(FeeRate), [
            {"community_id": c, "fee_item_id": c, "rate_fen": 45,
             "effective_from": dt.date(2020, 1, 1), "announced_on": dt.date(2020, 1, 1),
             "created_at": now} for c in range(1, communities + 1)])
        db.session.commit()
        return len(rows)


def clear_bills():
    db.session.execute(sa.text("DELETE FROM bill"))
    db.session.commit()


def raw_insert():
    """The fastest plain way: one INSERT ... SELECT of the same rows into the same table."""
    due = dt.date.today().replace(day=15).isoformat()
    db.session.execute(sa.text(
        "INSERT INTO bill (community_id, dwelling_id, fee_item_id, period, months, rate_fen, "
        "area_x100, amount_fen, due_on, bill_to, created_at) "
        "SELECT d.community_id, d.id, f.id, :period, 1, 45, d.area_x100, "
        "(45 * d.area_x100 + 50) / 100, :due, 'occupant', :now "
        "FROM dwelling d JOIN fee_item f ON f.community_id = d.community_id"),
        {"period": PERIOD, "due": due, "now": dt.datetime.now(dt.timezone.utc)})
    db.session.commit()


def new_dwelling(app):
    from propmgmt.communities.models import Dwelling  # noqa: PLC0415

    db.session.execute(sa.insert(Dwelling), [{
        "community_id": 1, "building_id": 1, "number": "new", "area_x100": 5000,
        "occupancy_status": "occupied", "created_at": dt.datetime.now(dt.timezone.utc)}])
    db.session.commit()


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    count = build(app, args.communities, args.dwellings)
    from propmgmt.billing import run  # noqa: PLC0415

    raw, first, again = [], [], []
    with app.app_context():
        for _ in range(args.repeat):
            clear_bills()
            raw.append(timed(raw_insert)[0])
            clear_bills()
            seconds, result = timed(lambda: run.run_billing(period=PERIOD))
            assert result.created == count, result
            first.append(seconds)
            seconds, result = timed(lambda: run.run_billing(period=PERIOD))
            assert result.created == 0, result
            again.append(seconds)
        new_dwelling(app)
        assert run.run_billing(period=PERIOD).created == 1  # a dwelling added since is billed
    raw_s, first_s, again_s = (statistics.median(x) for x in (raw, first, again))
    print(f"database: {url.split(':')[0]}, "
          f"{count} dwellings in {args.communities} communities, median of {args.repeat}")
    print(f"{'measure':<28}{'seconds':>10}{'rows/s':>14}")
    print(f"{'raw INSERT ... SELECT':<28}{raw_s:>10.3f}{count / raw_s:>14,.0f}")
    print(f"{'billing run (first)':<28}{first_s:>10.3f}{count / first_s:>14,.0f}")
    print(f"{'billing run (again)':<28}{again_s:>10.3f}{'-':>14}")
    print(f"run rate / raw rate: {raw_s / first_s:.2f} (target >= 0.50)")
    print(f"re-run / first run:  {again_s / first_s:.2f} (target <= 0.25)")


if __name__ == "__main__":
    main()
