"""Turn the demo specs (`propmgmt.demo.data`) into rows: one function per part.

Communities, buildings, mode changes, organizations and contracts go through the community
services (validation, audit entries); the ~300 dwellings and their owners and tenants are added
as ORM rows in bulk, committed once per community. Users are created through the auth services
so passwords are hashed with argon2 and memberships and dwelling ties are made properly. Then
two months of tickets are filed and worked through the ticket services (`propmgmt.demo.tickets`).
The load ends with a "demo.load" audit entry: its presence means the demo is fully loaded.
"""
import dataclasses
import random

import sqlalchemy as sa

from propmgmt import audit
from propmgmt import roles
from propmgmt.audit import AuditEntry
from propmgmt.auth import services as auth_services
from propmgmt.communities import people
from propmgmt.communities import services
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.communities.models import PropertyCompany
from propmgmt.db import db
from propmgmt.demo import data
from propmgmt.demo import billing
from propmgmt.demo import inspections
from propmgmt.demo import meetings
from propmgmt.demo import notices
from propmgmt.demo import renovation
from propmgmt.demo import tickets
from propmgmt.demo import votes

MARKER = "demo.load"


@dataclasses.dataclass
class State:
    present: list  # names of the demo communities already in the database
    marker: AuditEntry  # the "demo.load" entry written at the end of a complete load, or None

    @property
    def loaded(self):
        return bool(self.present) or self.marker is not None

    @property
    def complete(self):
        return self.marker is not None


@dataclasses.dataclass
class LoadedCommunity:
    """What later parts (tickets, bills, history...) need to know about a loaded community."""

    spec: data.CommunitySpec
    community: Community
    buildings: dict  # name -> Building
    dwellings: dict  # label (e.g. "3-502") -> Dwelling
    persons: list
    tickets: list = dataclasses.field(default_factory=list)


def state():
    names = [spec.name for spec in data.COMMUNITIES]
    present = db.session.scalars(sa.select(Community.name).where(Community.name.in_(names))).all()
    marker = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == MARKER)
                               .order_by(AuditEntry.id.desc()).limit(1))
    return State(present=list(present), marker=marker)


