"""The monthly indicator run: every community's counts for a month in one set-based pass,
stored (upserted) with its backsliding index, and the alerts they raise.

Alerts are raised for a month once it is over (the current month's figures are stored as they
stand, for the dashboard). Idempotent: a re-run recomputes and overwrites the month's figures
(an interrupted run leaves nothing half-counted after the next one) and raises no alert twice
(unique per community, month, kind and indicator). `flask monitoring indicators --period
YYYY-MM` and the scheduler's nightly job call `run`.
"""
import re
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from propmgmt import roles
from propmgmt import scoping
from propmgmt.auth.models import Membership
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Invalid
from propmgmt.monitoring import queries
from propmgmt.monitoring import scoring
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.monitoring.models.indicators import COUNTS
from propmgmt.notifications import services as notifications

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
HISTORY_MONTHS = 12
CHUNK = 500
ALERT_RECIPIENTS = (roles.PARTY_SECRETARY, roles.DISTRICT_SUPERVISOR)


def this_month(now=None):
    """The current month in China, YYYY-MM."""
    return (now or utcnow()).astimezone(queries.ZONE).strftime("%Y-%m")


def check_period(period, now=None):
    """The month's window; a malformed or future month is refused (the current one is fine:
    its figures are those so far)."""
    now = now or utcnow()
    match = PERIOD_RE.match(period or "")
    if not match or int(match.group(1)) < 2000:
        raise Invalid(fields={"period": [_("Give the month as YYYY-MM, e.g. 2026-11.")]})
    window = queries.Window.of(period, now)
    if window.start > now:
        raise Invalid(fields={"period": [_("%(period)s has not begun yet.", period=period)]})
    return window


def previous_periods(period, count):
    """The `count` months before `period`, oldest first."""
    year, month = (int(p) for p in period.split("-"))
    found = []
    for back in range(count, 0, -1):
        total = year * 12 + month - 1 - back
        found.append(f"{total // 12:04d}-{total % 12 + 1:02d}")
    return found


def _history(ids, period):
    """{cid: [stored rows of the 12 months before, oldest first]} in one query."""
    months = previous_periods(period, HISTORY_MONTHS)
    stmt = scoping.unscoped(
        sa.select(CommunityIndicators).where(CommunityIndicators.community_id.in_(ids),
                                             CommunityIndicators.period.in_(months))
        .order_by(CommunityIndicators.period), reason="monthly indicators cover every community")
    found = {}
    for row in db.session.scalars(stmt):
        found.setdefault(row.community_id, []).append(row)
    return found


def counts_of(row):
    return {name: getattr(row, name) for name in COUNTS}


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _upsert(rows):
    """One INSERT … ON CONFLICT DO UPDATE executed for all rows (compiled once, cached)."""
    if not rows:
        return
    stmt = _insert(CommunityIndicators)
    updated = {name: stmt.excluded[name]
               for name in (*COUNTS, "computed_at", "index_x100", "components")}
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["community_id", "period"], set_=updated), rows)


def _raise(alerts):
    """Insert the alerts not raised before; returns the new ones (community id, kind, indicator)."""
    created = []
    for start in range(0, len(alerts), CHUNK):
        stmt = (_insert(Alert).values(alerts[start:start + CHUNK]).on_conflict_do_nothing()
                .returning(Alert.id, Alert.community_id, Alert.kind, Alert.indicator))
        created.extend(db.session.execute(stmt).all())
    return created


def _notify(created, period, names):
    if not created:
        return
    ids = sorted({cid for _id, cid, _kind, _indicator in created})
    recipients = {}
    for cid, user_id in db.session.execute(sa.select(Membership.community_id, Membership.user_id)
                                           .where(Membership.community_id.in_(ids),
                                                  Membership.role.in_(ALERT_RECIPIENTS))):
        recipients.setdefault(cid, set()).add(user_id)
    for alert_id, cid, kind, indicator in created:
        notifications.notify(recipients.get(cid, ()), community_id=cid, kind="monitoring.alert",
                             alert_id=alert_id, community=names[cid], period=period,
                             alert=kind, indicator=indicator)


def run(period, *, now=None, community_ids=None, echo=None):
    """Compute, store and judge `period` for every community (or the given ones); returns
    (communities computed, alerts raised)."""
    now = now or utcnow()
    window = check_period(period, now)
    stmt = sa.select(Community.id, Community.name).order_by(Community.id)
    if community_ids is not None:
        stmt = stmt.where(Community.id.in_(sorted(community_ids)))
    names = dict(db.session.execute(scoping.unscoped(stmt, reason="the indicator run")).all())
    ids = sorted(names)
    if echo:
        echo(_("Counting %(period)s for %(n)s communities…", period=period, n=len(ids)))
    figures = queries.month_figures(ids, window) if ids else {}
    history = _history(ids, period) if ids else {}
    config = scoring.settings()
    last_month = previous_periods(period, 1)[0]
    rows, alerts = [], []
    for cid in ids:
        counts = {name: figures.get(cid, {}).get(name, 0) for name in COUNTS}
        earlier = history.get(cid, [])
        rate = scoring.rates(counts)
        parts = scoring.components(counts, rate, scoring.reference_density(
            [counts_of(h) for h in earlier]), config)
        value = scoring.index(parts, config)
        rows.append({"community_id": cid, "period": period, "computed_at": now,
                     "index_x100": scoring.x100(value),
                     "components": {k: scoring.x100(v) for k, v in parts.items()}, **counts})
        previous = next((h for h in earlier if h.period == last_month), None)
        previous_index = (None if previous is None or previous.index_x100 is None
                          else Fraction(previous.index_x100, 100))
        satisfaction = [scoring.rates(counts_of(h))["satisfaction"] for h in earlier]
        for kind, indicator, found, threshold in scoring.alerts(
                rate, value, previous_index, [*satisfaction, rate["satisfaction"]],
                config):
            alerts.append({"community_id": cid, "period": period, "kind": kind,
                           "indicator": indicator, "value_x100": scoring.x100(found),
                           "threshold_x100": scoring.x100(threshold), "status": "open",
                           "created_at": now, "note": ""})
    _upsert(rows)
    # A month still running is stored (the dashboard shows it so far) but judged only once it
    # is over: half a month of payments is not a collection rate under the red line.
    created = _raise(alerts) if window.end <= now else []
    _notify(created, period, names)
    db.session.commit()
    if echo:
        echo(_("Stored %(period)s for %(n)s communities; %(alerts)s new alerts.", period=period,
               n=len(ids), alerts=len(created)))
    return len(ids), len(created)
