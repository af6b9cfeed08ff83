"""The party secretary's dashboard, the district view, a community's indicators, alerts."""
from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities import modes
from propmgmt.communities import queries as community_queries
from propmgmt.communities.views import community_for
from propmgmt.errors import Invalid
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.monitoring import alerts as alert_services
from propmgmt.monitoring import charts
from propmgmt.monitoring import dashboard
from propmgmt.monitoring import evaluations
from propmgmt.monitoring import indicators
from propmgmt.monitoring import report
from propmgmt.monitoring import scoring
from propmgmt.monitoring.forms import AcknowledgeForm
from propmgmt.monitoring.forms import CloseAlertForm
from propmgmt.monitoring.forms import EvaluationForm
from propmgmt.monitoring.models import Alert
from propmgmt.monitoring.models import vocab
from propmgmt.web import actor

DASHBOARD_ALERTS = 20  # the newest open alerts listed on the dashboard

bp = Blueprint("monitoring", __name__)


def _period():
    """The month asked for (default: this month); a bad one falls back with a message."""
    wanted = request.args.get("period") or indicators.this_month()
    try:
        indicators.check_period(wanted)
    except Invalid as error:
        flash(" ".join(error.fields["period"]), "warning")
        return indicators.this_month()
    return wanted


def _table_args():
    args = request.args
    return {"sort": args.get("sort", "index"),
            "direction": "desc" if args.get("dir") == "desc" else "asc",
            "status": args.get("status") or None,
            "mode": args.get("mode") if args.get("mode") in modes.LABELS else None}


def _table(action, district=False):
    communities = dashboard.communities_for(current_user, action)
    period = _period()
    ids = [c.id for c in communities]
    # The newest alerts only: a district can hold hundreds, each with its forms; every
    # community's count links to its own page, which lists all of its alerts.
    alerts = dashboard.open_alerts(current_user, ids, limit=DASHBOARD_ALERTS)
    counts = dashboard.open_alert_counts(current_user, ids)
    config = scoring.settings()
    rows = dashboard.summaries(communities, period, counts)
    if district:
        found = dashboard.evaluations([c.id for c in communities])
        for row in rows:
            row.evaluations = found.get(row.community.id, [])
    args = _table_args()
    return (communities, period, alerts, sum(counts.values()), config,
            dashboard.arrange(rows, config=config, **args), args)


def _render(template, action, district=False):
    communities, period, alerts, alert_total, config, rows, args = _table(action, district)
    if not communities:
        return render_template("monitoring/empty.html"), 200
    return render_template(
        template, period=period, rows=rows, alerts=alerts, alert_total=alert_total,
        settings=config, args=args,
        district=district, percent=dashboard.percent, labels=scoring.RATE_LABELS,
        component_labels=scoring.COMPONENT_LABELS, vocab=vocab,
        ack_form=AcknowledgeForm(), close_form=CloseAlertForm(),
        periods=dashboard.last_periods(indicators.this_month(), 12)[::-1])


@bp.get("/monitoring")
@login_required
def index():
    return _render("monitoring/dashboard.html", "indicators.view")


@bp.get("/district")
@login_required
def district():
    policy.require(current_user, "district.view")
    return _render("monitoring/dashboard.html", "indicators.view", district=True)


def _cell(value):
    return None if value is None else float(dashboard.percent(value))


@bp.get("/monitoring.xlsx")
@login_required
def export():
    _communities, period, _alerts, _total, config, rows, _args = _table("indicators.view", True)
    headers = [_("Rank"), _("Community"), _("Management mode"), _("Month"),
               _("Backsliding index"), *(str(scoring.RATE_LABELS[k]) for k in (
                   "collection_rate", "on_time_rate")), _("Satisfaction"),
               str(scoring.RATE_LABELS["inspection_completion"]),
               str(scoring.RATE_LABELS["complaints_per_100"]), _("Overdue tickets"),
               _("Open alerts"), _("Status"), _("Evaluations")]
    colours = {"red": _("red"), "amber": _("amber"), "green": _("green")}
    table = [(r.rank, r.community.name, str(modes.LABELS.get(r.community.management_mode, "")),
              period, _cell(r.index), _cell(r.value("collection_rate")),
              _cell(r.value("on_time_rate")), _cell(r.satisfaction),
              _cell(r.value("inspection_completion")), _cell(r.value("complaints_per_100")),
              r.value("overdue_open"), r.alerts, colours.get(r.worst(config), _("no data")),
              "; ".join(f"{e.year} {vocab.EVALUATIONS[e.kind]}" for e in r.evaluations))
             for r in rows]
    return xlsx_response(f"indicators-{period}.xlsx", headers, table, title=period)


@bp.get("/communities/<int:community_id>/monitoring")
@login_required
def community(community_id):
    community = community_for(community_id, "indicators.view")
    period = _period()
    return _community_page(community, period)


