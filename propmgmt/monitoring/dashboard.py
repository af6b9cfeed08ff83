"""What the dashboards read: the stored monthly figures (never the raw rows), judged.

A page reads one month's rows for all its communities in one query, the open alerts in
another, and a community's 12-month trend in a third; the number of queries does not grow
with the number of communities, tickets or bills behind the figures.
"""
import dataclasses
from decimal import ROUND_HALF_UP
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import selectinload

from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities import queries as community_queries
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.monitoring import indicators
from propmgmt.monitoring import scoring
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import CommunityIndicators
from propmgmt.monitoring.models import Evaluation

# The dashboard table: column key -> (rate or count name, higher is better)
COLUMNS = ("index", "collection_rate", "on_time_rate", "satisfaction", "inspection_completion",
           "complaints_per_100", "overdue_open", "alerts")
SORTABLE = frozenset(COLUMNS) | {"name"}


@dataclasses.dataclass
class Summary:
    """One community's month as the dashboard shows it."""

    community: Community
    row: CommunityIndicators | None
    rates: dict
    index: object  # Fraction or None
    alerts: int = 0
    rank: int | None = None
    evaluations: list = dataclasses.field(default_factory=list)

    def value(self, key):
        if key == "index":
            return self.index
        if key == "alerts":
            return self.alerts
        if key == "overdue_open":
            return None if self.row is None else self.row.overdue_open
        if key == "satisfaction":
            return self.satisfaction
        return self.rates.get(key)

    @property
    def satisfaction(self):
        survey = self.rates.get("satisfaction")
        return survey if survey is not None else self.rates.get("rating_good_rate")

    def rag(self, key, config):
        if key == "index":
            return scoring.index_rag(self.index, config)
        return scoring.rag(key, self.value(key), config)

    def worst(self, config):
        """red if anything is red, else amber if anything is, else green (None: no data)."""
        found = {self.rag(key, config) for key in ("index", "collection_rate", "on_time_rate",
                                                   "inspection_completion")}
        for colour in ("red", "amber", "green"):
            if colour in found:
                return colour
        return None


def communities_for(user, action="indicators.view"):
    """The communities whose indicators the user may read (admins: all), by name."""
    return [c for c in community_queries.visible_communities(user) if policy.can(user, action, c)]


def month_rows(community_ids, period):
    """{community_id: stored row} for one month."""
    if not community_ids:
        return {}
    return {row.community_id: row for row in db.session.scalars(
        sa.select(CommunityIndicators).where(CommunityIndicators.community_id.in_(community_ids),
                                             CommunityIndicators.period == period))}


def open_alerts(user, community_ids, limit=None):
    """Open and acknowledged alerts of the communities, newest first (with their community);
    the newest `limit` when given."""
    if not community_ids:
        return []
    stmt = scoping.visible(
        sa.select(Alert).join(Alert.community).options(contains_eager(Alert.community))
        .where(Alert.community_id.in_(community_ids), Alert.status != "closed")
        .order_by(Alert.period.desc(), Alert.id.desc()), user, Alert)
    return db.session.scalars(stmt.limit(limit) if limit else stmt).all()


def open_alert_counts(user, community_ids):
    """{community_id: open and acknowledged alerts} in one grouped statement."""
    if not community_ids:
        return {}
    stmt = scoping.visible(
        sa.select(Alert.community_id, sa.func.count())
        .where(Alert.community_id.in_(community_ids), Alert.status != "closed")
        .group_by(Alert.community_id), user, Alert)
    return dict(db.session.execute(stmt).all())


def open_alerts_of(community):
    """A community's open and acknowledged alerts (the caller has authorized the community)."""
    return db.session.scalars(
        sa.select(Alert).where(Alert.community_id == community.id, Alert.status != "closed")
        .order_by(Alert.period.desc(), Alert.id.desc())).all()


def evaluations(community_ids):
    """{community_id: [evaluations, newest year first]}."""
    found = {}
    if community_ids:
        for evaluation in db.session.scalars(
                sa.select(Evaluation).where(Evaluation.community_id.in_(community_ids))
                .options(selectinload(Evaluation.building))
                .order_by(Evaluation.year.desc(), Evaluation.id.desc())):
            found.setdefault(evaluation.community_id, []).append(evaluation)
    return found


def _index_of(row):
    return None if row is None or row.index_x100 is None else scoring.Fraction(row.index_x100,
                                                                               100)


def summaries(communities, period, alert_counts=None):
    """A Summary per community for the month, ranked by index (no data last)."""
    rows = month_rows([c.id for c in communities], period)
    counts = alert_counts or {}
    found = []
    for community in communities:
        row = rows.get(community.id)
        rates = scoring.rates(indicators.counts_of(row)) if row is not None else {}
        found.append(Summary(community, row, rates, _index_of(row), counts.get(community.id, 0)))
    ranked = sorted((s for s in found if s.index is not None), key=lambda s: -s.index)
    for rank, summary in enumerate(ranked, 1):
        summary.rank = rank
    return found


def arrange(rows, *, sort="index", direction="asc", status=None, mode=None, config=None):
    """Sort and filter summaries for the table; no data sorts last either way."""
    if status in ("red", "amber", "green"):
        rows = [r for r in rows if r.worst(config) == status]
    if mode:
        rows = [r for r in rows if r.community.management_mode == mode]
    if sort == "name":
        return sorted(rows, key=lambda r: r.community.name, reverse=direction == "desc")
    key = sort if sort in SORTABLE else "index"
    present = [r for r in rows if r.value(key) is not None]
    missing = [r for r in rows if r.value(key) is None]
    present.sort(key=lambda r: (r.value(key), r.community.name), reverse=direction == "desc")
    return present + sorted(missing, key=lambda r: r.community.name)


def trend(community, periods):
    """[(period, row or None, rates, index)] for the periods, oldest first, in one query."""
    rows = {row.period: row for row in db.session.scalars(
        sa.select(CommunityIndicators).where(CommunityIndicators.community_id == community.id,
                                             CommunityIndicators.period.in_(periods)))}
    out = []
    for period in periods:
        row = rows.get(period)
        rates = scoring.rates(indicators.counts_of(row)) if row is not None else {}
        out.append((period, row, rates, _index_of(row)))
    return out


def last_periods(period, count=12):
    """`count` months ending with `period`, oldest first."""
    return [*indicators.previous_periods(period, count - 1), period]


def percent(value):
    """A percentage (already on 0-100) to one decimal, rounded half up; None stays None."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
