"""API of owners' votes (shared/API.md): open, ballots, result; refusals in both languages."""
import datetime as dt

from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.governance.models import Vote

EN = {"Accept-Language": "en"}


def _body(**kwargs):
    now = utcnow()
    return {"title": "Hire a new manager", "matter": "ordinary",
            "opens_at": (now + dt.timedelta(days=16)).isoformat(),
            "closes_at": (now + dt.timedelta(days=20)).isoformat(), **kwargs}


def _open(client, cast, api_token, **kwargs):
    """Announce a vote through the API, then let the 15-day notice period pass."""
    response = client.post(f"/api/v1/communities/{cast.community.id}/votes",
                           json=_body(**kwargs), headers=api_token(cast.committee))
    assert response.status_code == 201, response.get_json()
    vote = db.session.get(Vote, response.get_json()["id"])
    vote.opens_at, vote.closes_at = utcnow() - dt.timedelta(hours=1), utcnow() + dt.timedelta(3)
    db.session.commit()
    return response.get_json()


def test_committee_opens_owner_votes_and_result_shows_the_computation(client, cast, api_token):
    vote = _open(client, cast, api_token)
    assert vote["options"] == ["agree", "disagree", "abstain"]
    owner = api_token(cast.owner)
    response = client.post(f"/api/v1/votes/{vote['id']}/ballots", json={"option": "agree"},
                           headers=owner)
    assert response.status_code == 201
    assert response.get_json()["area_m2"] == 210.0 and response.get_json()["dwellings"] == 3
    again = client.post(f"/api/v1/votes/{vote['id']}/ballots", json={"option": "agree"},
                        headers={**owner, **EN})
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == \
        "A ballot has already been cast for this owner or dwelling."
    result = client.get(f"/api/v1/votes/{vote['id']}/result", headers=owner).get_json()
    assert result["participation"] == {"owners": 1, "area_m2": 210.0, "area_x100": 21000,
                                       "passed": False}
    assert result["totals"]["owners"] == 2 and result["totals"]["area_m2"] == 300.0
    assert result["tally"]["agree"]["owners"] == 1
    assert result["thresholds"]["participation"] == {"num": 2, "den": 3, "inclusive": True}
    assert result["passed"] is False and result["rule"] == "civil_code_278_participation"
    assert result["provisional"] is True


def test_tenant_is_403_in_both_languages(client, cast, api_token):
    vote = _open(client, cast, api_token)
    tenant = api_token(cast.tenant)
    url = f"/api/v1/votes/{vote['id']}/ballots"
    en = client.post(url, json={"option": "agree"}, headers={**tenant, **EN})
    assert en.status_code == 403
    assert en.get_json()["error"]["message"] == \
        "Only owners can vote; tenants and family members cannot."
    zh = client.post(url, json={"option": "agree"}, headers={**tenant, "Accept-Language": "zh"})
    assert "只有业主可以投票" in zh.get_json()["error"]["message"]


def test_resident_cannot_open_a_vote(client, cast, api_token):
    response = client.post(f"/api/v1/communities/{cast.community.id}/votes", json=_body(),
                           headers=api_token(cast.owner))
    assert response.status_code == 403


def test_bad_votes_and_ballots_are_422(client, cast, api_token):
    committee = {**api_token(cast.committee), **EN}
    url = f"/api/v1/communities/{cast.community.id}/votes"
    one = client.post(url, json=_body(options=["yes"]), headers=committee)
    assert one.status_code == 422
    assert one.get_json()["error"]["fields"] == {"options": ["Give at least two different options."]}
    naive = client.post(url, json=_body(opens_at="2030-01-01T10:00:00"), headers=committee)
    assert naive.status_code == 422 and "opens_at" in naive.get_json()["error"]["fields"]
    vote = _open(client, cast, api_token, item="common_use")
    assert vote["matter"] == "major"
    bad = client.post(f"/api/v1/votes/{vote['id']}/ballots", json={"option": "maybe"},
                      headers=api_token(cast.owner))
    assert bad.status_code == 422 and "option" in bad.get_json()["error"]["fields"]


def test_other_communitys_vote_is_404(client, cast, api_token):
    vote = _open(client, cast, api_token)
    outsider = api_token(cast.outsider)
    assert client.get(f"/api/v1/votes/{vote['id']}/result", headers=outsider).status_code == 404
    assert client.post(f"/api/v1/votes/{vote['id']}/ballots", json={"option": "agree"},
                       headers=outsider).status_code == 404
    assert client.post(f"/api/v1/communities/{cast.community.id}/votes", json=_body(),
                       headers=outsider).status_code == 404
