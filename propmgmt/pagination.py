"""Pagination of a select, shared by pages and the API."""
import math

import sqlalchemy as sa

from propmgmt.db import db

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


class Page:
    def __init__(self, items, page, per_page, total):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def paginate(stmt, page=1, per_page=20):
    """One COUNT and one page of rows, whatever the table size; out-of-range pages are empty."""
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)
