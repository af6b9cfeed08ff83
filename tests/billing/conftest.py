"""Billing fixtures: a professional community with dwellings of known areas and a fee item."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.billing import fees
from propmgmt.communities import modes
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member


@dataclasses.dataclass
class Estate:
    community: object
    dwellings: list
    fee: object
    manager: object
    staff: object
    resident: object
    tenant: object
    secretary: object
    owners_committee: object


def make_estate(mode=modes.PROFESSIONAL, areas=(7230, 8850, 6000), rate_fen=45):
    community = CommunityFactory(initial_mode=mode)
    building = BuildingFactory(community=community, name="3")
    dwellings = [DwellingFactory(building=building, number=str(501 + i), area_x100=a)
                 for i, a in enumerate(areas)]
    manager = member(community, roles.PROPERTY_MANAGER)
    fee = fees.create_fee_item(community=community, name="物业服务费", basis="per_m2",
                               rate_fen=rate_fen, actor=manager, legal_basis="服务合同",
                               effective_from=dt.date(2025, 1, 1))
    return Estate(community=community, dwellings=dwellings, fee=fee, manager=manager,
                  staff=member(community, roles.PROPERTY_STAFF),
                  resident=member(community, roles.RESIDENT, dwelling=dwellings[0]),
                  tenant=member(community, roles.RESIDENT, dwelling=dwellings[0],
                                occupancy="tenant"),
                  secretary=member(community, roles.PARTY_SECRETARY),
                  owners_committee=member(community, roles.OWNERS_COMMITTEE))


@pytest.fixture
def estate():
    return make_estate()
