"""`flask scheduler` and `flask jobs ...`."""
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="List and run the periodic jobs.")


def register_scheduler(app):
    """`flask scheduler` (filled in by the jobs work)."""
