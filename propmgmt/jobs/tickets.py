"""Ticket jobs: module-level functions the scheduler imports by name (APScheduler FAQ)."""
from propmgmt.tickets import escalation


def escalate():
    """Move every overdue ticket one level up; idempotent (each missed deadline counts once)."""
    return f"escalated {escalation.escalate_overdue()} missed deadlines"
