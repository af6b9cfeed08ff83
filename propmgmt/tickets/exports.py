"""The ticket list as XLSX or CSV, with the columns a manager reads."""
import csv
import io

from flask import Response
from flask_babel import format_datetime
from flask_babel import gettext as _

from propmgmt.communities import modes
from propmgmt.exports import safe_cell
from propmgmt.exports import xlsx_response
from propmgmt.tickets import vocab


def _headers():
    return [_("Number"), _("Kind"), _("Category"), _("Priority"), _("Status"), _("Title"),
            _("Dwelling or place"), _("Handler"), _("Filed"), _("Due"), _("Overdue"),
            _("Reopened"), _("Rating")]


def _rows(tickets):
    for t in tickets:
        yield [t.id, str(vocab.KINDS[t.kind]), str(vocab.CATEGORIES[t.kind].get(t.category, "")),
               str(vocab.PRIORITIES[t.priority]), str(vocab.STATUSES[t.status]), t.title,
               t.dwelling.label if t.dwelling else (t.location or ""),
               str(modes.ORG_LABELS.get(t.handler_kind, t.handler_kind)),
               format_datetime(t.created_at, "yyyy-MM-dd HH:mm"),
               format_datetime(t.current_due_at(), "yyyy-MM-dd HH:mm"),
               _("yes") if t.is_overdue() else "", t.reopen_count, t.rating or ""]


def response(community, tickets, fmt):
    name = f"tickets-{community.id}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(name, _headers(), _rows(tickets), title=community.name)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    writer.writerows([safe_cell(cell) for cell in row] for row in _rows(tickets))
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
