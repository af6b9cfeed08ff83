"""From a month's counts to rates, the backsliding index (反弹指数) and its alerts.

Everything is a pure function of stored counts, so the dashboard, the API, the PDF report and
the indicator run agree. A rate whose denominator is 0 is None ("no data", DOMAIN rule 45),
never 0% or 100%. The index is Σ wᵢ·sᵢ over the components that have data (each sᵢ on 0-100),
re-weighted over those present; below MIN_WEIGHT of weight present it is None.

The weights, thresholds and red lines below are the DOMAIN §8 proposal; a district overrides
them with the MONITORING setting (a dict with the same keys), and the dashboard shows the ones
in force.
"""
from fractions import Fraction
from statistics import median

from flask import current_app
from flask_babel import lazy_gettext as _l

DEFAULTS = {
    "weights": {"collection": 20, "on_time": 20, "satisfaction": 20, "inspection_pass": 15,
                "complaint_density": 10, "facility_intact": 10, "governance": 5},
    "index_threshold": 60,       # alert below this
    "index_drop": 10,            # alert when the index falls by more than this in a month
    "min_weight": 50,            # index needs components worth at least this much weight
    "red_lines": {"collection_rate": 60, "on_time_rate": 80, "response_rate": 90,
                  "inspection_completion": 90},
    "satisfaction_falls": 3,     # alert after this many monthly falls in a row
    "complaints_per_100": 1,     # reference complaint density without 3 months of history
    "amber_margin": 10,          # amber = within this many points above a red line
}

COMPONENT_LABELS = {
    "collection": _l("Fee collection"),
    "on_time": _l("On-time resolution"),
    "satisfaction": _l("Satisfaction"),
    "inspection_pass": _l("Inspection pass rate"),
    "complaint_density": _l("Complaint density"),
    "facility_intact": _l("Facilities intact"),
    "governance": _l("Joint meetings"),
}
RATE_LABELS = {
    "collection_rate": _l("Collection rate (amount)"),
    "collection_rate_dwellings": _l("Collection rate (dwellings)"),
    "response_rate": _l("Responded on time"),
    "on_time_rate": _l("Resolved on time"),
    "reopen_rate": _l("Reopen rate"),
    "tickets_per_100": _l("Tickets per 100 dwellings"),
    "complaints_per_100": _l("Complaints per 100 dwellings"),
    "rating_good_rate": _l("Ratings of 4 or 5"),
    "satisfaction": _l("Satisfaction score"),
    "inspection_completion": _l("Inspections done"),
    "inspection_pass": _l("Inspection pass rate"),
    "facility_intact": _l("Facilities in good condition"),
}


def settings():
    """The defaults overridden by the app's MONITORING setting (one level deep)."""
    override = current_app.config.get("MONITORING") or {}
    merged = {**DEFAULTS, **override}
    for key in ("weights", "red_lines"):
        merged[key] = {**DEFAULTS[key], **override.get(key, {})}
    return merged


def _ratio(num, den, scale=100):
    return None if not den else Fraction(num * scale, den)


def rates(c):
    """Rates of one month's counts (a mapping of COUNTS), as Fractions in percent (or per 100
    dwellings); None without data."""
    answers = c.get("survey_answers", 0)
    satisfaction = (None if not answers
                    else (Fraction(c["survey_score_sum"], answers) - 1) / 4 * 100)
    return {
        "collection_rate": _ratio(c["paid_fen"], c["billed_fen"]),
        "collection_rate_dwellings": _ratio(c["paid_dwellings"], c["billed_dwellings"]),
        "response_rate": _ratio(c["responded_on_time"], c["response_due"]),
        "on_time_rate": _ratio(c["resolved_on_time"], c["resolution_due"]),
        "reopen_rate": _ratio(c["reopened"], c["resolved"]),
        "tickets_per_100": _ratio(c["tickets_opened"], c["dwellings"]),
        "complaints_per_100": _ratio(c["complaints_opened"], c["dwellings"]),
        "rating_good_rate": _ratio(c["rated_good"], c["rated"]),
        "rating_average": None if not c["rated"] else Fraction(c["rating_sum"], c["rated"]),
        "satisfaction": satisfaction,
        "inspection_completion": _ratio(c["inspections_done_on_time"], c["inspections_due"]),
        "inspection_pass": _ratio(c["findings_passed"], c["findings_checked"]),
        "facility_intact": _ratio(c["facilities_good"], c["facilities"]),
    }


