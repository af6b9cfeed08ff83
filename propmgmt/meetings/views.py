"""Pages of joint meetings: the list with the action-item ledger, a meeting, its follow-up."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy.orm import selectinload

from propmgmt import scoping
from propmgmt.communities import modes
from propmgmt.communities.views import community_for
from propmgmt.db import utcnow
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.localtime import aware
from propmgmt.meetings import forms
from propmgmt.meetings import queries
from propmgmt.meetings import services
from propmgmt.meetings.models import ActionItem
from propmgmt.meetings.models import ActionItemUpdate
from propmgmt.meetings.models import Meeting
from propmgmt.web import actor

bp = Blueprint("meetings", __name__)


def _filters():
    status = request.args.get("status", "open")
    org = request.args.get("org")
    return (status if status in forms.ITEM_STATUS_LABELS else None,
            org if org in modes.ORG_LABELS else None)


@bp.get("/communities/<int:community_id>/meetings")
@login_required
def index(community_id):
    community = community_for(community_id, "meeting.view")
    status, org = _filters()
    today = services.local_today(community)
    return render_template(
        "meetings/index.html", community=community, today=today, status=status, org=org,
        meetings=queries.community_meetings(community),
        items=queries.ledger(community, status=status, org=org),
        overdue=queries.by_org(queries.ledger(community, overdue_on=today)),
        labels=forms, now=utcnow())


@bp.get("/communities/<int:community_id>/action-items.xlsx")
@login_required
def export_items(community_id):
    community = community_for(community_id, "meeting.view")
    status, org = _filters()
    today = services.local_today(community)
    rows = [(i.id, i.title, str(modes.ORG_LABELS[i.owner_org]), i.due_on,
             str(forms.ITEM_STATUS_LABELS[i.status]), _("yes") if i.is_overdue(today) else "",
             i.closed_on, i.meeting.title)
            for i in queries.ledger(community, status=status, org=org)]
    headers = [_("No."), _("Action item"), _("Owned by"), _("Due on"), _("Status"), _("Overdue"),
               _("Closed on"), _("Meeting")]
    return xlsx_response(f"action-items-{community.id}.xlsx", headers, rows,
                         title=_("Action items"))


@bp.route("/communities/<int:community_id>/meetings/new", methods=["GET", "POST"])
@login_required
def create(community_id):
    community = community_for(community_id, "meeting.manage")
    form = forms.MeetingForm()

    def submit():
        meeting = services.schedule(
            community=community, actor=actor(), title=form.title.data, kind=form.kind.data,
            scheduled_at=aware(form.scheduled_at.data, community), place=form.place.data,
            agenda=form.agenda.data, orgs=form.orgs.data)
        flash(_("Meeting scheduled; the invited organizations were notified."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))

    return form_page(form, "meetings/new.html", submit, community=community)


DETAIL = (selectinload(Meeting.items).selectinload(ActionItem.updates)
          .selectinload(ActionItemUpdate.author),)


def _meeting(meeting_id, action="meeting.view"):
    meeting = scoping.get_authorized_or_404(Meeting, meeting_id, current_user, action,
                                            options=DETAIL)
    return meeting


def _detail(meeting, *, minutes=None, item=None, cancel=None, updates=None, status=200):
    updates = updates or {}
    return render_template(
        "meetings/detail.html", meeting=meeting, community=meeting.community, labels=forms,
        minutes_form=minutes or forms.minutes_form(meeting), item_form=item or forms.ItemForm(
            prefix="i"), cancel_form=cancel or forms.CancelForm(prefix="c"),
        publish_form=forms.PublishForm(prefix="p"),
        update_forms={i.id: updates.get(i.id) or forms.UpdateForm(
            prefix=f"u{i.id}", version=i.version) for i in meeting.items},
        today=services.local_today(meeting.community)), status


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id):
    return _detail(_meeting(meeting_id))


def _back(meeting, message):
    flash(message, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id):
    meeting = _meeting(meeting_id, "meeting.manage")
    form = forms.minutes_form(meeting, formdata=request.form)

    def submit():
        services.record_minutes(meeting, actor=actor(), minutes=form.minutes.data,
                                attendance=forms.attendance_of(form, meeting),
                                held_at=aware(form.held_at.data, meeting.community))
        return _back(meeting, _("Minutes saved."))

    return form_page(form, None, submit, render=lambda: _detail(meeting, minutes=form)[0])


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id):
    meeting = _meeting(meeting_id, "meeting.manage")
    form = forms.CancelForm(prefix="c")

    def submit():
        services.cancel(meeting, actor=actor(), reason=form.reason.data)
        return _back(meeting, _("Meeting cancelled."))

    return form_page(form, None, submit, render=lambda: _detail(meeting, cancel=form)[0])


@bp.post("/meetings/<int:meeting_id>/items")
@login_required
def add_item(meeting_id):
    meeting = _meeting(meeting_id, "meeting.manage")
    form = forms.ItemForm(prefix="i")

    def submit():
        services.add_item(meeting, actor=actor(), title=form.title.data,
                          owner_org=form.owner_org.data, due_on=form.due_on.data)
        return _back(meeting, _("Action item added; its organization was notified."))

    return form_page(form, None, submit, render=lambda: _detail(meeting, item=form)[0])


@bp.post("/meetings/<int:meeting_id>/publish")
@login_required
def publish(meeting_id):
    meeting = _meeting(meeting_id, "meeting.manage")
    form = forms.PublishForm(prefix="p")

    def submit():
        notice = services.publish_minutes(meeting, actor=actor())
        flash(_("Minutes published to the residents."), "success")
        return redirect(url_for("disclosure.detail", notice_id=notice.id))

    return form_page(form, None, submit, render=lambda: _detail(meeting)[0])


@bp.post("/action-items/<int:item_id>/updates")
@login_required
def update_item(item_id):
    item = scoping.get_authorized_or_404(ActionItem, item_id, current_user, "action_item.update")
    meeting = item.meeting
    form = forms.UpdateForm(prefix=f"u{item.id}")

    def submit():
        services.update_item(item, actor=actor(), body=form.body.data, status=form.status.data,
                             version=form.version_number())
        return _back(meeting, _("Update posted."))

    return form_page(form, None, submit,
                     render=lambda: _detail(meeting, updates={item.id: form})[0])
