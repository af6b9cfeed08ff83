"""`flask users create|grant|revoke`."""
from propmgmt import roles
from propmgmt.auth.services import find_user
from propmgmt.communities import people
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory


def run(app, *args):
    return app.test_cli_runner().invoke(args=["users", *args])


def test_create_grant_revoke(app):
    community = CommunityFactory(name="和平里")
    DwellingFactory(building=BuildingFactory(community=community, name="3"), number="502")
    result = run(app, "create", "--username", "wang", "--password", "long-enough-1",
                 "--role", "resident", "--community", "和平里", "--dwelling", "3-502")
    assert result.exit_code == 0, result.output
    user = find_user("wang")
    assert [(d.label, k) for d, k in people.dwellings_of(user, community.id)] == [("3-502", "owner")]
    result = run(app, "grant", "wang", "--role", "owners_committee", "--community", str(community.id))
    assert result.exit_code == 0 and "Granted" in result.output
    assert user.roles_in(community.id) == {roles.RESIDENT, roles.OWNERS_COMMITTEE}
    result = run(app, "revoke", "wang", "--role", "resident", "--community", "和平里")
    assert result.exit_code == 0
    assert people.dwellings_of(user, community.id) == []


def test_one_time_password_is_printed_once(app):
    result = run(app, "create", "--username", "otp")
    assert result.exit_code == 0
    assert "One-time password (shown once):" in result.output
    assert find_user("otp").must_change_password


def test_errors_exit_non_zero_with_a_message(app):
    CommunityFactory(name="C")
    run(app, "create", "--username", "dup", "--password", "long-enough-1")
    cases = [
        (["create", "--username", "dup", "--password", "long-enough-1"], "already taken"),
        (["create", "--username", "shortpw", "--password", "short"], "at least 8"),
        (["grant", "nobody", "--role", "resident", "--community", "C"], "No user named nobody"),
        (["grant", "dup", "--role", "resident", "--community", "Nowhere"], "No community named"),
        (["grant", "dup", "--role", "resident", "--community", "C", "--dwelling", "1-1"],
         "No dwelling 1-1"),
        (["grant", "dup", "--role", "technician"], "Choose a community"),
        (["revoke", "dup", "--role", "technician", "--community", "C"], "does not hold"),
    ]
    for args, message in cases:
        result = run(app, *args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
