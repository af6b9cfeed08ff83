"""localstripe for the online payment tests (RELIABILITY.md section 1).

One server per test session, started by run_localstripe.py on a free 127.0.0.1 port with its own
TMPDIR (localstripe pickles its store to a fixed file in the temp folder), flushed before each
test. If it cannot start, the tests that need it FAIL, never skip: CI must run them.

Webhooks are delivered by the tests themselves: localstripe's own deliveries land in a small
receiver here (`sink`) and are forwarded to the Flask test client, and events localstripe does
not emit (charge.refunded, forged or altered ones) are built and signed here with the SDK.
"""
import dataclasses
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import stripe

SECRET_KEY = "sk_test_propmgmt"
PUBLISHABLE_KEY = "pk_test_propmgmt"
WEBHOOK_SECRET = "whsec_propmgmt_test"
WEBHOOK_PATH = "/payments/stripe/webhook"
SCRIPT = Path(__file__).with_name("run_localstripe.py")
START_TIMEOUT = 20


class Sink:
    """An HTTP receiver for localstripe's webhook deliveries: (body, Stripe-Signature) pairs."""

    def __init__(self):
        self.deliveries = []
        received = self.deliveries

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((body, self.headers.get("Stripe-Signature")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{WEBHOOK_PATH}"

    def wait_for(self, event_type, object_id=None, timeout=10):
        """The first delivery of `event_type` (about `object_id`); localstripe waits 1 s first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body, signature in list(self.deliveries):
                event = json.loads(body)
                if event["type"] == event_type and object_id in (None,
                                                                 event["data"]["object"]["id"]):
                    return body, signature
            time.sleep(0.05)
        raise AssertionError(f"localstripe delivered no {event_type} for {object_id}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@dataclasses.dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen
    sink: Sink
    log_path: Path
    started_in: float

    def request(self, method, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()

    def flush(self):
        """DELETE /_config/data: every object goes; registered webhooks stay (they live in memory)."""
        self.request("DELETE", "/_config/data")

    def register_webhook(self):
        self.request("POST", "/_config/webhooks/propmgmt",
                     {"url": self.sink.url, "secret": WEBHOOK_SECRET})

    def client(self):
        return stripe.StripeClient(SECRET_KEY, base_addresses={"api": self.url},
                                   max_network_retries=0)

    def authenticate(self, intent_id, client_secret, success=True):
        """What the mock Stripe.js does when the payer completes (or fails) 3-D Secure."""
        query = "true" if success else "false"
        return self.request("POST", f"/v1/payment_intents/{intent_id}/_authenticate?success={query}",
                            {"key": PUBLISHABLE_KEY, "client_secret": client_secret})

    def stop(self):
        self.sink.close()
        self.process.terminate()
        self.process.wait(5)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url):
    try:
        urllib.request.urlopen(url + "/v1/customers", timeout=1).close()
    except urllib.error.HTTPError as error:
        return error.code == 401  # up, and asking for a key
    except OSError:
        return False
    return True


def start(workdir):
    """Start localstripe and wait until it answers; pytest.fail (not skip) when it cannot."""
    log_path = workdir / "localstripe.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    began = time.monotonic()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(SCRIPT), str(port)], stdout=log,
                                   stderr=subprocess.STDOUT,
                                   env={**os.environ, "TMPDIR": str(workdir)})
    while time.monotonic() - began < START_TIMEOUT:
        if process.poll() is not None:
            pytest.fail(f"localstripe exited with {process.returncode}:\n{log_path.read_text()}")
        if _answers(url):
            server = LocalStripe(url=url, process=process, sink=Sink(), log_path=log_path,
                                 started_in=time.monotonic() - began)
            server.register_webhook()
            return server
        time.sleep(0.05)
    process.kill()
    process.wait(5)
    pytest.fail(f"localstripe did not answer within {START_TIMEOUT}s:\n{log_path.read_text()}")


def app_config(url, **overrides):
    """The app's Stripe settings against localstripe (no SDK retries: localstripe ignores keys)."""
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": url,
            "STRIPE_JS_URL": f"{url}/js.stripe.com/v3/", "STRIPE_MAX_NETWORK_RETRIES": 0,
            "STRIPE_TIMEOUT_SECONDS": 10, **overrides}


_running = []  # one server per test session, whichever module asks first


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """The session's localstripe (modules re-export this fixture; they share one server)."""
    if not _running:
        _running.append(start(tmp_path_factory.mktemp("localstripe")))
        print(f"localstripe 1.15.10 answered after {_running[0].started_in:.2f}s at "
              f"{_running[0].url}")
    yield _running[0]
    if _running:
        _running.pop().stop()


@pytest.fixture
def stripe_app(app, localstripe, monkeypatch):
    """The test app paying through localstripe, whose data is flushed first."""
    localstripe.flush()
    localstripe.register_webhook()
    localstripe.sink.deliveries.clear()
    for key, value in app_config(localstripe.url).items():
        monkeypatch.setitem(app.config, key, value)
    return app


# --- events, built and signed as Stripe does --------------------------------------------------

def event_payload(event_type, obj, event_id=None):
    return {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event",
            "type": event_type, "api_version": "2017-08-15", "created": int(time.time()),
            "livemode": False, "data": {"object": obj}}


def signature(body, secret=WEBHOOK_SECRET, timestamp=None):
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)


def post_webhook(client, body, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    return client.post(WEBHOOK_PATH, data=body, headers=headers)


def deliver(client, payload, secret=WEBHOOK_SECRET, timestamp=None):
    """Sign `payload` (a dict) and POST it to the webhook; the response."""
    body = json.dumps(payload)
    return post_webhook(client, body, signature(body, secret, timestamp))
