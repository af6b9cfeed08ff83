"""`flask monitoring ...`: the monitoring jobs by hand (each is also a scheduler job)."""
from flask.cli import AppGroup

monitoring_cli = AppGroup("monitoring", help="Monitoring jobs: inspections and indicators.")

from propmgmt.monitoring import cli_indicators  # noqa: E402,F401
from propmgmt.monitoring import cli_inspections  # noqa: E402,F401
