"""The app as the benches serve it: `propmgmt.create_app` plus a hello-world route (the ceiling).

    gunicorn --pythonpath bench 'bench_app:create()'

The route exists only in this module, never in the production app (propmgmt/wsgi.py): it goes
through every hook the app runs on a request (request ids, logging, security headers, locale,
the session and login machinery) but does no work of its own, so its requests per second are
what this machine, this server and this app's stack can do at most. Pages are measured against it.
CSRF stays on: the bench logs in through the real form with its token (bench/people.py).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from propmgmt import create_app  # noqa: E402

HELLO = "/bench/hello"


def create(config=None):
    """The app (configured from the environment, `config` overriding) with the hello route."""
    app = create_app(config)

    @app.get(HELLO)
    def bench_hello():
        return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