def _community_page(community, period, evaluation_form=None, status=200):
    config = scoring.settings()
    months = dashboard.last_periods(period, 12)
    trend = dashboard.trend(community, months)
    _period_name, row, rates, index = trend[-1]
    summary = dashboard.Summary(community, row, rates, index)
    alerts = dashboard.open_alerts(current_user, [community.id])
    form = evaluation_form or EvaluationForm()
    form.building_id.choices = [(0, "—")] + [
        (b.id, _("Building %(name)s", name=b.name))
        for b, _n in community_queries.buildings(community)]
    return render_template(
        "monitoring/community.html", community=community, period=period, summary=summary,
        row=row, rates=rates, settings=config, charts=_charts(months, trend),
        alerts=alerts, evaluations=dashboard.evaluations([community.id]).get(community.id, []),
        evaluation_form=form, ack_form=AcknowledgeForm(), close_form=CloseAlertForm(),
        percent=dashboard.percent, labels=scoring.RATE_LABELS,
        component_labels=scoring.COMPONENT_LABELS, vocab=vocab,
        periods=dashboard.last_periods(indicators.this_month(), 12)[::-1]), status


def _series(trend, key):
    return [rates.get(key) for _p, _row, rates, _index in trend]


def _charts(months, trend):
    rate = scoring.RATE_LABELS
    return [
        charts.trend(_("Backsliding index"), months,
                     [(_("Backsliding index"), [index for *_rest, index in trend])]),
        charts.trend(_("Fee collection"), months,
                     [(rate["collection_rate"], _series(trend, "collection_rate")),
                      (rate["collection_rate_dwellings"],
                       _series(trend, "collection_rate_dwellings"))]),
        charts.trend(_("Tickets"), months,
                     [(rate["response_rate"], _series(trend, "response_rate")),
                      (rate["on_time_rate"], _series(trend, "on_time_rate")),
                      (rate["reopen_rate"], _series(trend, "reopen_rate"))]),
        charts.trend(_("Satisfaction"), months,
                     [(rate["satisfaction"], _series(trend, "satisfaction")),
                      (rate["rating_good_rate"], _series(trend, "rating_good_rate"))]),
        charts.trend(_("Inspections and facilities"), months,
                     [(rate["inspection_completion"], _series(trend, "inspection_completion")),
                      (rate["inspection_pass"], _series(trend, "inspection_pass")),
                      (rate["facility_intact"], _series(trend, "facility_intact"))]),
        charts.trend(_("Tickets and complaints per 100 dwellings"), months,
                     [(rate["tickets_per_100"], _series(trend, "tickets_per_100")),
                      (rate["complaints_per_100"], _series(trend, "complaints_per_100"))],
                     percent=False),
    ]


@bp.get("/communities/<int:community_id>/monitoring/report.pdf")
@login_required
def report_pdf(community_id):
    community = community_for(community_id, "indicators.view")
    period = _period()
    pdf = report.monthly_report(community, period)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{community.id}-{period}.pdf"'})


@bp.post("/communities/<int:community_id>/evaluations")
@login_required
def record_evaluation(community_id):
    community = community_for(community_id, "evaluation.record")
    form = EvaluationForm()
    form.building_id.choices = [(0, "—")]

    def submit():
        evaluations.record(community=community, actor=actor(), kind=form.kind.data,
                           year=form.year.data, building_id=form.building_id.data or None,
                           awarded_by=form.awarded_by.data, note=form.note.data)
        flash(_("Evaluation recorded."), "success")
        return redirect(url_for("monitoring.community", community_id=community.id))

    return form_page(form, None, submit, render=lambda: _community_page(
        community, _period(), evaluation_form=form)[0])


def _alert(alert_id):
    alert = scoping.get_authorized_or_404(Alert, alert_id, current_user, "alert.handle")
    return alert


def _back(alert):
    target = request.form.get("next")
    if target == "community":
        return redirect(url_for("monitoring.community", community_id=alert.community_id))
    return redirect(url_for("monitoring.index"))


@bp.post("/alerts/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id):
    alert = _alert(alert_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        alert_services.acknowledge(alert, actor=actor(), note=form.note.data)
        flash(_("Alert acknowledged."), "success")
    else:
        flash(_("The note is too long."), "danger")
    return _back(alert)


@bp.post("/alerts/<int:alert_id>/close")
@login_required
def close_alert(alert_id):
    alert = _alert(alert_id)
    form = CloseAlertForm()
    if not form.validate_on_submit():
        flash(_("Say what was done about it."), "danger")
        return _back(alert)
    alert_services.close(alert, actor=actor(), note=form.note.data)
    flash(_("Alert closed."), "success")
    return _back(alert)
