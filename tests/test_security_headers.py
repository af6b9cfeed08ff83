"""Security headers and a content security policy without inline scripts (issue 7, H1-H2)."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


def test_pages_carry_the_security_headers(client):
    response = client.get("/login")
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in \
        policy["script-src"]
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_api_carries_them_too(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and "Content-Security-Policy" in response.headers


def test_no_template_has_an_inline_script_or_event_handler():
    """The CSP forbids inline scripts, so none may be written: scripts come from static/."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(TEMPLATES)}: inline script"
                  for _m in inline_script.finditer(text)]
        found += [f"{path.relative_to(TEMPLATES)}: event handler" for _m in handler.finditer(text)]
    assert found == []
