"""`flask communities create` and `flask communities import`, run through Flask's CLI runner.

The commands run inside the test's rolled-back transaction: they use the fixture's db.session.
"""
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from propmgmt import roles
from propmgmt.auth.models import User
from propmgmt.communities import modes
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Person
from propmgmt.db import db
from tests.communities.test_roster import csv_bytes
from tests.communities.test_roster import xlsx_bytes
from tests.factories import CommunityFactory


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


@pytest.fixture
def flask(app):
    """Run `flask ARGS...` and return click's result."""
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=list(args))

    return invoke


def community_named(name):
    return db.session.scalar(sa.select(Community).where(Community.name == name))


def test_create_makes_a_community_in_the_tests_transaction(flask):
    result = flask("communities", "create", "幸福苑", "--district", "东城区",
                   "--mode", modes.QUASI, "--address", "幸福路 1 号")
    assert result.exit_code == 0, result.output
    community = community_named("幸福苑")
    assert f"Created community 幸福苑 (id {community.id}, quasi)." in result.output
    assert (community.district, community.address, community.management_mode) == (
        "东城区", "幸福路 1 号", modes.QUASI)
    with db.engine.connect() as other:  # not committed outside the test's outer transaction
        assert other.scalar(sa.select(sa.func.count()).select_from(Community)
                            .where(Community.name == "幸福苑")) == 0


def test_create_refuses_a_taken_name_and_an_unknown_mode(flask):
    CommunityFactory(name="Taken")
    result = flask("communities", "create", "Taken", "--district", "D", "--mode", modes.QUASI)
    assert result.exit_code == 1
    assert "name: A community with this name already exists." in result.output
    result = flask("communities", "create", "New", "--district", "D", "--mode", "anarchy")
    assert result.exit_code == 2 and "anarchy" in result.output
    assert community_named("New") is None


def test_create_then_import_a_roster(flask, tmp_path):
    assert flask("communities", "create", "和平里", "--district", "东城区",
                 "--mode", modes.PROFESSIONAL).exit_code == 0
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([("1", "101", 66.5, "张三", "13800000000", "zhangsan"),
                                 ("1", "102", 70, "张三", "13800000000", "zhangsan"),
                                 ("2", "101", 80.25, "李四", None, None)]))
    result = flask("communities", "import", "和平里", str(path))
    assert result.exit_code == 0, result.output
    assert ("Imported 3 rows into 和平里: 2 new buildings, 3 new dwellings, 3 owners linked."
            in result.output)
    user = db.session.scalar(sa.select(User).where(User.username == "zhangsan"))
    [line] = [ln for ln in result.output.splitlines() if "one-time password" in ln]
    assert line.split()[:2] == ["account", "zhangsan"] and user.must_change_password
    community = community_named("和平里")
    assert user.roles_in(community.id) == {roles.RESIDENT}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dwelling)
                             .where(Dwelling.community_id == community.id)) == 3

    again = flask("communities", "import", str(community.id), str(path))
    assert again.exit_code == 0, again.output
    assert "0 new buildings, 0 new dwellings, 0 owners linked." in again.output
    assert "Nothing new" in again.output and "one-time password" not in again.output


def test_import_with_bad_rows_fails_listing_them_and_writes_nothing(flask, tmp_path):
    community = CommunityFactory(name="Bad")
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([("1", "101", "50", "A", "", ""),
                                ("1", "102", "abc", "B", "", ""),
                                ("1", "101", "60", "C", "", "")]))
    result = flask("communities", "import", "Bad", str(path))
    assert result.exit_code == 1
    assert "file: Row 3: Enter the area as a number of square metres." in result.output
    assert ("file: Row 4: Dwelling 1-101 is already on row 2 with a different area or owner."
            in result.output)
    assert "Imported" not in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)
                             .where(Person.community_id == community.id)) == 0


def test_import_into_an_unknown_community_fails(flask, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([("1", "101", "50", "A", "", "")]))
    result = flask("communities", "import", "Nowhere", str(path))
    assert result.exit_code == 1 and "No community named Nowhere." in result.output
    missing = flask("communities", "import", "Nowhere", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
