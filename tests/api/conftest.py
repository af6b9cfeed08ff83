"""Fixtures for the JSON API tests: communities, a property manager, dwellings, a ticket cast."""
import pytest

from propmgmt import roles
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member
from tests.tickets.conftest import make_cast


@pytest.fixture
def community():
    return CommunityFactory(name="Hepingli")


@pytest.fixture
def other_community():
    return CommunityFactory(name="Zhongguancun")


@pytest.fixture
def manager(community):
    return member(community, roles.PROPERTY_MANAGER)


@pytest.fixture
def make_dwellings():
    """`count` dwellings in a community, one building each (so lazy building loads would show)."""

    def do(community, count, area_x100=8850):
        return [DwellingFactory(building=BuildingFactory(community=community),
                                area_x100=area_x100) for _ in range(count)]

    return do


@pytest.fixture
def cast():
    """A professional-mode community with a dwelling, its resident and one user per role."""
    return make_cast()


@pytest.fixture
def headers_of(api_token):
    """Bearer headers per user, one token each (English messages, for readable assertions)."""
    issued = {}

    def do(user):
        if user.id not in issued:
            issued[user.id] = {**api_token(user), "Accept-Language": "en"}
        return issued[user.id]

    return do


@pytest.fixture
def file_ticket(client, headers_of):
    """File a ticket over the API (a normal repair on the cast's dwelling unless told otherwise)."""

    def do(cast, by=None, **overrides):
        body = {"kind": "repair", "category": "pipes", "title": "Leaking pipe",
                "description": "Water drips from the kitchen pipe.",
                "dwelling_id": cast.dwelling.id}
        body.update(overrides)
        return client.post(f"/api/v1/communities/{cast.community.id}/tickets", json=body,
                           headers=headers_of(by or cast.resident))

    return do
