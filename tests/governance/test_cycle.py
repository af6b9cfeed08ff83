"""The public cycle: notice 15 days ahead -> voting -> provisional result and objections ->
final result; reminders to owners who have not voted."""
import datetime as dt

import pytest
import sqlalchemy as sa

from propmgmt import roles
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.disclosure.models import Notice
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.governance import cycle
from propmgmt.governance import votes
from propmgmt.notifications.models import Notification
from tests.factories import member

EN = {"Accept-Language": "en"}
DAY = dt.timedelta(days=1)


def _kinds(user):
    return sorted(db.session.scalars(sa.select(Notification.kind).where(
        Notification.user_id == user.id)))


@pytest.mark.parametrize("days, ok", [(14, False), (15, True), (16, True)])
def test_the_vote_notice_goes_up_15_days_before_voting(cast, days, ok):
    """DOMAIN rule 16: announced 14 days before opening is refused; 15 is enough."""
    now = utcnow()
    opening = {"opens_at": now + days * DAY, "closes_at": now + (days + 7) * DAY, "now": now}
    if not ok:
        with pytest.raises(Invalid) as error:
            cast.open_vote(**opening)
        assert "opens_at" in error.value.fields
        return
    vote = cast.open_vote(**opening)
    assert vote.announced_at == now and cycle.phase(vote, now) == cycle.ANNOUNCED


def test_announcing_posts_a_pinned_notice_and_tells_owners_and_residents_committee(cast):
    rescom = member(cast.community, roles.RESIDENTS_COMMITTEE)
    vote = cast.open_vote()
    notice = db.session.get(Notice, vote.notice_id)
    assert notice.is_pinned and vote.title in notice.title
    assert "vote.announced" in _kinds(rescom) and "vote.announced" in _kinds(cast.owner)
    assert "vote.announced" in _kinds(cast.co_owner_a)
    assert "vote.announced" not in _kinds(cast.tenant)


def test_reminders_reach_only_owners_who_can_still_vote_once_a_day(cast):
    vote = cast.open_vote()
    votes.cast_ballot(vote=vote, actor=cast.co_owner_a, option="agree")
    reminded, without = cycle.remind(vote, actor=cast.committee)
    assert (reminded, without) == (1, 0)  # the owner; co-owner b's dwelling is covered
    assert "vote.reminder" in _kinds(cast.owner)
    assert "vote.reminder" not in _kinds(cast.co_owner_b)
    assert cycle.remind(vote, actor=cast.committee) == (0, 0)
    assert _kinds(cast.owner).count("vote.reminder") == 1
    tomorrow = utcnow() + DAY
    assert cycle.remind(vote, actor=cast.committee, now=tomorrow)[0] == 1
    with pytest.raises(NotAllowed):
        cycle.remind(vote, actor=cast.owner)


def test_reminders_only_while_voting(cast):
    now = utcnow()
    vote = cast.open_vote(opens_at=now + 16 * DAY, closes_at=now + 20 * DAY, now=now)
    with pytest.raises(Conflict):
        cycle.remind(vote, actor=cast.committee)


def _closed_vote(cast, ballots=("agree",)):
    vote = cast.open_vote()
    for user, option in zip([cast.owner, cast.co_owner_a], ballots, strict=False):
        votes.cast_ballot(vote=vote, actor=user, option=option)
    vote.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    return vote


def test_the_whole_cycle_to_a_final_result(cast):
    vote = _closed_vote(cast, ("agree", "agree"))
    assert cycle.phase(vote) == cycle.COUNTING
    with pytest.raises(Conflict):
        cycle.finalize(vote, actor=cast.committee)
    with pytest.raises(Conflict):
        cycle.object_to(vote, actor=cast.owner, body="Too early")
    now = utcnow()
    notice = cycle.post_provisional(vote, actor=cast.committee, now=now)
    assert "Passed." in notice.body or "通过" in notice.body
    assert cycle.phase(vote, now) == cycle.OBJECTIONS
    with pytest.raises(Conflict):
        cycle.post_provisional(vote, actor=cast.committee)
    with pytest.raises(NotAllowed):
        cycle.object_to(vote, actor=cast.tenant, body="I object")
    with pytest.raises(Invalid):
        cycle.object_to(vote, actor=cast.owner, body="  ")
    objection = cycle.object_to(vote, actor=cast.owner, body="My paper ballot is missing")
    after = now + (vote.objection_days * DAY) + dt.timedelta(minutes=1)
    assert cycle.phase(vote, after) == cycle.AWAITING
    with pytest.raises(Conflict):
        cycle.finalize(vote, actor=cast.committee, now=now + DAY)  # objections still open
    with pytest.raises(Conflict):
        cycle.finalize(vote, actor=cast.committee, now=after)  # objection not answered
    cycle.answer(objection, actor=cast.committee, response="It was counted: see ref 12.")
    with pytest.raises(Conflict):
        cycle.answer(objection, actor=cast.committee, response="Again")
    cycle.finalize(vote, actor=cast.committee, now=after)
    assert cycle.phase(vote) == cycle.FINAL and vote.final_result["passed"] is True
    assert vote.final_result["participation"]["owners"] == 2
    assert db.session.get(Notice, vote.final_notice_id) is not None


def test_the_final_result_stands_when_the_roster_changes(cast):
    vote = _closed_vote(cast, ("agree", "agree"))
    now = utcnow()
    cycle.post_provisional(vote, actor=cast.committee, now=now)
    cycle.finalize(vote, actor=cast.committee, now=now + 8 * DAY)
    from tests.factories import DwellingFactory  # noqa: PLC0415

    for _ in range(3):  # three new owners who never voted
        member(cast.community, roles.RESIDENT,
               dwelling=DwellingFactory(building=cast.dwellings[0].building, area_x100=9000))
    result = votes.result(vote)
    assert result["passed"] is True and result["totals"].owners == 2 and not result["provisional"]


def test_the_cycle_on_the_page_for_committee_and_owner(cast, client, login):
    vote = _closed_vote(cast)
    login(cast.committee)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Post the provisional result" in page
    assert client.post(f"/votes/{vote.id}/provisional", headers=EN).status_code == 302
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Provisional result posted: objections open" in page
    login(cast.owner)
    empty = client.post(f"/votes/{vote.id}/objections", data={"o-body": ""}, headers=EN)
    assert empty.status_code == 422
    assert client.post(f"/votes/{vote.id}/objections", data={"o-body": "Recount please"},
                       headers=EN).status_code == 302
    assert client.post(f"/votes/{vote.id}/final", headers=EN).status_code == 403
    login(cast.committee)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Recount please" in page and "Answer" in page
    objection = cycle.objections(vote)[0]
    assert client.post(f"/objections/{objection.id}/answer", headers=EN,
                       data={f"a{objection.id}-response": "Recounted, same."}).status_code == 302
    early = client.post(f"/votes/{vote.id}/final", headers=EN)
    assert early.status_code == 409
    login(cast.outsider)
    assert client.post(f"/objections/{objection.id}/answer", headers=EN,
                       data={f"a{objection.id}-response": "x"}).status_code == 404


def test_remind_button_on_the_page(cast, client, login):
    vote = cast.open_vote()
    login(cast.committee)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Remind owners who have not voted" in page
    response = client.post(f"/votes/{vote.id}/remind", headers=EN)
    assert response.status_code == 302
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "3 owners reminded." in page and "Reminders sent so far: 3." in page
