"""Pages of owners' votes: the list, opening a vote, the vote with its ballot form and result."""

import sqlalchemy as sa
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities.views import community_for
from propmgmt.db import utcnow
from propmgmt.forms import form_page
from propmgmt.localtime import aware
from propmgmt.governance import cycle
from propmgmt.governance import rules
from propmgmt.governance import votes
from propmgmt.governance.forms import AnswerForm
from propmgmt.governance.forms import BallotForm
from propmgmt.governance.forms import ObjectionForm
from propmgmt.governance.forms import PaperBallotForm
from propmgmt.governance.forms import StepForm
from propmgmt.governance.forms import VoteForm
from propmgmt.governance.forms import option_choices
from propmgmt.governance.models import Vote
from propmgmt.governance.models import VoteObjection
from propmgmt.web import actor as _actor

bp = Blueprint("governance", __name__)



def _vote(vote_id, action="vote.view"):
    vote = scoping.get_authorized_or_404(Vote, vote_id, current_user, action)
    return vote


@bp.get("/communities/<int:community_id>/votes")
@login_required
def index(community_id):
    community = community_for(community_id, "vote.view")
    stmt = scoping.visible(sa.select(Vote), current_user, Vote)
    return render_template("governance/index.html", community=community,
                           votes=votes.community_votes(stmt, community), now=utcnow())


@bp.route("/communities/<int:community_id>/votes/new", methods=["GET", "POST"])
@login_required
def create(community_id):
    community = community_for(community_id, "vote.create")
    form = VoteForm()

    def submit():
        options = [o for o in (form.options.data or "").replace("，", ",").split(",") if o.strip()]
        vote = votes.open_vote(
            community=community, actor=_actor(), title=form.title.data,
            description=form.description.data, item=form.item.data or None,
            matter=form.matter.data, options=options or None,
            opens_at=aware(form.opens_at.data, community),
            closes_at=aware(form.closes_at.data, community),
            objection_days=form.objection_days.data or 7)
        flash(_("Vote announced: the notice is posted and the owners are told."), "success")
        return redirect(url_for("governance.detail", vote_id=vote.id))

    return form_page(form, "governance/new.html", submit, community=community)


def _forms(vote):
    ballot, paper = BallotForm(prefix="b"), PaperBallotForm(prefix="p")
    ballot.option.choices = paper.option.choices = option_choices(vote)
    paper.person_id.choices = [(p.id, p.name) for p in votes.owners_to_enter(vote)]
    return ballot, paper


def _detail(vote, ballot_form, paper_form, status=200, objection_form=None, answer_forms=None):
    now = utcnow()
    objections = cycle.objections(vote)
    answer_forms = answer_forms or {}
    manage = policy.can(current_user, "vote.manage", vote)
    return render_template(
        "governance/detail.html", vote=vote, community=vote.community,
        result=votes.result(vote), buildings=votes.turnout_by_building(vote),
        phase=cycle.phase(vote, now), phases=cycle.PHASES, cycle=cycle, manage=manage,
        objections=objections, objection_form=objection_form or ObjectionForm(prefix="o"),
        answer_forms={o.id: answer_forms.get(o.id) or AnswerForm(prefix=f"a{o.id}")
                      for o in objections if o.response is None},
        step_form=StepForm(), reminders_sent=cycle.reminders_sent(vote) if manage else 0,
        non_voters=cycle.non_voters(vote) if manage else (set(), set()),
        voter_status=votes.voter_status(vote, current_user), ballot_form=ballot_form,
        paper_form=paper_form, can_enter=policy.can(current_user, "vote.enter_paper", vote),
        options=dict(option_choices(vote)), m2=votes.m2, percent=votes.percent,
        matter_labels=rules.MATTER_LABELS, now=now), status


@bp.get("/votes/<int:vote_id>")
@login_required
def detail(vote_id):
    vote = _vote(vote_id)
    return _detail(vote, *_forms(vote))


@bp.post("/votes/<int:vote_id>/ballot")
@login_required
def cast(vote_id):
    vote = _vote(vote_id, "vote.cast")
    ballot_form, paper_form = _forms(vote)

    def submit():
        votes.cast_ballot(vote=vote, actor=_actor(), option=ballot_form.option.data)
        flash(_("Your ballot has been recorded."), "success")
        return redirect(url_for("governance.detail", vote_id=vote.id))

    return form_page(ballot_form, None, submit,
                     render=lambda: _detail(vote, ballot_form, paper_form)[0])


@bp.post("/votes/<int:vote_id>/paper")
@login_required
def paper(vote_id):
    vote = _vote(vote_id, "vote.enter_paper")
    ballot_form, paper_form = _forms(vote)

    def submit():
        votes.enter_paper_ballot(vote=vote, actor=_actor(), person_id=paper_form.person_id.data,
                                 option=paper_form.option.data,
                                 paper_ref=paper_form.paper_ref.data)
        flash(_("Paper ballot entered."), "success")
        return redirect(url_for("governance.detail", vote_id=vote.id))

    return form_page(paper_form, None, submit,
                     render=lambda: _detail(vote, ballot_form, paper_form)[0])


def _back(vote, message):
    flash(message, "success")
    return redirect(url_for("governance.detail", vote_id=vote.id))


@bp.post("/votes/<int:vote_id>/remind")
@login_required
def remind(vote_id):
    vote = _vote(vote_id, "vote.manage")
    reminded, without = cycle.remind(vote, actor=_actor())
    message = _("%(n)d owners reminded.", n=reminded)
    if without:
        message += " " + _("%(n)d owners have no account: remind them on paper.", n=without)
    return _back(vote, message)


@bp.post("/votes/<int:vote_id>/provisional")
@login_required
def provisional(vote_id):
    vote = _vote(vote_id, "vote.manage")
    cycle.post_provisional(vote, actor=_actor())
    return _back(vote, _("Provisional result posted; owners may now object."))


@bp.post("/votes/<int:vote_id>/final")
@login_required
def finalize(vote_id):
    vote = _vote(vote_id, "vote.manage")
    cycle.finalize(vote, actor=_actor())
    return _back(vote, _("Final result declared and posted."))


@bp.post("/votes/<int:vote_id>/objections")
@login_required
def object_to(vote_id):
    vote = _vote(vote_id, "vote.object")
    form = ObjectionForm(prefix="o")
    ballot_form, paper_form = _forms(vote)

    def submit():
        cycle.object_to(vote, actor=_actor(), body=form.body.data)
        return _back(vote, _("Your objection is recorded; the committee will answer it."))

    return form_page(form, None, submit, render=lambda: _detail(
        vote, ballot_form, paper_form, objection_form=form)[0])


@bp.post("/objections/<int:objection_id>/answer")
@login_required
def answer(objection_id):
    objection = scoping.get_visible_or_404(VoteObjection, objection_id, current_user)
    vote = _vote(objection.vote_id, "vote.manage")
    form = AnswerForm(prefix=f"a{objection.id}")
    ballot_form, paper_form = _forms(vote)

    def submit():
        cycle.answer(objection, actor=_actor(), response=form.response.data)
        return _back(vote, _("Answer recorded."))

    return form_page(form, None, submit, render=lambda: _detail(
        vote, ballot_form, paper_form, answer_forms={objection.id: form})[0])
