"""Survey services: opening by role, one answer per dwelling, window, scores, results."""
import datetime as dt
from decimal import Decimal

import pytest

from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.surveys import services
from propmgmt.surveys.models import DIMENSIONS
from tests.factories import CommunityFactory
from tests.factories import member


def scores(*values):
    return dict(zip(DIMENSIONS, values or (5,) * 6, strict=True))


def _open(cast, actor):
    now = utcnow()
    return services.open_survey(community=cast.community, actor=actor, title="Q4",
                                period="2026-11", opens_at=now,
                                closes_at=now + dt.timedelta(days=3))


@pytest.mark.parametrize("who", ["residents_committee", "secretary"])
def test_committee_and_secretary_open_surveys(cast, who):
    survey = _open(cast, getattr(cast, who))
    assert survey.id and survey.period == "2026-11"


def test_admin_opens_a_survey(cast):
    from propmgmt import roles  # noqa: PLC0415
    admin = member(cast.community, roles.ADMIN)
    assert _open(cast, admin).id


@pytest.mark.parametrize("who", ["owner", "tenant", "owners_committee", "staff", "outsider"])
def test_others_may_not_open_surveys(cast, who):
    with pytest.raises(NotAllowed):
        _open(cast, getattr(cast, who))


@pytest.mark.parametrize("period", ["2026", "2026-Q5", "2026-13", "Q4-2026", ""])
def test_period_must_be_a_quarter_or_month(cast, period):
    with pytest.raises(Invalid) as error:
        cast.open_survey(period=period)
    assert "period" in error.value.fields


def test_window_must_be_ordered(cast):
    with pytest.raises(Invalid):
        cast.open_survey(opens=5, closes=1)


def test_each_resident_kind_answers_for_a_dwelling(cast):
    survey = cast.open_survey()
    services.answer(survey=survey, actor=cast.tenant, dwelling_id=cast.dwellings[0].id,
                    scores=scores())
    services.answer(survey=survey, actor=cast.family, dwelling_id=cast.dwellings[2].id,
                    scores=scores(), comment="  Fine  ")
    row = services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[1].id,
                          scores=scores())
    assert row.comment == ""
    assert services.survey_results(cast.community.id, survey.id)["answers"] == 3


def test_co_resident_second_answer_is_409(cast):
    survey = cast.open_survey()
    services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                    scores=scores())
    with pytest.raises(Conflict) as error:
        services.answer(survey=survey, actor=cast.tenant, dwelling_id=cast.dwellings[0].id,
                        scores=scores())
    assert "already answered" in str(error.value.message)


def test_resident_cannot_answer_for_someone_elses_dwelling(cast):
    survey = cast.open_survey()
    with pytest.raises(Invalid):
        services.answer(survey=survey, actor=cast.tenant, dwelling_id=cast.dwellings[3].id,
                        scores=scores())


@pytest.mark.parametrize("who", ["residents_committee", "staff", "owners_committee"])
def test_non_residents_may_not_answer(cast, who):
    survey = cast.open_survey()
    with pytest.raises(NotAllowed):
        services.answer(survey=survey, actor=getattr(cast, who),
                        dwelling_id=cast.dwellings[0].id, scores=scores())


@pytest.mark.parametrize("opens,closes", [(1, 5), (-5, -1)])
def test_answers_outside_the_window_are_409(cast, opens, closes):
    survey = cast.open_survey(opens=opens, closes=closes)
    with pytest.raises(Conflict):
        services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                        scores=scores())


@pytest.mark.parametrize("bad", [0, 6, -1, None, "3", True])
def test_scores_outside_one_to_five_are_refused(cast, bad):
    survey = cast.open_survey()
    values = scores()
    values["parking"] = bad
    with pytest.raises(Invalid) as error:
        services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                        scores=values)
    assert set(error.value.fields) == {"parking"}


def test_comment_is_limited(cast):
    survey = cast.open_survey()
    with pytest.raises(Invalid):
        services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                        scores=scores(), comment="x" * 2001)


