"""A community of four dwellings with owners, a tenant and family, committees and staff."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.communities import people
from propmgmt.db import utcnow
from propmgmt.surveys import services
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member



@dataclasses.dataclass
class Cast:
    community: object
    dwellings: list
    owner: object        # owns dwellings 0 and 1
    tenant: object       # lives in dwelling 0 (a co-resident of the owner)
    family: object       # family member in dwelling 2
    owner3: object       # owns dwelling 3
    residents_committee: object
    secretary: object
    owners_committee: object
    staff: object
    supervisor: object
    outsider: object     # residents' committee of another community

    def open_survey(self, opens=-1, closes=24 * 7, **kwargs):
        now = utcnow()
        data = {"title": "Autumn satisfaction", "period": "2026-Q4",
                "opens_at": now + dt.timedelta(hours=opens),
                "closes_at": now + dt.timedelta(hours=closes), **kwargs}
        return services.open_survey(community=self.community, actor=self.residents_committee,
                                    **data)


@pytest.fixture
def cast():
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="1")
    dwellings = [DwellingFactory(building=building) for _ in range(4)]
    owner = member(community, roles.RESIDENT, dwelling=dwellings[0])
    people.bind(user=owner, dwelling=dwellings[1], kind="owner")
    tenant = member(community, roles.RESIDENT, dwelling=dwellings[0], occupancy="tenant")
    family = member(community, roles.RESIDENT, dwelling=dwellings[2], occupancy="family")
    owner3 = member(community, roles.RESIDENT, dwelling=dwellings[3])
    return Cast(community, dwellings, owner, tenant, family, owner3,
                member(community, roles.RESIDENTS_COMMITTEE),
                member(community, roles.PARTY_SECRETARY),
                member(community, roles.OWNERS_COMMITTEE),
                member(community, roles.PROPERTY_STAFF),
                member(community, roles.DISTRICT_SUPERVISOR),
                member(CommunityFactory(), roles.RESIDENTS_COMMITTEE))
