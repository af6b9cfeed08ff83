"""Services of owners' votes: who may vote, one ballot per owner and per dwelling, the window,
paper ballots, and the result over the whole community."""
import datetime as dt

import pytest

from propmgmt.communities import people
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.governance import rules
from propmgmt.governance import votes
from propmgmt.governance.rules import Weight


def test_owner_with_three_dwellings_is_one_head_with_summed_area(cast):
    vote = cast.open_vote()
    ballot = votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    assert sorted(d.area_x100 for d in ballot.dwellings) == [6000, 7000, 8000]
    result = votes.result(vote)
    assert result["tally"] == {"agree": Weight(1, 21000)}
    assert result["totals"] == Weight(2, 30000)  # the co-owners of dwelling 3 are one head
    assert result["provisional"] is True


def test_second_ballot_of_the_same_owner_is_409(cast):
    vote = cast.open_vote()
    votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    with pytest.raises(Conflict):
        votes.cast_ballot(vote=vote, actor=cast.owner, option="disagree")
    assert votes.result(vote)["participating"] == Weight(1, 21000)


def test_co_owners_share_one_ballot_for_their_dwelling(cast):
    vote = cast.open_vote()
    votes.cast_ballot(vote=vote, actor=cast.co_owner_a, option="disagree")
    assert votes.voter_status(vote, cast.co_owner_b) == "covered"
    with pytest.raises(Conflict):
        votes.cast_ballot(vote=vote, actor=cast.co_owner_b, option="agree")
    assert votes.result(vote)["tally"] == {"disagree": Weight(1, 9000)}


def test_co_owner_with_another_dwelling_votes_for_that_one(cast):
    vote = cast.open_vote()
    people.bind(user=cast.co_owner_b, dwelling=cast.dwellings[1], kind="owner")
    votes.cast_ballot(vote=vote, actor=cast.co_owner_a, option="agree")
    votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    with pytest.raises(Conflict):  # both of B's dwellings are already covered
        votes.cast_ballot(vote=vote, actor=cast.co_owner_b, option="agree")


@pytest.mark.parametrize("who", ["tenant", "committee"])
def test_non_owners_cannot_vote(cast, who):
    vote = cast.open_vote()
    assert votes.voter_status(vote, getattr(cast, who)) == "not_owner"
    with pytest.raises(NotAllowed):
        votes.cast_ballot(vote=vote, actor=getattr(cast, who), option="agree")


@pytest.mark.parametrize("opens, closes", [(1, 2), (-2, -1)])
def test_outside_the_window_is_409(cast, opens, closes):
    now = utcnow()
    vote = cast.open_vote(opens_at=now + dt.timedelta(days=opens),
                          closes_at=now + dt.timedelta(days=closes))
    with pytest.raises(Conflict):
        votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")


def test_unknown_option_is_422(cast):
    vote = cast.open_vote()
    with pytest.raises(Invalid) as error:
        votes.cast_ballot(vote=vote, actor=cast.owner, option="maybe")
    assert "option" in error.value.fields


@pytest.mark.parametrize("kwargs, field", [
    ({"options": ["only"]}, "options"),
    ({"options": ["a", "a"]}, "options"),
    ({"closes_at": utcnow() - dt.timedelta(days=1)}, "closes_at"),
    ({"matter": "huge"}, "matter"),
    ({"item": "nope"}, "item"),
])
def test_opening_a_bad_vote_is_422(cast, kwargs, field):
    with pytest.raises(Invalid) as error:
        cast.open_vote(**kwargs)
    assert field in error.value.fields


def test_item_sets_the_matter_and_options_default(cast):
    vote = cast.open_vote(item="raise_fund", matter="ordinary")
    assert vote.matter == rules.MAJOR
    assert vote.options == ["agree", "disagree", "abstain"]


def test_only_the_owners_committee_opens_votes(cast):
    with pytest.raises(NotAllowed):
        votes.open_vote(community=cast.community, actor=cast.owner, title="x",
                        opens_at=utcnow(), closes_at=utcnow() + dt.timedelta(days=1))


def test_committee_enters_a_paper_ballot(cast):
    vote = cast.open_vote()
    person = people.person_for_user(cast.owner, cast.community.id)
    assert person in votes.owners_to_enter(vote)
    ballot = votes.enter_paper_ballot(vote=vote, actor=cast.committee, person_id=person.id,
                                      option="abstain", paper_ref="Paper No. 17")
    assert ballot.paper_ref == "Paper No. 17" and ballot.entered_by_id == cast.committee.id
    assert person not in votes.owners_to_enter(vote)
    with pytest.raises(Conflict):
        votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")


def test_paper_ballot_needs_an_owner_and_a_reference(cast):
    vote = cast.open_vote()
    tenant = people.person_for_user(cast.tenant, cast.community.id)
    owner = people.person_for_user(cast.owner, cast.community.id)
    with pytest.raises(Invalid):
        votes.enter_paper_ballot(vote=vote, actor=cast.committee, person_id=tenant.id,
                                 option="agree", paper_ref="p1")
    with pytest.raises(Invalid):
        votes.enter_paper_ballot(vote=vote, actor=cast.committee, person_id=owner.id,
                                 option="agree", paper_ref=" ")
    with pytest.raises(NotAllowed):
        votes.enter_paper_ballot(vote=vote, actor=cast.owner, person_id=owner.id,
                                 option="agree", paper_ref="p1")


def test_result_passes_when_everyone_agrees_and_turnout_by_building(cast):
    vote = cast.open_vote()
    votes.cast_ballot(vote=vote, actor=cast.owner, option="agree")
    votes.cast_ballot(vote=vote, actor=cast.co_owner_b, option="agree")
    result = votes.result(vote)
    assert result["participating"] == Weight(2, 30000)
    assert result["participation_passed"] is True  # 2 of 3 heads, all area
    assert result["passed"] is True and result["rule"] == rules.RULE_ORDINARY
    assert [b["voted_area_x100"] for b in votes.turnout_by_building(vote)] == [21000, 9000]
