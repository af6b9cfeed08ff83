"""Ticket pages: the queue, filing a ticket, one ticket with its timeline, exports."""
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import policy
from propmgmt.auth import services as auth_services
from propmgmt.auth.throttle import upload_limits
from propmgmt.communities import services as community_services
from propmgmt.communities.views import community_for
from propmgmt.db import utcnow
from propmgmt.errors import Invalid
from propmgmt.forms import form_page
from propmgmt.pagination import paginate
from propmgmt.tickets import exports
from propmgmt.tickets import intake
from propmgmt.tickets import queries
from propmgmt.tickets import services
from propmgmt.tickets.forms import StaffTicketForm
from propmgmt.tickets.forms import TicketForm
from propmgmt.tickets.intake import TicketInput
from propmgmt.web import actor as _actor
from propmgmt.web import to_row_id

bp = Blueprint("tickets", __name__)


def _filters():
    args = request.args
    return queries.Filters(status=args.get("status") or None, kind=args.get("kind") or None,
                           category=args.get("category") or None,
                           handler=args.get("handler") or None,
                           overdue=args.get("overdue") == "1", mine=args.get("mine") == "1")


@bp.get("/communities/<int:community_id>/tickets")
@login_required
def index(community_id):
    community = community_for(community_id)
    filters = _filters()
    page = paginate(queries.queue_stmt(community, current_user, filters),
                    request.args.get("page", 1, type=int), 25)
    return render_template("tickets/index.html", community=community, page=page,
                           filters=filters, now=utcnow(),
                           full_queue=policy.can(current_user, "ticket.queue", community))


@bp.get("/communities/<int:community_id>/tickets.<any(xlsx, csv):fmt>")
@login_required
def export(community_id, fmt):
    community = community_for(community_id, "ticket.export")
    tickets = queries.all_in_queue(community, current_user, _filters())
    return exports.response(community, tickets, fmt)


def _input_from(form, community, staff):
    data = TicketInput(kind=form.kind.data, category=form.category.data,
                       priority=form.priority.data, title=form.title.data,
                       description=form.description.data, location=form.location.data,
                       about_org=form.about_org.data or None, dwelling_id=None)
    if not staff:
        data.dwelling_id = to_row_id(form.dwelling_id.data)
        return data
    label = (form.dwelling_label.data or "").strip()
    if label:
        dwelling = community_services.find_dwelling(community, label)
        if dwelling is None:
            raise Invalid(fields={"dwelling_label": [_("No dwelling %(label)s in %(community)s.",
                                                       label=label, community=community.name)]})
        data.dwelling_id = dwelling.id
    username = (form.reporter_username.data or "").strip()
    if username:
        data.reporter = auth_services.find_user(username)
        if data.reporter is None:
            raise Invalid(fields={"reporter_username": [_("No user with this username.")]})
    data.channel, data.external_ref = form.channel.data, form.external_ref.data
    data.reporter_name, data.reporter_phone = form.reporter_name.data, form.reporter_phone.data
    return data


@bp.route("/communities/<int:community_id>/tickets/new", methods=["GET", "POST"])
@login_required
@upload_limits()
def create(community_id):
    community = community_for(community_id, "ticket.file")
    staff = intake.files_for_others(current_user, community)
    form = StaffTicketForm() if staff else TicketForm()
    own = services.dwellings_for_filing(current_user, community)
    form.dwelling_id.choices = [(str(d.id), d.label) for d in own] + [("", _("Common area"))]

    def submit():
        ticket = services.open_ticket(community=community, actor=_actor(),
                                      data=_input_from(form, community, staff),
                                      photos=request.files.getlist(form.photos.name))
        flash(_("Ticket #%(id)s filed. You can follow it here.", id=ticket.id), "success")
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))

    return form_page(form, "tickets/new.html", submit, community=community, staff=staff)


@bp.get("/tickets/<int:ticket_id>")
@login_required
def detail(ticket_id):
    from propmgmt.tickets.views_actions import detail_page  # noqa: PLC0415

    return detail_page(queries.get_visible_or_404(ticket_id, current_user))


from propmgmt.tickets import views_actions  # noqa: E402,F401  (registers routes on bp)
