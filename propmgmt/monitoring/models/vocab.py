"""Vocabulary of monitoring: renovation items and facility kinds (菜单式改造), conditions, stages."""
from flask_babel import lazy_gettext as _l

# The menu of renovation items; a facility has one of the same kinds.
KINDS = {
    "pipes": _l("Pipes"),
    "roof": _l("Roofs"),
    "exterior_wall": _l("Exterior walls"),
    "elevator": _l("Elevators"),
    "lighting": _l("Lighting"),
    "road": _l("Roads"),
    "drainage": _l("Drainage"),
    "greenery": _l("Greenery"),
    "parking": _l("Parking"),
    "fire_safety": _l("Fire safety"),
    "camera": _l("Security cameras"),
    "charging_point": _l("Charging points"),
    "waste_point": _l("Waste-sorting points"),
    "other": _l("Other"),
}
REPORT_STAGES = {
    "diagnosis": _l("Before: diagnosis"),
    "audit": _l("During: audit"),
    "acceptance": _l("After: inspection and acceptance"),
}
CONDITIONS = {
    "good": _l("Good"),
    "fair": _l("Fair"),
    "poor": _l("Poor"),
    "broken": _l("Broken"),
}
FREQUENCIES = {
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "quarterly": _l("Quarterly"),
}
TASK_STATUSES = {"open": _l("Open"), "done": _l("Done"), "missed": _l("Missed")}
FINDING_RESULTS = {"pass": _l("Pass"), "fail": _l("Fail"), "na": _l("Not applicable")}
EVALUATIONS = {
    "best_building": _l("Most beautiful building (最美楼栋)"),
    "clean_community": _l("Clean community (干净小区)"),
    "civilized_community": _l("Civilized community (文明社区)"),
}
ALERT_KINDS = {
    "index_low": _l("Backsliding index below the threshold"),
    "index_drop": _l("Backsliding index fell sharply"),
    "red_line": _l("An indicator crossed its red line"),
}
ALERT_STATUSES = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "closed": _l("Closed")}


def sql_in(values):
    """A CHECK constraint's IN list for a vocabulary."""
    return "IN (" + ", ".join(f"'{v}'" for v in values) + ")"
