"""The community page's "who to turn to" card and the people of the four organizations."""
import pytest

from propmgmt import policy
from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.db import db
from tests.factories import BuildingFactory
from tests.factories import CommunityFactory
from tests.factories import DwellingFactory
from tests.factories import OrganizationFactory
from tests.factories import UserFactory
from tests.factories import member

EN = {"Accept-Language": "en"}


# contacts_for: one case per mode -------------------------------------------------------------

def test_professional_mode_sends_repairs_and_fees_to_the_company():
    assert modes.contacts_for(modes.PROFESSIONAL) == (
        (modes.REPAIRS, modes.COMPANY),
        (modes.COMPANY_COMPLAINTS, modes.RESIDENTS),
        (modes.FEES, modes.COMPANY),
        (modes.OWNERS_VOTES, modes.OWNERS),
        (modes.UNRESOLVED, modes.PARTY),
    )


def test_quasi_mode_sends_repairs_to_the_residents_committee_and_fees_to_the_provider():
    assert modes.contacts_for(modes.QUASI) == (
        (modes.REPAIRS, modes.RESIDENTS),
        (modes.COMPANY_COMPLAINTS, modes.RESIDENTS),
        (modes.FEES, modes.COMPANY),
        (modes.OWNERS_VOTES, modes.OWNERS),
        (modes.UNRESOLVED, modes.PARTY),
    )


def test_coordinated_mode_goes_to_the_residents_committee_and_has_no_company_complaints():
    assert modes.contacts_for(modes.COORDINATED) == (
        (modes.REPAIRS, modes.RESIDENTS),
        (modes.FEES, modes.RESIDENTS),
        (modes.OWNERS_VOTES, modes.OWNERS),
        (modes.UNRESOLVED, modes.PARTY),
    )


def test_self_governed_mode_goes_to_the_owners_committee():
    assert modes.contacts_for(modes.SELF_GOVERNED) == (
        (modes.REPAIRS, modes.OWNERS),
        (modes.FEES, modes.OWNERS),
        (modes.OWNERS_VOTES, modes.OWNERS),
        (modes.UNRESOLVED, modes.PARTY),
    )


@pytest.mark.parametrize("mode", modes.ALL)
def test_complaints_about_the_company_never_go_to_the_company(mode):
    contacts = dict(modes.contacts_for(mode))
    assert contacts.get(modes.COMPANY_COMPLAINTS, modes.RESIDENTS) == modes.RESIDENTS
    assert contacts[modes.UNRESOLVED] == modes.ESCALATION_PATH[mode][-1]
    assert set(contacts) <= set(modes.TOPIC_LABELS)


def test_unknown_mode_has_no_contacts():
    with pytest.raises(ValueError):
        modes.contacts_for("anarchy")


# the page ------------------------------------------------------------------------------------

def _card(page):
    """The HTML of the "who to turn to" card."""
    start = page.index('id="who-to-turn-to"')
    return page[start:page.index("</ul>", start)]


def _orgs_card(page):
    start = page.index("Four-in-one organizations")
    return page[start:page.index("</ul>\n    </div>", start)]


def _professional_community():
    community = CommunityFactory(initial_mode=modes.PROFESSIONAL)
    OrganizationFactory(community_id=community.id, kind=modes.COMPANY, name="Anhe Property",
                        contact_name="Chen", contact_phone="010-8421")
    OrganizationFactory(community_id=community.id, kind=modes.RESIDENTS, name="Hepingli RC",
                        contact_phone="010-6401")
    OrganizationFactory(community_id=community.id, kind=modes.PARTY, name="Hepingli Party",
                        contact_phone="010-6402")
    return community


def _resident(community):
    dwelling = DwellingFactory(building=BuildingFactory(community=community))
    return member(community, roles.RESIDENT, dwelling=dwelling)


def test_resident_sees_whom_to_turn_to_with_phones_and_links(client, login):
    community = _professional_community()
    login(_resident(community))
    page = client.get(f"/communities/{community.id}", headers=EN).get_data(as_text=True)
    card = _card(page)
    assert "Who to turn to" in page
    topics = ["Repairs and requests", "Complaints about the property company",
              "Service fees and payments", "Owners' votes", "Matters still unresolved"]
    positions = [card.index(topic) for topic in topics]
    assert positions == sorted(positions)
    repairs = card[positions[0]:positions[1]]
    assert "Anhe Property" in repairs and 'href="tel:010-8421"' in repairs
    assert f'href="/communities/{community.id}/tickets/new"' in repairs
    complaints = card[positions[1]:positions[2]]
    assert "Hepingli RC" in complaints and "010-6401" in complaints
    assert "Anhe Property" not in complaints
    fees = card[positions[2]:positions[3]]
    assert "Anhe Property" in fees
    assert f'href="/communities/{community.id}/price-display"' in fees
    votes = card[positions[3]:positions[4]]
    assert "Owners' committee" in votes and "No contact recorded yet." in votes
    assert f'href="/communities/{community.id}/votes"' in votes
    unresolved = card[positions[4]:]
    assert "Hepingli Party" in unresolved and "010-6402" in unresolved


