"""What people do to a ticket: workflow actions, ratings, photos; and the deadline settings."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt.auth.throttle import upload_limits
from propmgmt.communities import queries as community_queries
from propmgmt.db import utcnow
from propmgmt.communities.views import community_for
from propmgmt.forms import form_page
from propmgmt.tickets import deadlines
from propmgmt.tickets import photos as photo_store
from propmgmt.tickets import queries
from propmgmt.tickets import services
from propmgmt.tickets import workflow
from propmgmt.tickets.forms import ActionForm
from propmgmt.tickets.forms import DeadlineForm
from propmgmt.tickets.forms import RatingForm
from propmgmt.tickets.views import bp
from propmgmt.web import actor as _actor
from propmgmt.web import to_row_id


def _action_form(ticket, action, formdata=None):
    form = ActionForm(formdata=formdata, prefix=action, action=action)
    form.assignee_id.choices = [(str(uid), name) for uid, name, _roles in
                                queries.assignable_members(ticket.community)]
    return form


def detail_page(ticket, forms=None, status=200):
    forms = forms or {}
    actions = workflow.available(current_user, ticket)
    action_forms = {a: forms.get(a) or _action_form(ticket, a) for a in actions}
    rating_form = forms.get("rating") or (RatingForm() if workflow.may_rate(current_user, ticket)
                                          else None)
    organizations = {o.kind: o for o in community_queries.organizations(ticket.community)}
    return render_template("tickets/detail.html", ticket=ticket,
                           events=queries.timeline(ticket), photos=queries.photos(ticket),
                           action_forms=action_forms, rating_form=rating_form,
                           organizations=organizations, now=utcnow()), status


@bp.post("/tickets/<int:ticket_id>/actions/<action>")
@login_required
@upload_limits()
def act(ticket_id, action):
    ticket = queries.get_visible_or_404(ticket_id, current_user)
    if action not in workflow.TRANSITIONS:
        abort(404)
    form = _action_form(ticket, action, request.form)

    def submit():
        assignee = form.assignee_id.data if action == "assign" else None
        services.transition(ticket=ticket, action=action, actor=_actor(),
                            note=form.note.data,
                            assignee_id=to_row_id(assignee),
                            photos=request.files.getlist(form.photos.name))
        flash(_("Done: %(action)s.", action=workflow_label(action)), "success")
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))

    return form_page(form, None, submit, render=lambda: detail_page(ticket, {action: form}, 422)[0])


def workflow_label(action):
    from propmgmt.tickets import vocab  # noqa: PLC0415

    return str(vocab.ACTIONS.get(action, action))


@bp.post("/tickets/<int:ticket_id>/rating")
@login_required
def rate(ticket_id):
    ticket = queries.get_visible_or_404(ticket_id, current_user)
    form = RatingForm()

    def submit():
        services.rate(ticket=ticket, actor=_actor(),
                      score=form.score.data, comment=form.comment.data)
        flash(_("Thank you for your rating."), "success")
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))

    return form_page(form, None, submit,
                     render=lambda: detail_page(ticket, {"rating": form}, 422)[0])


@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>")
@login_required
def photo(ticket_id, photo_id):
    """Photos are served only to those who may see the ticket, never from static/."""
    ticket = queries.get_visible_or_404(ticket_id, current_user)
    found = queries.photo(ticket, photo_id)
    path = photo_store.path_of(found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/communities/<int:community_id>/ticket-deadlines", methods=["GET", "POST"])
@login_required
def deadlines_page(community_id):
    community = community_for(community_id, "ticket.deadlines")
    form = DeadlineForm()

    def submit():
        deadlines.set_limits(community=community, kind=form.kind.data,
                             category=form.category.data, priority=form.priority.data,
                             response_minutes=form.response_minutes.data,
                             resolution_minutes=form.resolution_hours.data * 60,
                             actor=_actor())
        flash(_("Deadlines saved."), "success")
        return redirect(url_for("tickets.deadlines_page", community_id=community.id))

    def render():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return render_template("tickets/deadlines.html", community=community, form=form,
                               table=deadlines.table(community.id))

    return form_page(form, None, submit, render=render)

