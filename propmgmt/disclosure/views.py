"""Pages of notices and disclosures (公示), and the standing fee disclosure (明码标价)."""
import zoneinfo

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
from propmgmt import scoping
from propmgmt.communities import queries
from propmgmt.communities.views import community_for
from propmgmt.db import utcnow
from propmgmt.disclosure import services
from propmgmt.disclosure.forms import KIND_LABELS
from propmgmt.disclosure.forms import CommentForm
from propmgmt.disclosure.forms import CorrectionForm
from propmgmt.disclosure.forms import DraftForm
from propmgmt.disclosure.forms import NoticeForm
from propmgmt.disclosure.models import Notice
from propmgmt.disclosure.price_display import price_display as build_price_display
from propmgmt.errors import Invalid
from propmgmt.forms import form_page
from propmgmt.localtime import aware
from propmgmt.money import parse_yuan
from propmgmt.web import actor as _actor

bp = Blueprint("disclosure", __name__)



def _notice(notice_id, action="notice.view"):
    notice = scoping.get_authorized_or_404(Notice, notice_id, current_user, action)
    services.check_readable(notice, current_user)
    return notice


@bp.get("/communities/<int:community_id>/notices")
@login_required
def index(community_id):
    community = community_for(community_id, "notice.view")
    kind = request.args.get("kind") or None
    archive = request.args.get("archive") == "1"
    missing = (services.missing_annual_year(community)
               if policy.can(current_user, "disclosure.monitor", community) else None)
    return render_template(
        "disclosure/index.html", community=community, kind=kind, archive=archive,
        notices=services.community_notices(community, current_user, archive=archive, kind=kind),
        kinds=KIND_LABELS, missing_year=missing, now=utcnow())


def _amount(text, field):
    if not (text or "").strip():
        return None
    fen = parse_yuan(text)
    if fen is None or fen < 0:
        raise Invalid(fields={field: [_("Enter an amount in yuan, e.g. 1234.50.")]})
    return fen


@bp.route("/communities/<int:community_id>/notices/new", methods=["GET", "POST"])
@login_required
def create(community_id):
    community = community_for(community_id, "notice.publish")
    form = NoticeForm()
    form.building_id.choices = [(0, _("The whole community"))] + [
        (b.id, _("Building %(name)s", name=b.name)) for b, _n in queries.buildings(community)]

    def submit():
        notice = services.publish_notice(
            community=community, actor=_actor(), title=form.title.data, body=form.body.data,
            kind=form.kind.data, building_id=form.building_id.data or None,
            publish_at=aware(form.publish_at.data, community),
            expire_at=aware(form.expire_at.data, community), is_pinned=form.is_pinned.data,
            period_year=form.period_year.data, period_quarter=form.period_quarter.data or None,
            lines=services.parse_lines(form.lines.data),
            arrears_fen=_amount(form.arrears.data, "arrears"))
        flash(_("Notice published."), "success")
        return redirect(url_for("disclosure.detail", notice_id=notice.id))

    return form_page(form, "disclosure/new.html", submit, community=community)


def _draft_form(notice, form=None):
    if form is not None:
        return form
    zone = zoneinfo.ZoneInfo(notice.community.timezone)

    def local(value):
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    return DraftForm(prefix="d", data={
        "title": notice.title, "body": notice.body, "publish_at": local(notice.publish_at),
        "expire_at": local(notice.expire_at), "is_pinned": notice.is_pinned})


def _detail(notice, correction_form=None, comment_form=None, draft_form=None):
    return render_template(
        "disclosure/detail.html", notice=notice, community=notice.community,
        versions=services.versions(notice), comments=services.comments(notice),
        correction_form=correction_form or CorrectionForm(
            prefix="c", data={"title": notice.title, "body": notice.body}),
        comment_form=comment_form or CommentForm(prefix="m"), kinds=KIND_LABELS, now=utcnow(),
        draft_form=_draft_form(notice, draft_form))


@bp.get("/notices/<int:notice_id>")
@login_required
def detail(notice_id):
    return _detail(_notice(notice_id))


@bp.post("/notices/<int:notice_id>/correct")
@login_required
def correct(notice_id):
    notice = _notice(notice_id, "notice.publish")
    form = CorrectionForm(prefix="c")

    def submit():
        lines = services.parse_lines(form.lines.data) if (form.lines.data or "").strip() else None
        new = services.correct_notice(notice, actor=_actor(), title=form.title.data,
                                      body=form.body.data, lines=lines)
        flash(_("Corrected version %(version)s published.", version=new.version), "success")
        return redirect(url_for("disclosure.detail", notice_id=new.id))

    return form_page(form, None, submit, render=lambda: _detail(notice, correction_form=form))


@bp.post("/notices/<int:notice_id>/draft")
@login_required
def edit_draft(notice_id):
    notice = _notice(notice_id, "notice.publish")
    form = DraftForm(prefix="d")

    def submit():
        community = notice.community
        services.edit_draft(notice, actor=_actor(), title=form.title.data,
                            body=form.body.data or "",
                            publish_at=aware(form.publish_at.data, community),
                            expire_at=aware(form.expire_at.data, community),
                            is_pinned=form.is_pinned.data)
        flash(_("Draft saved."), "success")
        return redirect(url_for("disclosure.detail", notice_id=notice.id))

    return form_page(form, None, submit, render=lambda: _detail(notice, draft_form=form))


@bp.post("/notices/<int:notice_id>/comments")
@login_required
def comment(notice_id):
    notice = _notice(notice_id, "disclosure.comment")
    form = CommentForm(prefix="m")

    def submit():
        services.add_comment(notice, actor=_actor(), body=form.body.data)
        flash(_("Comment added."), "success")
        return redirect(url_for("disclosure.detail", notice_id=notice.id))

    return form_page(form, None, submit, render=lambda: _detail(notice, comment_form=form))


@bp.get("/communities/<int:community_id>/price-display")
@login_required
def price_display(community_id):
    community = community_for(community_id, "price_display.view")
    items = build_price_display(community)
    return render_template("disclosure/price_display.html", community=community, items=items,
                           present=sum(1 for _key, _label, value in items if value), total=len(items))