def _clamp(value):
    return max(Fraction(0), min(Fraction(100), value))


def components(c, rate, reference_density, config):
    """Each component on 0-100, or None without data."""
    satisfaction = rate["satisfaction"]
    if satisfaction is None:  # no survey this month: the share of good ticket ratings
        satisfaction = rate["rating_good_rate"]
    density = rate["complaints_per_100"]
    reference = Fraction(reference_density) if reference_density else Fraction(
        config["complaints_per_100"])
    return {
        "collection": rate["collection_rate"],
        "on_time": rate["on_time_rate"],
        "satisfaction": satisfaction,
        "inspection_pass": rate["inspection_pass"],
        # at the community's own usual density: 50; none: 100; twice the usual or more: 0
        "complaint_density": None if density is None else _clamp(100 - 50 * density / reference),
        "facility_intact": rate["facility_intact"],
        "governance": Fraction(50 * (c["meetings_held"] > 0)
                               + 50 * (c["action_items_overdue"] == 0)),
    }


def index(parts, config):
    """Σ wᵢ·sᵢ / Σ wᵢ over the components with data; None below min_weight of weight present."""
    weights = config["weights"]
    present = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
    weight = sum(weights[k] for k in present)
    if weight < config["min_weight"]:
        return None
    return sum(Fraction(weights[k]) * v for k, v in present.items()) / weight


def reference_density(history):
    """The median complaint density of the community's earlier months with data (≥ 3), else
    None (the configured reference applies)."""
    values = [Fraction(h["complaints_opened"] * 100, h["dwellings"]) for h in history
              if h.get("dwellings")]
    return median(values) if len(values) >= 3 else None


def x100(value):
    """A Fraction percentage as an integer in hundredths (rounded half up), None stays None."""
    if value is None:
        return None
    return int((value * 100 + Fraction(1, 2)) // 1)


def alerts(rate, index_value, previous_index, satisfaction_history, config):
    """[(kind, indicator, value, threshold)] for one community and month (all Fractions or
    None; the caller stores them in hundredths)."""
    found = []
    if index_value is not None and index_value < config["index_threshold"]:
        found.append(("index_low", "", index_value, Fraction(config["index_threshold"])))
    if (index_value is not None and previous_index is not None
            and previous_index - index_value > config["index_drop"]):
        found.append(("index_drop", "", index_value, previous_index - config["index_drop"]))
    for name, line in config["red_lines"].items():
        value = rate.get(name)
        if value is not None and value < line:
            found.append(("red_line", name, value, Fraction(line)))
    falls = config["satisfaction_falls"]
    series = [v for v in satisfaction_history if v is not None][-(falls + 1):]
    if len(series) == falls + 1 and all(b < a for a, b in zip(series, series[1:],
                                                               strict=False)):
        found.append(("red_line", "satisfaction_falling", series[-1], series[0]))
    return found


def rag(name, value, config):
    """red / amber / green / None for a rate against its red line (higher is better)."""
    line = config["red_lines"].get(name)
    if value is None or line is None:
        return None
    if value < line:
        return "red"
    return "amber" if value < line + config["amber_margin"] else "green"


def index_rag(value, config):
    if value is None:
        return None
    if value < config["index_threshold"]:
        return "red"
    return "amber" if value < config["index_threshold"] + config["amber_margin"] else "green"
