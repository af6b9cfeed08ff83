"""The indicator job: a module-level function the scheduler imports by name."""
from propmgmt.monitoring import indicators as monitoring_indicators


def compute():
    """Recompute last month and this month for every community (idempotent), so the dashboard
    shows current figures and late entries of last month still count."""
    this = monitoring_indicators.this_month()
    last = monitoring_indicators.previous_periods(this, 1)[0]
    done = [monitoring_indicators.run(period) for period in (last, this)]
    return (f"{last}: {done[0][0]} communities, {done[0][1]} alerts; "
            f"{this}: {done[1][0]} communities, {done[1][1]} alerts")
