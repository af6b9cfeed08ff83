"""A professional community with two buildings, residents of each, staff and committees."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.db import utcnow
from propmgmt.disclosure import services
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@dataclasses.dataclass
class Cast:
    community: object
    one: object
    two: object
    owner_one: object     # owns a dwelling in building one
    tenant_two: object    # rents a dwelling in building two
    manager: object       # the fee collector (professional mode)
    owners_committee: object
    residents_committee: object
    outsider: object

    def post(self, actor=None, **kwargs):
        data = {"title": "Water off on Friday", "body": "From 9 to 12.", **kwargs}
        return services.publish_notice(community=self.community,
                                       actor=actor or self.residents_committee, **data)

    def disclosure(self, **kwargs):
        data = {"title": "Income and spending 2025", "kind": "income_spending",
                "period_year": 2025, "lines": services.parse_lines(
                    "Service fees | 120000.10 | 0\nCleaning | 0 | 30000.05\nParking | 800.01 | 0"),
                **kwargs}
        return self.post(actor=self.manager, **data)


@pytest.fixture
def cast():
    community = CommunityFactory()
    one = BuildingFactory(community=community, name="1")
    two = BuildingFactory(community=community, name="2")
    d1, d2 = DwellingFactory(building=one), DwellingFactory(building=two)
    return Cast(community, one, two,
                member(community, roles.RESIDENT, dwelling=d1),
                member(community, roles.RESIDENT, dwelling=d2, occupancy="tenant"),
                member(community, roles.PROPERTY_MANAGER),
                member(community, roles.OWNERS_COMMITTEE),
                member(community, roles.RESIDENTS_COMMITTEE),
                member(CommunityFactory(), roles.RESIDENTS_COMMITTEE))


@pytest.fixture
def past():
    return utcnow() - dt.timedelta(days=3)
