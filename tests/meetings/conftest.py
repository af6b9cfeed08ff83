"""A community with the people of the four organizations, a resident and an outsider."""
import dataclasses
import datetime as dt

import pytest

from propmgmt import roles
from propmgmt.db import utcnow
from propmgmt.meetings import services
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member


@dataclasses.dataclass
class Cast:
    community: object
    secretary: object
    residents_committee: object
    owners_committee: object
    manager: object
    resident: object
    outsider: object

    def schedule(self, *, hours=-2, orgs=None, **kwargs):
        data = {"title": "Monthly joint meeting", "place": "Community hall",
                "agenda": "1. Parking\n2. Lift repair",
                "scheduled_at": utcnow() + dt.timedelta(hours=hours),
                "orgs": ["party_organization", "residents_committee", "owners_committee",
                         "property_company"] if orgs is None else orgs, **kwargs}
        return services.schedule(community=self.community, actor=self.secretary, **data)

    def held(self, **kwargs):
        meeting = self.schedule(**kwargs)
        attendance = {i.org_kind: (True, "Zhang San") for i in meeting.invitees}
        return services.record_minutes(meeting, actor=self.secretary, minutes="Agreed on parking.",
                                       attendance=attendance)

    def item(self, meeting, *, due_in_days=7, owner_org="property_company", title="Fix the lift"):
        due = services.local_today(self.community) + dt.timedelta(days=due_in_days)
        return services.add_item(meeting, actor=self.secretary, title=title, owner_org=owner_org,
                                 due_on=due)


@pytest.fixture
def cast():
    community = CommunityFactory()
    dwelling = DwellingFactory(building=BuildingFactory(community=community))
    return Cast(community=community,
                secretary=member(community, roles.PARTY_SECRETARY),
                residents_committee=member(community, roles.RESIDENTS_COMMITTEE),
                owners_committee=member(community, roles.OWNERS_COMMITTEE),
                manager=member(community, roles.PROPERTY_MANAGER),
                resident=member(community, roles.RESIDENT, dwelling=dwelling),
                outsider=member(CommunityFactory(), roles.PARTY_SECRETARY))