def test_results_by_hand(cast, count_queries):
    survey = cast.open_survey()
    #                         cleaning security greenery repairs parking overall
    answers = [(cast.owner, 0, (3, 5, 2, 1, 5, 5)),
               (cast.owner, 1, (4, 5, 3, 2, 4, 4)),
               (cast.family, 2, (4, 4, 3, 2, 1, 4))]
    for actor, i, values in answers:
        services.answer(survey=survey, actor=actor, dwelling_id=cast.dwellings[i].id,
                        scores=scores(*values))
    community_id, survey_id = cast.community.id, survey.id
    with count_queries() as counter:
        result = services.survey_results(community_id, survey_id)
    assert counter.count == 1, counter.statements
    averages = {d: r["average"] for d, r in result["dimensions"].items()}
    # 11/3, 14/3, 8/3, 5/3, 10/3, 13/3
    assert averages == {"cleaning": Decimal("3.7"), "security": Decimal("4.7"),
                        "greenery": Decimal("2.7"), "repairs": Decimal("1.7"),
                        "parking": Decimal("3.3"), "overall": Decimal("4.3")}
    assert result["dimensions"]["overall"] == {"count": 3, "sum": 13, "average": Decimal("4.3")}
    assert result["answers"] == 3 and result["dwellings"] == 4
    assert result["response_rate"] == Decimal("75.0")


def test_half_rounds_up_and_empty_survey_has_no_averages(cast):
    survey = cast.open_survey()
    empty = services.survey_results(cast.community.id, survey.id)
    assert empty["response_rate"] == Decimal("0.0")
    assert all(r["average"] is None and r["count"] == 0 for r in empty["dimensions"].values())
    for i, overall in ((0, 4), (3, 5)):
        actor = cast.owner if i == 0 else cast.owner3
        services.answer(survey=survey, actor=actor, dwelling_id=cast.dwellings[i].id,
                        scores=scores(1, 1, 1, 1, 1, overall))
    result = services.survey_results(cast.community.id, survey.id)
    assert result["dimensions"]["overall"]["average"] == Decimal("4.5")
    assert result["response_rate"] == Decimal("50.0")
    assert services.one_decimal(2, 3) == Decimal("0.7")
    assert services.one_decimal(1, 0) is None


def test_response_rate_no_data_without_dwellings(cast):
    from propmgmt import roles  # noqa: PLC0415
    bare = CommunityFactory()
    committee = member(bare, roles.RESIDENTS_COMMITTEE)
    now = utcnow()
    survey = services.open_survey(community=bare, actor=committee, title="t", period="2026-Q1",
                                  opens_at=now, closes_at=now + dt.timedelta(days=1))
    result = services.survey_results(bare.id, survey.id)
    assert result["dwellings"] == 0 and result["response_rate"] is None


def test_results_stay_within_the_community(cast):
    survey = cast.open_survey()
    services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                    scores=scores())
    assert services.survey_results(CommunityFactory().id, survey.id)["answers"] == 0


def test_latest_overall_uses_the_latest_closed_survey(cast):
    assert services.latest_overall(cast.community.id) is None
    survey = cast.open_survey(opens=-48, closes=1)
    services.answer(survey=survey, actor=cast.owner, dwelling_id=cast.dwellings[0].id,
                    scores=scores(1, 1, 1, 1, 1, 4))
    services.answer(survey=survey, actor=cast.owner3, dwelling_id=cast.dwellings[3].id,
                    scores=scores(1, 1, 1, 1, 1, 3))
    assert services.latest_overall(cast.community.id) is None
    later = utcnow() + dt.timedelta(hours=2)
    latest = services.latest_overall(cast.community.id, now=later)
    assert latest == {"survey_id": survey.id, "period": "2026-Q4", "average": Decimal("3.5"),
                      "answers": 2, "response_rate": Decimal("50.0")}
