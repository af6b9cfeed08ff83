"""Demo users of the generated district, logged in the way a browser or an API client does.

`create(app)` adds, through the app's own services (propmgmt.auth.services):
- a resident bound to the first dwelling of the busiest community (the bill page),
- that community's property manager (the ticket queue; a bearer token for the ticket API),
- a party secretary holding the role in every community (the dashboard over all of them).
`login_http` logs in through POST /login with the form's CSRF token (CSRF stays enabled) and
returns the session cookie; `login_client` does the same with Flask's test client.
"""
import http.cookiejar
import re
import urllib.parse
import urllib.request

import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth import services
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.tickets.models import Ticket

PASSWORD = "bench-Quiet-harbour-2026"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def create(app, period):
    """Create the users; returns {"users": {who: username}, "token": raw, "urls": {page: url},
    "community": (id, tickets)}."""
    with app.app_context():
        counts = db.session.execute(sa.select(Ticket.community_id, sa.func.count())
                                    .group_by(Ticket.community_id)
                                    .order_by(sa.func.count().desc(), Ticket.community_id)
                                    .limit(1)).first()
        cid, tickets = counts if counts else (1, 0)
        community = db.session.get(Community, cid)
        dwelling = db.session.scalar(sa.select(Dwelling).where(Dwelling.community_id == cid)
                                     .order_by(Dwelling.id).limit(1))
        services.create_user(username="bench_resident", password=PASSWORD, role=roles.RESIDENT,
                             community=community, dwelling=dwelling)
        manager = services.create_user(username="bench_manager", password=PASSWORD,
                                       role=roles.PROPERTY_MANAGER, community=community)
        secretary = services.create_user(username="bench_secretary", password=PASSWORD)
        for other in db.session.scalars(sa.select(Community).order_by(Community.id)):
            services.grant_role(user=secretary, role=roles.PARTY_SECRETARY, community=other)
        token, _row = services.issue_token(manager)
        dwelling_id = dwelling.id
    return {
        "users": {"resident": "bench_resident", "manager": "bench_manager",
                  "secretary": "bench_secretary"},
        "token": token, "community": (cid, tickets),
        # page: (url, who: a username for a cookie session, "token" for the bearer token, None)
        "pages": {
            "hello": ("/bench/hello", None),
            "bill page": (f"/dwellings/{dwelling_id}/bills", "resident"),
            "ticket queue": (f"/communities/{cid}/tickets", "manager"),
            "dashboard": (f"/monitoring?period={period}", "secretary"),
            "ticket API": (f"/api/v1/communities/{cid}/tickets", "token"),
        },
    }


def login_http(base, username):
    """Log in at a running server through the form; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=30) as response:
        token = TOKEN.search(response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrf_token": token}).encode()
    with opener.open(f"{base}/login", data=form, timeout=60) as response:
        if "/login" in response.geturl():
            raise RuntimeError(f"login of {username} failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def login_client(client, username):
    """The same through Flask's test client (its cookie jar keeps the session)."""
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"login of {username} failed: {response.status_code}")


def headers_for(who, cookies, token):
    """Request headers of a page's user: its session cookie, or the API's bearer token."""
    if who == "token":
        return {"Authorization": f"Bearer {token}"}
    return {"Cookie": cookies[who]} if who else {}
