"""The demo's owners' vote: 和平里小区's owners' committee asks whether to use the maintenance
fund for building 2's roof; about half the owners have voted on paper, the demo owner has not."""
import datetime as dt
import random

import sqlalchemy as sa

from propmgmt import policy
from propmgmt.auth.models import User
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.demo import data
from propmgmt.errors import Conflict
from propmgmt.governance import votes

TITLE = "关于使用专项维修资金更换2号楼屋面防水层的表决"
DESCRIPTION = ("2号楼屋面防水层老化，顶层多户漏水。经业委会与物业公司查勘，拟使用专项维修资金约18.6万元"
               "更换屋面防水层。预算与施工方案已在小区公告栏公示。")


def load_vote(loaded):
    """Open the vote and enter paper ballots for about half of the owners."""
    item = loaded.get("hepingli")
    committee = db.session.scalar(sa.select(User).where(User.username == "owners"))
    if item is None or committee is None or not policy.can(committee, "vote.create",
                                                             item.community):
        return 0
    now = utcnow()
    vote = votes.open_vote(community=item.community, actor=committee, title=TITLE,
                           description=DESCRIPTION, item="use_fund",
                           opens_at=now - dt.timedelta(days=5), closes_at=now + dt.timedelta(days=9),
                           now=now - dt.timedelta(days=21))
    demo_users = {u.username for u in data.USERS}
    owners = db.session.execute(
        sa.select(Person.id, Person.user_id).join(Occupancy, Occupancy.person_id == Person.id)
        .where(Occupancy.community_id == item.community.id, Occupancy.kind == "owner")
        .distinct().order_by(Person.id)).all()
    linked = {uid for uid in db.session.scalars(sa.select(User.id).where(
        User.username.in_(demo_users)))}
    rng = random.Random(f"{data.SEED}:vote")
    cast = 0
    for person_id, user_id in owners:
        if user_id in linked or rng.random() > 0.55:
            continue
        option = rng.choices(["agree", "disagree", "abstain"], weights=[78, 12, 10])[0]
        try:
            votes.enter_paper_ballot(vote=vote, actor=committee, person_id=person_id,
                                     option=option, paper_ref=f"纸质表决票 第{cast + 1:03d}号",
                                     now=now - dt.timedelta(days=rng.randrange(0, 5)))
        except Conflict:  # a co-owner whose dwelling another owner's ballot already covers
            continue
        cast += 1
    return cast
