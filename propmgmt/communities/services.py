"""Communities: creating them, their buildings and dwellings, organizations, contracts, modes."""
import datetime as dt
from decimal import Decimal
from decimal import InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.communities import modes
from propmgmt.communities.models import Building
from propmgmt.communities.models import Community
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import ModeChange
from propmgmt.communities.models import Organization
from propmgmt.communities.models import PropertyCompany
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from propmgmt.errors import Invalid
from propmgmt.errors import NotFound
from propmgmt.governance.models import Vote

MAX_AREA_M2 = Decimal("2000")
MAX_ID = 2**31 - 1


def find_community(name_or_id):
    """A community by exact name or numeric id (for CLI commands); NotFound otherwise."""
    key = str(name_or_id).strip()
    stmt = sa.select(Community).where(Community.name == key)
    if key.isdigit():
        stmt = sa.select(Community).where(sa.or_(Community.name == key, Community.id == int(key)))
    community = db.session.scalar(stmt)
    if community is None:
        raise NotFound(_("No community named %(name)s.", name=key))
    return community


def check_mode(mode, field="mode"):
    if mode not in modes.ALL:
        raise Invalid(fields={field: [_("Unknown management mode: %(mode)s. Choose one of %(modes)s.",
                                        mode=mode, modes=", ".join(modes.ALL))]})


