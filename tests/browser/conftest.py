"""Browser journeys (issue 7): Playwright drives Debian's Chromium against the app served on
127.0.0.1 by a werkzeug server in a thread, with the demo district loaded into a database of its
own (a fresh SQLite file, or a fresh PostgreSQL database beside the suite's `test` when
TEST_DATABASE_URL is set) and online payment through localstripe.

Each language gets its own database and server, so a journey in Chinese and the same journey in
English start from the same demo. Screenshots of the main pages go to artifacts/screenshots/<lang>/
(PROPMGMT_SCREENSHOTS moves it); the README's pictures are copied from there.

These tests never skip: without Chromium they fail and say how to install it (`make test` and
.ci/run install it from Debian's packages when it is missing).
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from propmgmt.config import normalize_database_url
from propmgmt.db import db
from tests.billing import stripe_server
from tests.billing.stripe_server import localstripe  # noqa: F401 (the session's server)
from tests.conftest import TEST_DATABASE_URL
from tests.conftest import make_app

LANGUAGES = ("zh", "en")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("PROPMGMT_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ACCEPT_LANGUAGE = {"zh": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.9"}
TIMEOUT_MS = 15000


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("Chromium is not installed: `apt-get install -y chromium` (Debian's package; "
                "`make test` and .ci/run do this when it is missing)")
    return None


@pytest.fixture(autouse=True)
def session():
    """No rolled-back test session here: the served app commits for real, in its own database
    (the suite's rolled-back session would capture every request of every app)."""
    yield None


def _postgres(statement):
    admin = sa.create_engine(normalize_database_url(TEST_DATABASE_URL),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(statement)
    admin.dispose()


def _browser_database(lang):
    return f"{sa.engine.make_url(TEST_DATABASE_URL).database}_browser_{lang}"


def _fresh_database(lang, tmp_path_factory):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path_factory.mktemp(f'browser-{lang}') / 'journeys.sqlite3'}"
    name = _browser_database(lang)
    _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(normalize_database_url(TEST_DATABASE_URL))
    return url.set(database=name).render_as_string(hide_password=False)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """The app served on 127.0.0.1 in a thread until stop()."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True,
                                  request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module", params=LANGUAGES)
def live(request, tmp_path_factory, localstripe):  # noqa: F811 (the fixture imported above)
    """(language, server) with the demo loaded; paying through localstripe, whose webhooks reach
    this server."""
    lang = request.param
    url = _fresh_database(lang, tmp_path_factory)
    uploads = tmp_path_factory.mktemp(f"uploads-{lang}")
    app = make_app(url, WTF_CSRF_ENABLED=True, SERVER_NAME=None, UPLOAD_DIR=str(uploads),
                   SECRET_KEY=f"browser-{lang}", **stripe_server.app_config(localstripe.url))
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    server = LiveServer(app)
    localstripe.flush()
    localstripe.request("POST", "/_config/webhooks/propmgmt",
                        {"url": server.url + stripe_server.WEBHOOK_PATH,
                         "secret": stripe_server.WEBHOOK_SECRET})
    try:
        yield lang, server
    finally:
        server.stop()
        localstripe.register_webhook()  # back to the billing tests' receiver
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if TEST_DATABASE_URL:
            _postgres(f'DROP DATABASE IF EXISTS "{_browser_database(lang)}" WITH (FORCE)')


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only these tests need it)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _block_scoped(route):
    """localstripe's mock Stripe.js declares a global `class Element`, which shadows the DOM's
    Element and breaks Bootstrap on the pay page (the real Stripe.js does not): serve it inside a
    block, where the class stays local and `Stripe = ...` still sets the global."""
    response = route.fetch()
    route.fulfill(response=response, body="{\n" + response.text() + "\n}\n")


class Journey:
    """One person's browser: a context in their language and on their device, logged in."""

    def __init__(self, browser, live, device):
        self.lang, self.server = live
        self.context = browser.new_context(
            base_url=self.server.url, locale="zh-CN" if self.lang == "zh" else "en-GB",
            extra_http_headers={"Accept-Language": ACCEPT_LANGUAGE[self.lang]}, **device)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(self.server.app.config["STRIPE_JS_URL"] + "**", _block_scoped)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(
            f"{error} at {self.page.url}: {error.stack}"))
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def login(self, username, password="demo-pass-2026"):
        page = self.page
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        assert page.locator("html").get_attribute("lang").startswith(self.lang)

    def shot(self, name):
        folder = SCREENSHOTS / self.lang
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live):
    """journey(device) -> a Journey; every context is closed after the test, and a page that
    threw a script error or broke the content security policy fails the test."""
    opened = []

    def start(device=DESKTOP):
        opened.append(Journey(browser, live, device))
        return opened[-1]

    yield start
    errors = [error for j in opened for error in j.errors]
    for j in opened:
        j.close()
    assert not errors, errors