class Names:
    """Deterministic Chinese names and unique mobile numbers for generated people."""

    def __init__(self, rng, taken_phones):
        self.rng = rng
        self.taken = taken_phones

    def name(self, younger=False):
        given = data.YOUNGER_GIVEN if younger else data.OLDER_GIVEN
        return self.rng.choice(data.SURNAMES) + self.rng.choice(given)

    def phone(self):
        while True:
            number = self.rng.choice(data.PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if number not in self.taken:
                self.taken.add(number)
                return number

    def person(self, community, younger=False):
        return Person(community_id=community.id, name=self.name(younger), phone=self.phone())


def load(echo=print):
    """Load the whole demo district; the caller has checked `state()` first.

    Returns ({community key: LoadedCommunity}, usernames created)."""
    taken_phones = _known_phones()
    loaded = {}
    for spec in data.COMMUNITIES:
        echo(f"Loading {spec.name} ({spec.mode}): {len(spec.buildings)} buildings, "
             f"{spec.dwelling_count} dwellings…")
        loaded[spec.key] = load_community(spec, taken_phones)
    echo(f"Creating {len(data.USERS)} demo users (argon2 hashing takes a few seconds)…")
    created, kept = load_users(loaded, echo)
    echo("Filing two months of tickets…")
    counts = tickets.load_tickets(loaded, created, echo)
    echo("Billing twelve months and recording payments…")
    paid = billing.load_billing(loaded, created, echo)
    echo("Opening an owners' vote…")
    ballots = votes.load_vote(loaded)
    notices.load_notices(loaded)
    echo("Holding a joint meeting…")
    meetings.load_meetings(loaded)
    echo("Recording the renovation and its facilities…")
    renovation.load_renovation(loaded)
    echo("Planning and walking inspections…")
    inspections.load_inspections(loaded)
    echo("Computing twelve months of indicators…")
    load_indicators()
    audit.record(MARKER, version=data.VERSION, seed=data.SEED,
                 communities=[spec.name for spec in data.COMMUNITIES], users=created, kept=kept,
                 tickets=counts, payments=paid, ballots=ballots)
    db.session.commit()
    return loaded, created


def load_indicators():
    """The indicator run for the last twelve months (the dashboard's trends), oldest first."""
    from propmgmt.monitoring import indicators  # noqa: PLC0415

    this = indicators.this_month()
    for period in [*indicators.previous_periods(this, 11), this]:
        indicators.run(period)


def _known_phones():
    phones = {user.phone for user in data.USERS if user.phone}
    for spec in data.COMMUNITIES:
        phones.update(org.contact_phone for org in spec.organizations)
    return phones


def load_community(spec, taken_phones):
    """One community with everything it is made of; the bulk rows are committed once."""
    rng = random.Random(f"{data.SEED}:{spec.key}")
    community = load_modes(spec)
    buildings = load_buildings(community, spec)
    dwellings = load_dwellings(community, spec, buildings, rng)
    persons = load_occupants(community, spec, dwellings, Names(rng, taken_phones))
    load_contracts(community, spec)
    load_organizations(community, spec)
    db.session.commit()
    return LoadedCommunity(spec, community, buildings, dwellings, persons)


def load_modes(spec):
    """Create the community in its first mode, then record each later mode change."""
    first, *later = spec.modes
    community = services.create_community(
        name=spec.name, district=data.DISTRICT, mode=first.mode, address=spec.address,
        effective_from=first.effective_from, reason=first.reason)
    if first.decided_by:
        community.mode_changes[0].decided_by = first.decided_by
    for step in later:
        services.change_mode(community=community, mode=step.mode,
                             effective_from=step.effective_from, reason=step.reason,
                             decided_by=step.decided_by)
    return community


def load_buildings(community, spec):
    return {b.name: services.add_building(community=community, name=b.name, floors=b.floors)
            for b in spec.buildings}


def stack_areas(building, rng):
    """Floor area (hundredths of m²) of each stack: end units are the larger flats."""
    low, high = building.min_m2 * 100, building.max_m2 * 100
    middle = (low + high) // 2
    areas = {}
    for unit in range(1, building.units + 1):
        end = unit in (1, building.units)
        areas[unit] = rng.randint(middle, high) if end else rng.randint(low, middle + 1000)
    return {unit: min(area, high) for unit, area in areas.items()}


def load_dwellings(community, spec, buildings, rng):
    """floors × units dwellings per building, numbered floor*100+unit; areas mostly per stack."""
    dwellings = {}
    for b in spec.buildings:
        building = buildings[b.name]
        stacks = stack_areas(b, rng)
        for floor in range(1, b.floors + 1):
            for unit in range(1, b.units + 1):
                area = stacks[unit]
                if rng.random() < 0.25:  # the odd re-measured or altered flat
                    area = max(b.min_m2 * 100, min(b.max_m2 * 100, area + rng.randint(-60, 60)))
                number = str(floor * 100 + unit)
                dwellings[f"{b.name}-{number}"] = Dwelling(
                    community_id=community.id, building_id=building.id, building=building,
                    number=number, area_x100=area)
    db.session.add_all(dwellings.values())
    db.session.flush()
    return dwellings


def _user_dwellings(spec_key):
    """Labels the demo accounts own (no generated owner) and rent (no generated tenant)."""
    owned, rented = set(), set()
    for user in data.USERS:
        for grant in user.grants:
            if grant.community == spec_key:
                (owned if grant.occupancy == "owner" else rented).update(grant.dwellings)
    return owned, rented


def load_occupants(community, spec, dwellings, names):
    """An owner per dwelling, a few co-owners, one owner of several dwellings, a few tenants."""
    owned_by_users, rented_by_users = _user_dwellings(spec.key)
    persons, occupancies = [], []

    def tie(label, person, kind):
        occupancies.append(Occupancy(community_id=community.id, dwelling=dwellings[label],
                                     person=person, kind=kind))

    if spec.multi_owner:
        landlord = names.person(community)
        persons.append(landlord)
        for label in spec.multi_owner:
            tie(label, landlord, "owner")
    single = [label for label in dwellings
              if label not in owned_by_users and label not in spec.multi_owner]
    for label in single:
        owner = names.person(community)
        persons.append(owner)
        tie(label, owner, "owner")
    for label in sorted(names.rng.sample(single, spec.co_owned)):
        co_owner = names.person(community)
        persons.append(co_owner)
        tie(label, co_owner, "owner")
    rentable = [label for label in single if label not in rented_by_users]
    for label in list(spec.multi_owner[1:]) + sorted(names.rng.sample(rentable, spec.tenants)):
        tenant = names.person(community, younger=True)
        persons.append(tenant)
        tie(label, tenant, "tenant")
    db.session.add_all(persons)
    db.session.add_all(occupancies)
    db.session.flush()
    return persons


def load_contracts(community, spec):
    """Service contracts, oldest first (each makes its company the community's provider)."""
    for c in spec.contracts:
        contract = services.add_contract(
            community=community, company_name=c.company, starts_on=c.starts_on,
            ends_on=c.ends_on, scope=c.scope, fee_fen_per_m2=c.fee_fen_per_m2)
        company = db.session.get(PropertyCompany, contract.company_id)
        company.credit_code = company.credit_code or c.credit_code
        company.phone = company.phone or c.phone


def load_organizations(community, spec):
    for org in spec.organizations:
        services.set_organization(community=community, kind=org.kind, name=org.name,
                                  contact_name=org.contact_name, contact_phone=org.contact_phone)


def load_users(loaded, echo):
    """The demo accounts; an account that already exists (not made by the demo) is left alone."""
    created, kept = [], []
    for spec in data.USERS:
        if auth_services.find_user(spec.username) is not None:
            echo(f"  user {spec.username} already exists: left unchanged (and without demo roles)")
            kept.append(spec.username)
            continue
        grants = [(g, loaded[g.community] if g.community else None, label)
                  for g in spec.grants for label in (g.dwellings or (None,))]
        (grant, where, label), rest = grants[0], grants[1:]
        user = auth_services.create_user(
            username=spec.username, password=data.PASSWORD, display_name=spec.display_name,
            phone=spec.phone, role=grant.role, community=where and where.community,
            dwelling=where.dwellings[label] if label else None, occupancy=grant.occupancy,
            must_change_password=False)
        for grant, where, label in rest:
            auth_services.grant_role(
                user=user, role=grant.role, community=where and where.community,
                dwelling=where.dwellings[label] if label else None, occupancy=grant.occupancy)
        created.append(spec.username)
    return created, kept


def login_rows():
    """(username, password, roles, communities) of each demo account found in the database."""
    st = state()
    kept = set((st.marker.detail or {}).get("kept", ())) if st.marker else set()
    order = {spec.name: i for i, spec in enumerate(data.COMMUNITIES)}
    rows = []
    for spec in data.USERS:
        user = auth_services.find_user(spec.username)
        if user is None:
            continue
        held, communities = [], []
        for m in sorted(user.memberships, key=lambda m: (m.id,)):
            name = m.community.name if m.community is not None else None
            if name and name not in communities:
                communities.append(name)
            if m.role == roles.RESIDENT and m.community is not None:
                ties = people.dwellings_of(user, m.community_id)
                kinds = sorted({kind for _d, kind in ties})
                labels = ", ".join(d.label for d, _k in ties)
                text = f"resident ({'/'.join(kinds)} of {labels})" if ties else "resident"
            else:
                text = m.role
            if text not in held:
                held.append(text)
        communities.sort(key=lambda name: order.get(name, len(order)))
        rows.append((user.username, "(own password)" if user.username in kept else data.PASSWORD,
                     ", ".join(held),
                     "(every community)" if user.is_admin else "、".join(communities)))
    return rows
