"""Races on PostgreSQL with real commits: co-owners and one owner's devices casting at once."""
import datetime as dt
import uuid

import sqlalchemy as sa

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt.communities.models import Community
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.governance import votes
from propmgmt.governance.models import Ballot
from propmgmt.governance.models import BallotDwelling
from propmgmt.governance.models import Vote
from tests import realdb
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

pytestmark = realdb.postgresql_only

THREADS = 6


def _setup():
    tag = uuid.uuid4().hex[:10]
    community = CommunityFactory(name=f"Vote race {tag}")
    dwelling = DwellingFactory(building=BuildingFactory(community=community, name="1"))
    co_a = member(community, roles.RESIDENT, username=f"vr-{tag}-a", dwelling=dwelling)
    co_b = member(community, roles.RESIDENT, username=f"vr-{tag}-b", dwelling=dwelling)
    committee = member(community, roles.OWNERS_COMMITTEE, username=f"vr-{tag}-c")
    db.session.commit()
    now = utcnow()
    vote = votes.open_vote(community=community, actor=committee, title="Race", matter="ordinary",
                           opens_at=now - dt.timedelta(hours=1),
                           closes_at=now + dt.timedelta(days=1),
                           now=now - dt.timedelta(days=votes.NOTICE_DAYS + 1))
    return community.id, vote.id, [co_a.id, co_b.id, committee.id]


def test_two_co_owners_and_four_devices_of_one_owner_leave_one_ballot(app, session):
    with realdb.real_sessions(THREADS) as engine:
        with app.app_context():
            community_id, vote_id, user_ids = _setup()
            db.session.remove()
        voters = [user_ids[0]] * 4 + [user_ids[1]] * 2

        def work(barrier):
            index = work.counter.pop()
            vote = db.session.get(Vote, vote_id)
            actor = db.session.get(User, voters[index])
            barrier.wait()
            try:
                votes.cast_ballot(vote=vote, actor=actor, option="agree")
                return "ok"
            except Conflict:
                db.session.rollback()
                return "conflict"

        work.counter = list(range(THREADS))
        try:
            results = realdb.race(app, work, THREADS)
            print(f"{THREADS} devices of two co-owners casting one dwelling's ballot at once: "
                  f"{sorted(map(str, results))}")
            assert sorted(map(str, results)) == ["conflict"] * 5 + ["ok"], results
            with engine.connect() as conn:
                assert conn.scalar(sa.select(sa.func.count()).select_from(Ballot).where(
                    Ballot.vote_id == vote_id)) == 1
                assert conn.scalar(sa.select(sa.func.count()).select_from(BallotDwelling).where(
                    BallotDwelling.vote_id == vote_id)) == 1
        finally:
            with engine.begin() as conn:
                conn.execute(sa.delete(Community).where(Community.id == community_id))
                conn.execute(sa.delete(User).where(User.id.in_(user_ids)))
