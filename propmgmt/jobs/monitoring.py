"""Monitoring jobs: module-level functions the scheduler imports by name (APScheduler FAQ)."""
from propmgmt.monitoring import inspections


def plan_inspections():
    """Create the inspection tasks due and mark the overdue ones missed; idempotent."""
    return inspections.plan_inspections().summary()
