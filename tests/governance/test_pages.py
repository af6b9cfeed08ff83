"""Vote pages: list, opening a vote, the ballot form, paper ballots, refusals."""
import datetime as dt
import zoneinfo

from propmgmt.communities import people
from propmgmt.db import utcnow
from propmgmt.governance import votes

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_owner_sees_the_vote_and_casts_a_ballot(cast, client, login):
    vote = cast.open_vote()
    login(cast.owner)
    page = client.get(f"/communities/{cast.community.id}/votes", headers=EN)
    assert page.status_code == 200 and "Repaint the stairwells" in page.get_data(as_text=True)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Cast ballot" in page and "Provisional tally" in page
    response = client.post(f"/votes/{vote.id}/ballot", data={"b-option": "agree"}, headers=EN)
    assert response.status_code == 302
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "You have voted." in page and "Cast ballot" not in page
    assert "1 of 2 owners" in page and "210.00 of 300.00 m²" in page
    zh = client.get(f"/votes/{vote.id}", headers=ZH).get_data(as_text=True)
    assert "您已投票" in zh and "暂计" in zh


def test_second_ballot_from_the_page_is_409(cast, client, login):
    vote = cast.open_vote()
    votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    login(cast.owner)
    response = client.post(f"/votes/{vote.id}/ballot", data={"b-option": "agree"}, headers=EN)
    assert response.status_code == 409


def test_tenant_gets_no_form_and_403(cast, client, login):
    vote = cast.open_vote()
    login(cast.tenant)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Only owners can vote" in page and "Cast ballot" not in page
    response = client.post(f"/votes/{vote.id}/ballot", data={"b-option": "agree"}, headers=EN)
    assert response.status_code == 403
    assert "Only owners can vote" in response.get_data(as_text=True)
    zh = client.post(f"/votes/{vote.id}/ballot", data={"b-option": "agree"}, headers=ZH)
    assert "只有业主可以投票" in zh.get_data(as_text=True)


def test_committee_opens_a_vote_from_the_form(cast, client, login):
    login(cast.committee)
    url = f"/communities/{cast.community.id}/votes/new"
    assert client.get(url, headers=EN).status_code == 200
    start = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")) + dt.timedelta(days=14)
    data = {"title": "Raise the fund", "item": "raise_fund", "matter": "ordinary",
            "opens_at": start.strftime("%Y-%m-%dT%H:%M"), "objection_days": "7",
            "closes_at": (start + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}
    early = client.post(url, data=data, headers=EN)
    assert early.status_code == 422
    assert "Voting can open 15 days after the vote is announced" in early.get_data(as_text=True)
    start += dt.timedelta(days=1, hours=1)
    data.update(opens_at=start.strftime("%Y-%m-%dT%H:%M"),
                closes_at=(start + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 302
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Major matter" in page and "Voting has not opened yet." in page
    assert "Announced: notice period before voting" in page
    notices = client.get(f"/communities/{cast.community.id}/notices", headers=EN)
    assert "Owners&#39; vote: Raise the fund" in notices.get_data(as_text=True)


def test_vote_form_refuses_a_window_closing_before_it_opens(cast, client, login):
    login(cast.committee)
    start = dt.datetime.now()
    data = {"title": "x", "item": "", "matter": "ordinary", "options": "yes",
            "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    response = client.post(f"/communities/{cast.community.id}/votes/new", data=data, headers=EN)
    assert response.status_code == 422
    assert "The vote must close after it opens." in response.get_data(as_text=True)


def test_residents_cannot_open_votes(cast, client, login):
    login(cast.owner)
    assert client.get(f"/communities/{cast.community.id}/votes/new").status_code == 403


def test_committee_enters_a_paper_ballot_from_the_page(cast, client, login):
    vote = cast.open_vote()
    person = people.person_for_user(cast.owner, cast.community.id)
    login(cast.committee)
    assert "Enter a paper ballot" in client.get(f"/votes/{vote.id}", headers=EN).get_data(
        as_text=True)
    response = client.post(f"/votes/{vote.id}/paper", headers=EN, data={
        "p-person_id": person.id, "p-option": "disagree", "p-paper_ref": "No. 3"})
    assert response.status_code == 302
    assert votes.ballot_of(vote, person.id).paper_ref == "No. 3"


def test_closed_vote_shows_the_result_with_its_computation(cast, client, login):
    now = utcnow()
    vote = cast.open_vote(opens_at=now - dt.timedelta(days=2), closes_at=now + dt.timedelta(days=1))
    votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    vote.closes_at = now - dt.timedelta(seconds=1)
    votes.db.session.commit()
    login(cast.owner)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Voting has closed." in page and "Not passed (provisional)" in page
    assert "needs at least 2/3 of both" in page and "Post the provisional result" not in page


def test_other_communitys_vote_is_404(cast, client, login):
    vote = cast.open_vote()
    login(cast.outsider)
    assert client.get(f"/votes/{vote.id}").status_code == 404
    assert client.get(f"/communities/{cast.community.id}/votes").status_code == 404
