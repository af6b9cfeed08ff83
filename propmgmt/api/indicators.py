"""API of the monthly indicators (stored by the indicator run): one community, and the
overview of every community the caller supervises."""
from flask_login import current_user

from propmgmt import policy
from propmgmt import roles
from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.indicators import IndicatorsSchema
from propmgmt.api.schemas.indicators import OverviewSchema
from propmgmt.api.schemas.indicators import PeriodQuerySchema
from propmgmt.communities.models import Community
from propmgmt.monitoring import dashboard
from propmgmt.monitoring import indicators

bp = Blueprint("api_indicators", __name__, url_prefix="/api/v1",
               description="Monthly indicators, the backsliding index and alerts.")
SUPERVISING = (roles.PARTY_SECRETARY, roles.DISTRICT_SUPERVISOR)


def _period(query):
    period = query.get("period") or indicators.this_month()
    indicators.check_period(period)
    return period


def _number(value):
    return None if value is None else float(dashboard.percent(value))


def _body(summary, period, alerts):
    row, rates = summary.row, summary.rates
    count = (lambda name: None if row is None else getattr(row, name))  # noqa: E731
    return {
        "community_id": summary.community.id, "community": summary.community.name,
        "period": period, "computed_at": None if row is None else row.computed_at,
        "collection_rate": _number(rates.get("collection_rate")),
        "collection_rate_dwellings": _number(rates.get("collection_rate_dwellings")),
        "tickets_opened": count("tickets_opened"), "tickets_overdue": count("overdue_open"),
        "response_rate": _number(rates.get("response_rate")),
        "on_time_rate": _number(rates.get("on_time_rate")),
        "reopen_rate": _number(rates.get("reopen_rate")),
        "complaint_rate": _number(rates.get("complaints_per_100")),
        "satisfaction": _number(rates.get("satisfaction")),
        "rating_good_rate": _number(rates.get("rating_good_rate")),
        "inspection_completion_rate": _number(rates.get("inspection_completion")),
        "inspection_pass_rate": _number(rates.get("inspection_pass")),
        "facility_intact_rate": _number(rates.get("facility_intact")),
        "meetings_held": count("meetings_held"),
        "action_items_overdue": count("action_items_overdue"),
        "backsliding_index": _number(summary.index),
        "components": {k: None if v is None else v / 100
                       for k, v in ((row.components or {}) if row else {}).items()},
        "alerts": [{"id": a.id, "period": a.period, "kind": a.kind, "indicator": a.indicator,
                    "value": None if a.value_x100 is None else a.value_x100 / 100,
                    "threshold": None if a.threshold_x100 is None else a.threshold_x100 / 100,
                    "status": a.status} for a in alerts],
    }


def _alerts_by_community(alerts):
    found = {}
    for alert in alerts:
        found.setdefault(alert.community_id, []).append(alert)
    return found


@bp.get(f"/communities/<{ID_CONVERTER}:cid>/indicators")
@bp.token_required
@bp.arguments(PeriodQuerySchema, location="query")
@bp.response(200, IndicatorsSchema)
@bp.errors(403, 404, 422)
def community_indicators(query, cid):
    """A community's indicators for a month (committees, party secretary, supervisors, the
    property manager), with its open alerts."""
    community = scoping.get_authorized_or_404(Community, cid, current_user, "indicators.view")
    period = _period(query)
    summary = dashboard.summaries([community], period)[0]
    alerts = dashboard.open_alerts(current_user, [community.id])
    return _body(summary, period, alerts)


@bp.get("/supervision/overview")
@bp.token_required
@bp.arguments(PeriodQuerySchema, location="query")
@bp.response(200, OverviewSchema)
@bp.errors(403, 422)
def overview(query):
    """One row of indicators per community the caller supervises (party secretary, district
    supervisor; administrators: all), ranked by the backsliding index, no data last."""
    policy.require(current_user, "district.view")
    period = _period(query)
    communities = [c for c in dashboard.communities_for(current_user)
                   if current_user.is_admin or current_user.roles_in(c.id) & set(SUPERVISING)]
    alerts = _alerts_by_community(dashboard.open_alerts(current_user,
                                                        [c.id for c in communities]))
    rows = dashboard.arrange(dashboard.summaries(communities, period), sort="index",
                             direction="desc")
    return {"period": period,
            "communities": [_body(s, period, alerts.get(s.community.id, [])) for s in rows]}
