"""Fixtures for the JSON API tests: communities, a property manager, dwellings."""
import pytest

from propmgmt import roles
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import member


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
