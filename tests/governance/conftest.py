"""A community with owners, co-owners, a tenant and the owners' committee, and an open vote."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.communities import people
from propmgmt.db import utcnow
from propmgmt.governance import votes
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member


@dataclasses.dataclass
class Cast:
    community: object
    dwellings: list
    owner: object        # owns dwellings 0, 1, 2 (60, 70, 80 m²)
    co_owner_a: object   # co-owns dwelling 3 (90 m²)
    co_owner_b: object
    tenant: object       # lives in dwelling 0
    committee: object
    outsider: object     # a member of another community

    def open_vote(self, **kwargs):
        now = utcnow()
        data = {"title": "Repaint the stairwells", "matter": "ordinary",
                "opens_at": now - dt.timedelta(hours=1),
                "closes_at": now + dt.timedelta(days=7), **kwargs}
        data.setdefault("now", data["opens_at"] - dt.timedelta(days=votes.NOTICE_DAYS))
        return votes.open_vote(community=self.community, actor=self.committee, **data)


@pytest.fixture
def cast():
    community = CommunityFactory()
    one = BuildingFactory(community=community, name="1")
    two = BuildingFactory(community=community, name="2")
    dwellings = [DwellingFactory(building=one, area_x100=6000),
                 DwellingFactory(building=one, area_x100=7000),
                 DwellingFactory(building=one, area_x100=8000),
                 DwellingFactory(building=two, area_x100=9000)]
    owner = member(community, roles.RESIDENT, dwelling=dwellings[0])
    for d in dwellings[1:3]:
        people.bind(user=owner, dwelling=d, kind="owner")
    co_a = member(community, roles.RESIDENT, dwelling=dwellings[3])
    co_b = member(community, roles.RESIDENT, dwelling=dwellings[3])
    tenant = member(community, roles.RESIDENT, dwelling=dwellings[0], occupancy="tenant")
    committee = member(community, roles.OWNERS_COMMITTEE)
    outsider = member(CommunityFactory(), roles.OWNERS_COMMITTEE)
    return Cast(community, dwellings, owner, co_a, co_b, tenant, committee, outsider)
