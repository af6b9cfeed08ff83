"""A management-mode change names what decided it (DOMAIN rule 21): a closed, passed owners'
vote of the community, or the fallback authority (e.g. the street office's document)."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.communities import services
from propmgmt.communities.models import ModeChange
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Invalid
from propmgmt.governance import rules
from propmgmt.governance import votes
from propmgmt.governance.models import Vote
from tests.api.bodies import error_of
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
CHANGE = {"mode": modes.COORDINATED, "effective_from": "2025-03-01",
          "reason": "The property company left; the residents' committee coordinates."}


@dataclasses.dataclass
class Setting:
    community: object
    owners: list
    supervisor: object

    def vote(self, ballots, *, closed=True, final=None, title="Hand management to the community",
             community=None, owners=None):
        """A vote of `community` (default: ours) with one ballot per owner, in order; a closed
        vote is taken through its cycle to the final result unless `final=False`."""
        now = utcnow()
        opens = now - dt.timedelta(days=20)
        closes = now - dt.timedelta(days=1) if closed else now + dt.timedelta(days=5)
        community = community or self.community
        vote = Vote(community_id=community.id, title=title, item="hire_manager",
                    matter=rules.ORDINARY, options=list(rules.DEFAULT_OPTIONS),
                    opens_at=opens, closes_at=closes)
        db.session.add(vote)
        db.session.flush()
        for owner, option in zip(owners or self.owners, ballots, strict=False):
            votes.cast_ballot(vote=vote, actor=owner, option=option,
                              now=opens + dt.timedelta(hours=1))
        if closed if final is None else final:
            vote.provisional_at = closes
            vote.finalized_at = now
            vote.final_result = votes.result_json(votes.result(vote, now=now))
            db.session.commit()
        return vote


def _owners(community, n=3):
    building = BuildingFactory(community=community)
    return [member(community, roles.RESIDENT, dwelling=DwellingFactory(building=building))
            for _ in range(n)]


@pytest.fixture
def setting():
    community = CommunityFactory(initial_mode=modes.PROFESSIONAL)
    return Setting(community, _owners(community), member(community, roles.DISTRICT_SUPERVISOR))


def _changes(community):
    return db.session.query(ModeChange).filter_by(community_id=community.id).count()


def _change(setting, **kwargs):
    data = {**CHANGE, "effective_from": dt.date(2025, 3, 1), **kwargs}
    return services.change_mode(community=setting.community, actor=setting.supervisor, **data)


# the service ---------------------------------------------------------------------------------

def test_passed_closed_vote_decides_a_change(setting):
    vote = setting.vote(["agree", "agree", "disagree"])
    change = _change(setting, vote_id=vote.id)
    assert (change.vote_id, change.decided_by) == (vote.id, None)
    db.session.refresh(setting.community)
    assert [c.mode for c in setting.community.mode_changes] == [modes.PROFESSIONAL,
                                                                modes.COORDINATED]


def test_fallback_authority_decides_a_change_without_a_vote(setting):
    change = _change(setting, decided_by="  Street office document [2025] 7  ")
    assert (change.vote_id, change.decided_by) == (None, "Street office document [2025] 7")


@pytest.mark.parametrize("decided_by", [None, "", "   "])
def test_neither_vote_nor_authority_is_refused(setting, decided_by):
    with pytest.raises(Invalid) as refused:
        _change(setting, decided_by=decided_by)
    assert list(refused.value.fields) == ["decided_by"]
    assert _changes(setting.community) == 1


def test_open_vote_is_refused(setting):
    vote = setting.vote(["agree", "agree", "agree"], closed=False)
    with pytest.raises(Invalid) as refused:
        _change(setting, vote_id=vote.id, decided_by="Street office")
    assert list(refused.value.fields) == ["vote_id"]
    assert _changes(setting.community) == 1


def test_a_closed_vote_counts_only_once_its_result_is_final(setting):
    vote = setting.vote(["agree", "agree", "agree"], final=False)
    with pytest.raises(Invalid) as refused:
        _change(setting, vote_id=vote.id)
    assert "not final yet" in refused.value.fields["vote_id"][0]
    vote.provisional_at = vote.closes_at
    vote.finalized_at = utcnow()
    vote.final_result = votes.result_json(votes.result(vote))
    db.session.commit()
    change = _change(setting, vote_id=vote.id)
    assert change.vote_id == vote.id


@pytest.mark.parametrize("ballots", [["disagree", "disagree", "agree"],  # outvoted
                                     ["agree"],                          # too few took part
                                     []])
def test_failed_vote_is_refused(setting, ballots):
    vote = setting.vote(ballots)
    with pytest.raises(Invalid) as refused:
        _change(setting, vote_id=vote.id)
    assert list(refused.value.fields) == ["vote_id"]
    assert _changes(setting.community) == 1


def test_another_communitys_vote_reads_as_absent(setting):
    other = CommunityFactory()
    theirs = setting.vote(["agree", "agree"], community=other, owners=_owners(other, 2))
    with pytest.raises(Invalid) as foreign:
        _change(setting, vote_id=theirs.id)
    with pytest.raises(Invalid) as absent:
        _change(setting, vote_id=theirs.id + 1000)
    assert foreign.value.fields == absent.value.fields
    assert list(foreign.value.fields) == ["vote_id"]
    assert _changes(setting.community) == 1


@pytest.mark.parametrize("vote_id", [0, -1, 2**63, True])
def test_impossible_vote_ids_are_refused_not_crashed(setting, vote_id):
    with pytest.raises(Invalid) as refused:
        _change(setting, vote_id=vote_id)
    assert list(refused.value.fields) == ["vote_id"]


def test_first_mode_at_creation_needs_no_decision():
    community = services.create_community(name="New Court", district="Dongcheng",
                                          mode=modes.QUASI)
    assert [(c.mode, c.vote_id, c.decided_by) for c in community.mode_changes] == [
        (modes.QUASI, None, None)]


def test_only_closed_passed_votes_of_the_community_are_offered(setting):
    from propmgmt.communities import queries  # noqa: PLC0415

    passed = setting.vote(["agree", "agree", "agree"], title="Passed")
    setting.vote(["disagree", "disagree", "disagree"], title="Failed")
    setting.vote(["agree", "agree", "agree"], closed=False, title="Still open")
    other = CommunityFactory()
    setting.vote(["agree", "agree"], community=other, owners=_owners(other, 2), title="Theirs")
    assert queries.deciding_votes(setting.community) == [passed]


# the page ------------------------------------------------------------------------------------

def _post(client, setting, **data):
    return client.post(f"/communities/{setting.community.id}/mode", data={**CHANGE, **data},
                       headers=EN)


def test_form_offers_passed_votes_and_attaches_one_shown_linked_in_history(client, login,
                                                                          setting):
    vote = setting.vote(["agree", "agree", "abstain"], title="Let the community coordinate")
    setting.vote(["disagree", "disagree", "agree"], title="Rejected proposal")
    login(setting.supervisor)
    form = client.get(f"/communities/{setting.community.id}/mode", headers=EN)
    page = form.get_data(as_text=True)
    assert f'<option value="{vote.id}">#{vote.id} Let the community coordinate' in page
    assert "Rejected proposal" not in page
    response = _post(client, setting, vote_id=str(vote.id), decided_by="")
    assert response.status_code == 302
    change = db.session.query(ModeChange).filter_by(community_id=setting.community.id,
                                                    mode=modes.COORDINATED).one()
    assert (change.vote_id, change.decided_by) == (vote.id, None)
    for url in (f"/communities/{setting.community.id}",
                f"/communities/{setting.community.id}/mode"):
        history = client.get(url, headers=EN).get_data(as_text=True)
        assert (f"<a href=\"/votes/{vote.id}\">Decided by owners' vote #{vote.id}</a>"
                in history), url


def test_resident_sees_the_vote_linked_in_the_history(client, login, setting):
    vote = setting.vote(["agree", "agree", "agree"])
    _change(setting, vote_id=vote.id)
    login(setting.owners[0])
    page = client.get(f"/communities/{setting.community.id}", headers=EN).get_data(as_text=True)
    assert f'href="/votes/{vote.id}"' in page
    assert client.get(f"/votes/{vote.id}").status_code == 200


def test_form_refuses_a_change_with_neither_vote_nor_authority(client, login, setting):
    login(setting.supervisor)
    response = _post(client, setting, vote_id="", decided_by="")
    assert response.status_code == 422
    assert "name the authority that decided it" in response.get_data(as_text=True)
    assert _changes(setting.community) == 1


@pytest.mark.parametrize("kind", ["foreign", "open", "failed"])
def test_form_refuses_unfit_votes(client, login, setting, kind):
    if kind == "foreign":
        other = CommunityFactory()
        vote = setting.vote(["agree", "agree"], community=other, owners=_owners(other, 2))
        message = "No owners&#39; vote with this number in this community."
    elif kind == "open":
        vote = setting.vote(["agree", "agree", "agree"], closed=False)
        message = "result is not final yet"
    else:
        vote = setting.vote(["disagree", "disagree", "disagree"])
        message = "This vote did not pass"
    login(setting.supervisor)
    response = _post(client, setting, vote_id=str(vote.id), decided_by="Street office")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _changes(setting.community) == 1


def test_form_refuses_a_forged_vote_id(client, login, setting):
    login(setting.supervisor)
    for forged in ("abc", "99999999999999999999"):
        response = _post(client, setting, vote_id=forged, decided_by="Street office")
        assert response.status_code == 422, forged
    assert _changes(setting.community) == 1


# the API -------------------------------------------------------------------------------------

def _api(client, headers, setting, **data):
    return client.post(f"/api/v1/communities/{setting.community.id}/management-mode",
                       json={**CHANGE, **data}, headers={**headers, **EN})


def test_api_attaches_a_passed_vote(client, api_token, setting):
    vote = setting.vote(["agree", "agree", "agree"])
    response = _api(client, api_token(setting.supervisor), setting, vote_id=vote.id)
    assert response.status_code == 201
    assert (response.get_json()["vote_id"], response.get_json()["decided_by"]) == (vote.id, None)


@pytest.mark.parametrize("kind", ["foreign", "open", "failed", "absent"])
def test_api_refuses_unfit_votes_with_a_field_error(client, api_token, setting, kind):
    if kind == "foreign":
        other = CommunityFactory()
        vote_id = setting.vote(["agree", "agree"], community=other,
                               owners=_owners(other, 2)).id
    elif kind == "open":
        vote_id = setting.vote(["agree", "agree", "agree"], closed=False).id
    elif kind == "failed":
        vote_id = setting.vote(["disagree", "disagree", "disagree"]).id
    else:
        vote_id = 424242
    response = _api(client, api_token(setting.supervisor), setting, vote_id=vote_id,
                    decided_by="Street office")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["vote_id"]
    if kind in ("foreign", "absent"):
        assert error["fields"]["vote_id"] == [
            "No owners' vote with this number in this community."]
    assert _changes(setting.community) == 1


def test_api_refuses_a_change_with_neither_vote_nor_authority(client, api_token, setting):
    headers = api_token(setting.supervisor)
    for extra in ({}, {"vote_id": None, "decided_by": None}, {"decided_by": " "}):
        response = _api(client, headers, setting, **extra)
        assert response.status_code == 422, extra
        assert list(error_of(response)["fields"]) == ["decided_by"]
    assert _changes(setting.community) == 1
