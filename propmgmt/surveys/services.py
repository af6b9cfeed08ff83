"""Services of satisfaction surveys: open a survey, answer for a dwelling, compute results."""
import re
from decimal import ROUND_HALF_UP
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from propmgmt import audit
from propmgmt import policy
from propmgmt.communities import people
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.surveys.models import DIMENSIONS
from propmgmt.surveys.models import Survey
from propmgmt.surveys.models import SurveyAnswer

MAX_COMMENT = 2000
PERIOD = re.compile(r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$")
DIMENSION_LABELS = {
    "cleaning": _l("Cleaning"),
    "security": _l("Security"),
    "greenery": _l("Greenery"),
    "repairs": _l("Repairs"),
    "parking": _l("Parking"),
    "overall": _l("Overall"),
}


def open_survey(*, community, actor, title, period, opens_at, closes_at):
    """The residents' committee or the party secretary opens a survey for a period."""
    policy.require(actor, "survey.create", community)
    title, period = (title or "").strip(), (period or "").strip()
    if not title:
        raise Invalid(fields={"title": [_("Give the survey a title.")]})
    if not PERIOD.match(period):
        raise Invalid(fields={"period": [_("Write the period as 2026-Q4 or 2026-11.")]})
    if opens_at.tzinfo is None or closes_at.tzinfo is None or closes_at <= opens_at:
        raise Invalid(fields={"closes_at": [_("The survey must close after it opens.")]})
    survey = Survey(community_id=community.id, title=title, period=period, opens_at=opens_at,
                    closes_at=closes_at, created_by_id=actor.id)
    db.session.add(survey)
    db.session.flush()
    audit.record("survey.open", actor=actor, community_id=community.id, survey_id=survey.id)
    db.session.commit()
    return survey


def resident_dwellings(user, community_id):
    """The dwellings a user lives in or owns in the community (owner, tenant or family)."""
    return [dwelling for dwelling, _kind in people.dwellings_of(user, community_id)]


def require_respondent(survey, user):
    """The user's dwellings in the survey's community; 403 for anyone who is not a resident."""
    dwellings = resident_dwellings(user, survey.community_id)
    if not policy.can(user, "survey.answer", survey) or not dwellings:
        raise NotAllowed(_("Only residents of this community can answer the survey."))
    return dwellings


def answered_dwellings(survey, dwelling_ids):
    if not dwelling_ids:
        return set()
    return set(db.session.scalars(sa.select(SurveyAnswer.dwelling_id).where(
        SurveyAnswer.community_id == survey.community_id, SurveyAnswer.survey_id == survey.id,
        SurveyAnswer.dwelling_id.in_(sorted(dwelling_ids)))))


def _already_answered():
    return Conflict(_("This dwelling has already answered the survey."))


def answer(*, survey, actor, dwelling_id, scores, comment="", now=None):
    """Record one dwelling's answer; a second answer for the dwelling is a 409."""
    dwellings = require_respondent(survey, actor)
    if dwelling_id not in {d.id for d in dwellings}:
        raise Invalid(fields={"dwelling_id": [_("Choose one of your dwellings.")]})
    if not survey.is_open(now or utcnow()):
        raise Conflict(_("This survey is not open for answers now."))
    bad = {d: [_("Give a score from 1 to 5.")] for d in DIMENSIONS
           if not isinstance(scores.get(d), int) or isinstance(scores.get(d), bool)
           or not 1 <= scores[d] <= 5}
    if bad:
        raise Invalid(fields=bad)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(fields={"comment": [_("Use at most %(max)d characters.", max=MAX_COMMENT)]})
    if answered_dwellings(survey, [dwelling_id]):
        raise _already_answered()
    row = SurveyAnswer(community_id=survey.community_id, survey_id=survey.id,
                       dwelling_id=dwelling_id, answered_by_id=actor.id, comment=comment,
                       **{d: scores[d] for d in DIMENSIONS})
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise _already_answered() from None
    audit.record("survey.answer", actor=actor, community_id=survey.community_id,
                 survey_id=survey.id, dwelling_id=dwelling_id)
    db.session.commit()
    return row


def one_decimal(numerator, denominator):
    """An exact quotient rounded half-up to one decimal, or None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


def survey_results(community_id, survey_id):
    """Per dimension the count, sum and average of answers; the response rate. One statement.

    `response_rate` is a percentage with one decimal, None ("no data") when the community has
    no dwellings; averages are None when nobody has answered.
    """
    dwellings = (sa.select(sa.func.count(Dwelling.id))
                 .where(Dwelling.community_id == community_id).scalar_subquery())
    columns = [sa.func.count(SurveyAnswer.id), dwellings]
    for d in DIMENSIONS:
        column = getattr(SurveyAnswer, d)
        columns += [sa.func.count(column), sa.func.coalesce(sa.func.sum(column), 0)]
    row = db.session.execute(sa.select(*columns).where(
        SurveyAnswer.community_id == community_id, SurveyAnswer.survey_id == survey_id)).one()
    answers, total = int(row[0]), int(row[1])
    dims = {}
    for i, d in enumerate(DIMENSIONS):
        count, total_score = int(row[2 + 2 * i]), int(row[3 + 2 * i])
        dims[d] = {"count": count, "sum": total_score, "average": one_decimal(total_score, count)}
    return {"answers": answers, "dwellings": total, "dimensions": dims,
            "response_rate": one_decimal(answers * 100, total)}


def latest_overall(community_id, now=None):
    """The overall score of the community's latest closed survey, or None when there is none."""
    now = now or utcnow()
    survey = db.session.scalar(
        sa.select(Survey).where(Survey.community_id == community_id, Survey.closes_at <= now)
        .order_by(Survey.closes_at.desc(), Survey.id.desc()).limit(1))
    if survey is None:
        return None
    result = survey_results(community_id, survey.id)
    overall = result["dimensions"]["overall"]
    return {"survey_id": survey.id, "period": survey.period, "average": overall["average"],
            "answers": overall["count"], "response_rate": result["response_rate"]}


def can_see_results(survey, user, now=None):
    """Committees, staff, the party secretary and supervisors always; residents once closed."""
    if policy.can(user, "survey.results", survey):
        return True
    return survey.is_closed(now or utcnow()) and policy.can(user, "survey.view", survey)


def community_surveys(stmt, community):
    """A community's surveys (from an already scoped select), newest first."""
    return db.session.scalars(stmt.where(Survey.community_id == community.id)
                              .order_by(Survey.opens_at.desc(), Survey.id.desc())).all()
