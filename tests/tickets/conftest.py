"""Ticket fixtures: a community in each mode with its handlers, a resident and a dwelling."""
import dataclasses

import pytest

from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.tickets import services
from propmgmt.tickets.intake import TicketInput
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member


@dataclasses.dataclass
class Cast:
    community: object
    dwelling: object
    resident: object
    manager: object
    staff: object
    technician: object
    residents_committee: object
    owners_committee: object
    secretary: object

    def file(self, by=None, **overrides):
        """File a ticket (a normal repair on the resident's dwelling unless told otherwise)."""
        fields = {"kind": "repair", "category": "pipes", "title": "Leaking pipe",
                  "description": "Water drips from the kitchen pipe.",
                  "dwelling_id": self.dwelling.id}
        fields.update(overrides)
        return services.open_ticket(community=self.community, actor=by or self.resident,
                                    data=TicketInput(**fields))


def make_cast(mode=modes.PROFESSIONAL):
    community = CommunityFactory(initial_mode=mode)
    dwelling = DwellingFactory(building=BuildingFactory(community=community, name="3"),
                               number="502")
    return Cast(
        community=community, dwelling=dwelling,
        resident=member(community, roles.RESIDENT, dwelling=dwelling),
        manager=member(community, roles.PROPERTY_MANAGER),
        staff=member(community, roles.PROPERTY_STAFF),
        technician=member(community, roles.TECHNICIAN),
        residents_committee=member(community, roles.RESIDENTS_COMMITTEE),
        owners_committee=member(community, roles.OWNERS_COMMITTEE),
        secretary=member(community, roles.PARTY_SECRETARY),
    )


@pytest.fixture
def cast():
    return make_cast()
