"""Query budget: how many SQL statements each measured page issues, counted in-process.

A `before_cursor_execute` listener on the app's engine counts every statement sent to the
database (executemany counts once) while Flask's test client requests the page; each page is
requested once first (so one-time work such as loading a user's memberships into a cache does
not count) and then counted. Run at a small and at the full district: a page whose count grows
with the rows has an N+1.
"""
import sqlalchemy as sa

import people
from propmgmt.db import db


class Counter:
    def __init__(self):
        self.count, self.statements = 0, []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(" ".join(statement.split())[:160])


def count(app, found):
    """{page: statements} for found["pages"] (see people.create); checks each answers 200."""
    result, detail = {}, {}
    with app.app_context():
        engine = db.engine
    clients = {}
    for who in found["users"]:
        clients[who] = app.test_client()
        people.login_client(clients[who], found["users"][who])
    anonymous = app.test_client()
    for page, (url, who) in found["pages"].items():
        client = clients.get(who, anonymous)
        headers = people.headers_for("token", {}, found["token"]) if who == "token" else {}
        first = client.get(url, headers=headers)
        if first.status_code != 200:
            raise RuntimeError(f"{page} {url}: {first.status_code}")
        counter = Counter()
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            response = client.get(url, headers=headers)
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)
        if response.status_code != 200:
            raise RuntimeError(f"{page} {url}: {response.status_code}")
        result[page], detail[page] = counter.count, counter.statements
    return result, detail