def test_card_follows_the_current_mode(client, login):
    community = CommunityFactory(initial_mode=modes.SELF_GOVERNED)
    OrganizationFactory(community_id=community.id, kind=modes.OWNERS, name="Andeli OC",
                        contact_phone="139-1035")
    login(_resident(community))
    card = _card(client.get(f"/communities/{community.id}", headers=EN).get_data(as_text=True))
    assert card.count("Andeli OC") == 3  # repairs, fees, votes
    assert "Complaints about the property company" not in card
    assert "Property company" not in card


def test_links_are_shown_only_when_policy_allows(client, login, monkeypatch):
    community = _professional_community()
    login(_resident(community))
    monkeypatch.setitem(policy.RULES, "ticket.file", lambda user, obj: False)
    monkeypatch.setitem(policy.RULES, "vote.view", lambda user, obj: False)
    card = _card(client.get(f"/communities/{community.id}", headers=EN).get_data(as_text=True))
    assert "/tickets/new" not in card and "/votes" not in card
    assert f'href="/communities/{community.id}/price-display"' in card


def test_organizations_list_their_people_by_name_and_role_only(client, login):
    community = _professional_community()
    people = {
        roles.PROPERTY_MANAGER: "Manager Chen", roles.PROPERTY_STAFF: "Staff Wu",
        roles.RESIDENTS_COMMITTEE: "Director Wang", roles.OWNERS_COMMITTEE: "Chair Sun",
        roles.PARTY_SECRETARY: "Secretary Li", roles.TECHNICIAN: "Fixer Zhao",
        roles.RESIDENT: "Neighbour Qian", roles.DISTRICT_SUPERVISOR: "Supervisor Zhou",
    }
    for role, name in people.items():
        user = member(community, role)
        user.display_name, user.phone = name, f"139{len(name):08d}"
    elsewhere = member(CommunityFactory(), roles.OWNERS_COMMITTEE)
    elsewhere.display_name = "Chair Elsewhere"
    db.session.flush()
    login(_resident(community))
    page = client.get(f"/communities/{community.id}", headers=EN).get_data(as_text=True)
    orgs = _orgs_card(page)
    sections = {label: orgs.index(label) for label in (
        "Community party organization", "Residents' committee", "Owners' committee",
        "Property company")}
    order = sorted(sections, key=sections.get)
    for i, label in enumerate(order):
        end = sections[order[i + 1]] if i + 1 < len(order) else len(orgs)
        sections[label] = orgs[sections[label]:end]
    assert "Secretary Li" in sections["Community party organization"]
    assert "Director Wang" in sections["Residents' committee"]
    assert "Chair Sun" in sections["Owners' committee"]
    company = sections["Property company"]
    assert "Manager Chen" in company and "Property manager" in company
    assert "Staff Wu" in company and "Property staff" in company
    for absent in ("Fixer Zhao", "Neighbour Qian", "Supervisor Zhou", "Chair Elsewhere"):
        assert absent not in orgs
    for name in people.values():
        assert f"139{len(name):08d}" not in page
    assert "@" not in orgs


def test_deactivated_accounts_are_not_listed(client, login):
    community = _professional_community()
    gone = member(community, roles.OWNERS_COMMITTEE)
    gone.display_name, gone.is_active_user = "Former Chair", False
    db.session.flush()
    login(_resident(community))
    page = client.get(f"/communities/{community.id}", headers=EN).get_data(as_text=True)
    assert "Former Chair" not in page


def test_community_page_queries_do_not_grow_with_members(client, login, count_queries):
    community = _professional_community()
    login(_resident(community))

    def queries_for_page():
        with count_queries() as counter:
            assert client.get(f"/communities/{community.id}").status_code == 200
        return counter.count

    member(community, roles.OWNERS_COMMITTEE)
    member(community, roles.PROPERTY_STAFF)
    few = queries_for_page()
    for role in (roles.OWNERS_COMMITTEE, roles.RESIDENTS_COMMITTEE, roles.PARTY_SECRETARY,
                 roles.PROPERTY_MANAGER, roles.PROPERTY_STAFF) * 6:
        member(community, role)
    UserFactory.create_batch(5)
    assert queries_for_page() == few


def test_card_is_in_chinese_by_default(client, login):
    community = _professional_community()
    login(_resident(community))
    page = client.get(f"/communities/{community.id}").get_data(as_text=True)
    assert "找谁办事" in page
