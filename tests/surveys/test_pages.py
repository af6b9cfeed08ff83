"""Survey pages: list and opening form, answering by radio buttons, results, refusals."""
import datetime as dt
import zoneinfo

from propmgmt.surveys import services
from propmgmt.surveys.models import DIMENSIONS

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _form(dwelling, **overrides):
    data = {"dwelling_id": dwelling.id, **dict.fromkeys(DIMENSIONS, "4"), "comment": "Good"}
    data.update(overrides)
    return data


def test_committee_opens_a_survey_from_the_list(cast, client, login):
    login(cast.residents_committee)
    url = f"/communities/{cast.community.id}/surveys"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "Open a survey" in page and "No surveys yet." in page
    start = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")) - dt.timedelta(hours=1)
    data = {"title": "Winter survey", "period": "2026-12",
            "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (start + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 302
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Winter survey" in page and "Response rate" in page and "0.0%" in page
    assert "Winter survey" in client.get(url, headers=EN).get_data(as_text=True)


def test_bad_period_from_the_form_is_422(cast, client, login):
    login(cast.secretary)
    start = dt.datetime.now()
    data = {"title": "x", "period": "autumn", "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    response = client.post(f"/communities/{cast.community.id}/surveys", data=data, headers=EN)
    assert response.status_code == 422
    assert "Write the period as 2026-Q4 or 2026-11." in response.get_data(as_text=True)


def test_residents_see_no_opening_form_and_get_403(cast, client, login):
    login(cast.owner)
    url = f"/communities/{cast.community.id}/surveys"
    assert "Open a survey" not in client.get(url, headers=EN).get_data(as_text=True)
    assert client.post(url, data={"title": "x"}, headers=EN).status_code == 403


def test_resident_answers_with_radio_buttons_then_sees_no_form(cast, client, login):
    survey = cast.open_survey()
    login(cast.owner)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "Submit answer" in page and 'type="radio"' in page and "<select" in page
    assert "Residents see the results after the survey closes." in page
    assert "Response rate" not in page
    for dwelling in cast.dwellings[:2]:
        response = client.post(f"/surveys/{survey.id}/answers", data=_form(dwelling), headers=EN)
        assert response.status_code == 302
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "Your dwelling has answered this survey." in page and "Submit answer" not in page


def test_single_dwelling_needs_no_choice(cast, client, login):
    survey = cast.open_survey()
    login(cast.family)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "Submit answer" in page and "<select" not in page


def test_co_resident_second_answer_is_409(cast, client, login):
    survey = cast.open_survey()
    login(cast.owner)
    client.post(f"/surveys/{survey.id}/answers", data=_form(cast.dwellings[0]), headers=EN)
    login(cast.tenant)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "Your dwelling has answered this survey." in page
    response = client.post(f"/surveys/{survey.id}/answers", data=_form(cast.dwellings[0]),
                           headers=EN)
    assert response.status_code == 409
    assert "This dwelling has already answered the survey." in response.get_data(as_text=True)
    zh = client.post(f"/surveys/{survey.id}/answers", data=_form(cast.dwellings[0]), headers=ZH)
    assert zh.status_code == 409 and "已" in zh.get_data(as_text=True)


def test_score_outside_one_to_five_is_422(cast, client, login):
    survey = cast.open_survey()
    login(cast.owner)
    for bad in ("0", "6", "x", ""):
        response = client.post(f"/surveys/{survey.id}/answers",
                               data=_form(cast.dwellings[0], parking=bad), headers=EN)
        assert response.status_code == 422
    assert services.survey_results(cast.community.id, survey.id)["answers"] == 0


def test_long_comment_is_422(cast, client, login):
    survey = cast.open_survey()
    login(cast.owner)
    response = client.post(f"/surveys/{survey.id}/answers",
                           data=_form(cast.dwellings[0], comment="x" * 2001), headers=EN)
    assert response.status_code == 422


def test_outside_the_window_is_409(cast, client, login):
    survey = cast.open_survey(opens=2, closes=5)
    login(cast.owner)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "The survey has not opened yet." in page
    response = client.post(f"/surveys/{survey.id}/answers", data=_form(cast.dwellings[0]),
                           headers=EN)
    assert response.status_code == 409
    assert "This survey is not open for answers now." in response.get_data(as_text=True)


def test_non_residents_get_403(cast, client, login):
    survey = cast.open_survey()
    login(cast.staff)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "Submit answer" not in page
    response = client.post(f"/surveys/{survey.id}/answers", data=_form(cast.dwellings[0]),
                           headers=EN)
    assert response.status_code == 403


def test_results_page_for_committees_staff_and_supervisors(cast, client, login):
    survey = cast.open_survey()
    for actor, i, overall in ((cast.owner, 0, "5"), (cast.owner, 1, "4"), (cast.family, 2, "4")):
        services.answer(survey=survey, actor=actor, dwelling_id=cast.dwellings[i].id,
                        scores=dict.fromkeys(DIMENSIONS, 3) | {"overall": int(overall)})
    for who in ("residents_committee", "secretary", "owners_committee", "staff", "supervisor"):
        login(getattr(cast, who))
        page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
        assert "Results so far" in page and "75.0%" in page, who
        assert "(3 of 4 dwellings)" in page and "4.3" in page and "3.0" in page, who


def test_residents_see_results_after_closing(cast, client, login):
    survey = cast.open_survey(opens=-48, closes=-1)
    login(cast.tenant)
    page = client.get(f"/surveys/{survey.id}", headers=EN).get_data(as_text=True)
    assert "The survey has closed." in page and "Results" in page and "0.0%" in page
    assert "no data" in page


def test_other_communitys_survey_is_404(cast, client, login):
    survey = cast.open_survey()
    login(cast.outsider)
    assert client.get(f"/surveys/{survey.id}").status_code == 404
    assert client.post(f"/surveys/{survey.id}/answers", data={}).status_code == 404
    assert client.get(f"/communities/{cast.community.id}/surveys").status_code == 404
