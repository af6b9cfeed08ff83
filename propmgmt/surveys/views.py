"""Pages of satisfaction surveys: the list with the opening form, a survey, answering it."""

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
from propmgmt.surveys import services
from propmgmt.surveys.forms import AnswerForm
from propmgmt.surveys.forms import SurveyForm
from propmgmt.surveys.models import DIMENSIONS
from propmgmt.surveys.models import Survey
from propmgmt.web import actor as _actor

bp = Blueprint("surveys", __name__)



def _index(community, form):
    stmt = scoping.visible(sa.select(Survey), current_user, Survey)
    return render_template("surveys/index.html", community=community, form=form,
                           surveys=services.community_surveys(stmt, community), now=utcnow())


@bp.get("/communities/<int:community_id>/surveys")
@login_required
def index(community_id):
    community = community_for(community_id, "survey.view")
    return _index(community, SurveyForm())


@bp.post("/communities/<int:community_id>/surveys")
@login_required
def create(community_id):
    community = community_for(community_id, "survey.create")
    form = SurveyForm()

    def submit():
        survey = services.open_survey(
            community=community, actor=_actor(), title=form.title.data, period=form.period.data,
            opens_at=aware(form.opens_at.data, community),
            closes_at=aware(form.closes_at.data, community))
        flash(_("Survey opened."), "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id))

    return form_page(form, None, submit, render=lambda: _index(community, form))


def _survey(survey_id):
    survey = scoping.get_authorized_or_404(Survey, survey_id, current_user, "survey.view")
    return survey


def _answer_state(survey, now):
    """(status, dwellings still to answer): status None when the user may answer now."""
    dwellings = services.resident_dwellings(current_user, survey.community_id)
    if not policy.can(current_user, "survey.answer", survey) or not dwellings:
        return "not_resident", []
    if not survey.is_open(now):
        return ("closed" if survey.is_closed(now) else "not_open"), []
    done = services.answered_dwellings(survey, [d.id for d in dwellings])
    todo = [d for d in dwellings if d.id not in done]
    return (None if todo else "answered"), todo


def _detail(survey, form=None):
    now = utcnow()
    status, todo = _answer_state(survey, now)
    form = form or AnswerForm()
    form.dwelling_id.choices = [(d.id, d.label) for d in todo] or form.dwelling_id.choices
    results = (services.survey_results(survey.community_id, survey.id)
               if services.can_see_results(survey, current_user, now) else None)
    return render_template("surveys/detail.html", survey=survey, community=survey.community,
                           form=form, status=status, results=results, dimensions=DIMENSIONS,
                           labels=services.DIMENSION_LABELS, now=now)


@bp.get("/surveys/<int:survey_id>")
@login_required
def detail(survey_id):
    return _detail(_survey(survey_id))


@bp.post("/surveys/<int:survey_id>/answers")
@login_required
def answer(survey_id):
    survey = _survey(survey_id)
    dwellings = services.require_respondent(survey, current_user)
    form = AnswerForm()
    form.dwelling_id.choices = [(d.id, d.label) for d in dwellings]

    def submit():
        services.answer(survey=survey, actor=_actor(), dwelling_id=form.dwelling_id.data,
                        scores={d: getattr(form, d).data for d in DIMENSIONS},
                        comment=form.comment.data)
        flash(_("Thank you, your answer has been recorded."), "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id))

    return form_page(form, None, submit, render=lambda: _detail(survey, form))
