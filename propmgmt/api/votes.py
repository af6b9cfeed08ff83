"""API for owners' votes: open a vote, cast a ballot, read the result with its computation."""
from flask_login import current_user

from propmgmt import scoping
from propmgmt.api.blueprint import ID_CONVERTER
from propmgmt.api.blueprint import Blueprint
from propmgmt.api.schemas.votes import BallotCreateSchema
from propmgmt.api.schemas.votes import BallotSchema
from propmgmt.api.schemas.votes import ResultSchema
from propmgmt.api.schemas.votes import VoteCreateSchema
from propmgmt.api.schemas.votes import VoteSchema
from propmgmt.communities.models import Community
from propmgmt.governance import votes
from propmgmt.governance.models import Vote
from propmgmt.web import actor as _actor

bp = Blueprint("api_votes", __name__, url_prefix="/api/v1",
               description="Owners' joint decisions (Civil Code art. 278): votes and ballots.")

VOTE = f"/votes/<{ID_CONVERTER}:vid>"



def _vote(vid, action="vote.view"):
    vote = scoping.get_authorized_or_404(Vote, vid, current_user, action)
    return vote


def _result(vote):
    from propmgmt.governance import cycle  # noqa: PLC0415

    if vote.final_result is not None:
        return {"vote_id": vote.id, **vote.final_result, "phase": cycle.FINAL}
    return {"vote_id": vote.id, **votes.result_json(votes.result(vote)),
            "phase": cycle.phase(vote)}


@bp.post(f"/communities/<{ID_CONVERTER}:cid>/votes")
@bp.token_required
@bp.arguments(VoteCreateSchema)
@bp.response(201, VoteSchema)
@bp.errors(400, 403, 404, 422)
def create(body, cid):
    """Open a vote (owners' committee); `item` sets the matter, options default to
    agree, disagree, abstain."""
    community = scoping.get_authorized_or_404(Community, cid, current_user, "vote.create")
    return votes.open_vote(community=community, actor=_actor(), **body)


@bp.post(f"{VOTE}/ballots")
@bp.token_required
@bp.arguments(BallotCreateSchema)
@bp.response(201, BallotSchema)
@bp.errors(400, 403, 404, 409, 422)
def cast(body, vid):
    """An owner's ballot: one per owner covering every dwelling they own; a second one, or one
    for a dwelling a co-owner already voted for, is 409; tenants and family members 403."""
    vote = _vote(vid, "vote.cast")
    ballot = votes.cast_ballot(vote=vote, actor=_actor(), option=body["option"])
    area = sum(d.area_x100 for d in ballot.dwellings)
    return {"id": ballot.id, "vote_id": vote.id, "option": ballot.option, "owners": 1,
            "area_m2": float(votes.m2(area)), "dwellings": len(ballot.dwellings)}


@bp.get(f"{VOTE}/result")
@bp.token_required
@bp.response(200, ResultSchema)
@bp.errors(404)
def result(vid):
    """The tally and the computation (provisional while the vote is open)."""
    return _result(_vote(vid))