def create_community(*, name, district, mode, actor=None, address=None, effective_from=None,
                     reason=None):
    """Create a community with its first management mode; a supervisor creating it supervises it."""
    name, district = (name or "").strip(), (district or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Enter a name.")]
    elif db.session.scalar(sa.select(Community.id).where(Community.name == name)):
        errors["name"] = [_("A community with this name already exists.")]
    if not district:
        errors["district"] = [_("Enter a district.")]
    if errors:
        raise Invalid(fields=errors)
    check_mode(mode)
    community = Community(name=name, district=district, address=address or None)
    db.session.add(community)
    db.session.flush()
    community.mode_changes.append(ModeChange(
        community_id=community.id, mode=mode, effective_from=effective_from or dt.date.today(),
        reason=reason or _("Initial management mode"), created_by_id=getattr(actor, "id", None)))
    if actor is not None and not actor.is_admin:
        db.session.add(Membership(user_id=actor.id, community_id=community.id,
                                  role=roles.DISTRICT_SUPERVISOR))
    audit.record("community.create", actor=actor, community_id=community.id, name=name, mode=mode)
    db.session.commit()
    return community


def deciding_vote_error(community, vote_id):
    """Why `vote_id` cannot decide a mode change of `community` (a message), or None.

    The vote must be the community's own (another community's vote reads as absent, so its
    existence does not leak), through its public cycle to a final result, and passed by it.
    """
    vote = None
    if isinstance(vote_id, int) and not isinstance(vote_id, bool) and 0 < vote_id <= MAX_ID:
        vote = db.session.scalar(sa.select(Vote).where(Vote.community_id == community.id,
                                                       Vote.id == vote_id))
    if vote is None:
        return _("No owners' vote with this number in this community.")
    if vote.final_result is None:
        return _("This vote's result is not final yet; attach it once the final result is "
                 "declared.")
    if not vote.final_result["passed"]:
        return _("This vote did not pass, so it cannot decide the change.")
    return None


def change_mode(*, community, mode, effective_from, reason, actor=None, vote_id=None,
                decided_by=None):
    """Record a new management mode from a date on; history is appended, never rewritten.

    A change (unlike the first mode, set when the community is created) needs what decided it
    (DOMAIN rule 21): a closed, passed owners' vote of the community, or the fallback authority
    that decided instead (e.g. the street office's document), and in every case a reason.
    """
    check_mode(mode)
    errors = {}
    decided_by = (decided_by or "").strip() or None
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the change.")]
    if vote_id is not None:
        problem = deciding_vote_error(community, vote_id)
        if problem:
            errors["vote_id"] = [problem]
    elif decided_by is None:
        errors["decided_by"] = [_(
            "Attach the owners' vote that decided the change, or name the authority that "
            "decided it (e.g. the street office's document).")]
    last = community.mode_changes[-1] if community.mode_changes else None
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = [_("Enter a date as YYYY-MM-DD.")]
    elif last is not None and effective_from <= last.effective_from:
        errors["effective_from"] = [_(
            "The change must take effect after the last change (%(date)s).",
            date=last.effective_from.isoformat())]
    elif last is not None and mode == last.mode:
        errors["mode"] = [_("The community is already in this mode.")]
    if errors:
        raise Invalid(fields=errors)
    change = ModeChange(community_id=community.id, mode=mode, effective_from=effective_from,
                        reason=reason.strip(), vote_id=vote_id, decided_by=decided_by,
                        created_by_id=getattr(actor, "id", None))
    community.mode_changes.append(change)
    audit.record("community.mode_change", actor=actor, community_id=community.id, mode=mode,
                 effective_from=effective_from.isoformat(), vote_id=vote_id,
                 decided_by=decided_by)
    db.session.commit()
    return change


def parse_area(text, field="area_m2"):
    """Parse a floor area in m² into hundredths; refuse non-positive, absurd or over-precise ones."""
    try:
        area = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(fields={field: [_("Enter the area as a number of square metres.")]}) from None
    if not area.is_finite() or area <= 0:
        raise Invalid(fields={field: [_("The area must be more than 0 m².")]})
    if area > MAX_AREA_M2:
        raise Invalid(fields={field: [_("An area over %(max)s m² is not a dwelling.",
                                        max=MAX_AREA_M2)]})
    if area != area.quantize(Decimal("0.01")):
        raise Invalid(fields={field: [_("Give the area to at most two decimals.")]})
    return int(area * 100)


def building_named(community, name):
    return db.session.scalar(sa.select(Building).where(
        Building.community_id == community.id, Building.name == name))


def add_building(*, community, name, floors=None, actor=None):
    """Add a building (楼栋) to a community; names are unique within it."""
    name = (name or "").strip()
    if not name:
        raise Invalid(fields={"name": [_("Enter a name.")]})
    if building_named(community, name) is not None:
        raise Invalid(fields={"name": [_("This community already has building %(name)s.",
                                         name=name)]})
    building = Building(community_id=community.id, name=name, floors=floors)
    db.session.add(building)
    audit.record("building.create", actor=actor, community_id=community.id, name=name)
    db.session.commit()
    return building


def add_dwelling(*, community, building, number, area_m2, actor=None):
    """Add a dwelling to a building of the community."""
    number = (number or "").strip()
    if not number:
        raise Invalid(fields={"number": [_("Enter the dwelling number.")]})
    area_x100 = parse_area(area_m2)
    if find_dwelling(community, f"{building.name}-{number}") is not None:
        raise Invalid(fields={"number": [_("Dwelling %(label)s already exists.",
                                           label=f"{building.name}-{number}")]})
    dwelling = Dwelling(community_id=community.id, building_id=building.id, number=number,
                        area_x100=area_x100)
    db.session.add(dwelling)
    audit.record("dwelling.create", actor=actor, community_id=community.id,
                 label=f"{building.name}-{number}")
    db.session.commit()
    return dwelling


def find_dwelling(community, label):
    """A dwelling by its roster label BUILDING-DWELLING (e.g. 3-502), or None."""
    building, sep, number = (label or "").strip().rpartition("-")
    if not sep or not building or not number:
        return None
    return db.session.scalar(
        sa.select(Dwelling).join(Building, Building.id == Dwelling.building_id)
        .where(Dwelling.community_id == community.id, Building.name == building,
               Dwelling.number == number))


def get_dwelling_by_label(community, label):
    dwelling = find_dwelling(community, label)
    if dwelling is None:
        raise Invalid(fields={"dwelling": [_("No dwelling %(label)s in %(community)s.",
                                             label=label, community=community.name)]})
    return dwelling


def set_organization(*, community, kind, name, contact_name=None, contact_phone=None, actor=None):
    """Create or update one of the community's four organizations."""
    if kind not in modes.ORG_KINDS:
        raise Invalid(fields={"kind": [_("Unknown organization kind.")]})
    if not (name or "").strip():
        raise Invalid(fields={"name": [_("Enter a name.")]})
    org = db.session.scalar(sa.select(Organization).where(
        Organization.community_id == community.id, Organization.kind == kind))
    if org is None:
        org = Organization(community_id=community.id, kind=kind)
        db.session.add(org)
    org.name, org.contact_name, org.contact_phone = name.strip(), contact_name, contact_phone
    if kind == modes.COMPANY:
        org.company = _company(name.strip())
    audit.record("organization.set", actor=actor, community_id=community.id, kind=kind,
                 name=org.name)
    db.session.commit()
    return org


def _company(name):
    company = db.session.scalar(sa.select(PropertyCompany).where(PropertyCompany.name == name))
    if company is None:
        company = PropertyCompany(name=name)
        db.session.add(company)
        db.session.flush()
    return company


def add_contract(*, community, company_name, starts_on, ends_on=None, scope="",
                 fee_fen_per_m2=None, actor=None):
    """Record a dated service contract; its company becomes the community's property company."""
    errors = {}
    if not (company_name or "").strip():
        errors["company_name"] = [_("Enter the company's name.")]
    if ends_on is not None and starts_on is not None and ends_on <= starts_on:
        errors["ends_on"] = [_("The contract must end after it starts.")]
    if fee_fen_per_m2 is not None and fee_fen_per_m2 < 0:
        errors["fee_yuan_per_m2"] = [_("The fee cannot be negative.")]
    if errors:
        raise Invalid(fields=errors)
    company = _company(company_name.strip())
    contract = ServiceContract(community_id=community.id, company_id=company.id,
                               starts_on=starts_on, ends_on=ends_on, scope=scope or "",
                               fee_fen_per_m2=fee_fen_per_m2)
    db.session.add(contract)
    org = db.session.scalar(sa.select(Organization).where(
        Organization.community_id == community.id, Organization.kind == modes.COMPANY))
    if org is None:
        db.session.add(Organization(community_id=community.id, kind=modes.COMPANY,
                                    name=company.name, company_id=company.id))
    else:
        org.name, org.company_id = company.name, company.id
    audit.record("contract.create", actor=actor, community_id=community.id,
                 company=company.name, starts_on=starts_on.isoformat())
    db.session.commit()
    return contract


OCCUPANCY_STATUSES = ("occupied", "vacant", "undelivered")


def set_occupancy_status(*, dwelling, status, actor=None):
    """Mark a dwelling occupied, vacant or undelivered (the billing run follows the setting)."""
    if status not in OCCUPANCY_STATUSES:
        raise Invalid(fields={"occupancy_status": [_("Choose occupied, vacant or undelivered.")]})
    dwelling.occupancy_status = status
    audit.record("dwelling.status", actor=actor, community_id=dwelling.community_id,
                 label=dwelling.label, status=status)
    db.session.commit()
    return dwelling
