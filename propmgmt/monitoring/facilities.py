"""The facility registry: what the renovation delivered, who answers for it, and its condition.

A facility's condition is the latest observation of an append-only history (by hand, from an
inspection finding or from a repair ticket). An empty responsible organization means whoever
handles repairs first under the community's current mode, so a mode change moves it along.
"""
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from propmgmt import audit
from propmgmt import policy
from propmgmt.communities import modes
from propmgmt.communities.models import Building
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import FacilityCondition
from propmgmt.monitoring.models import RenovationProject
from propmgmt.monitoring.models.facilities import ORGS
from propmgmt.monitoring.models.vocab import CONDITIONS
from propmgmt.monitoring.models.vocab import KINDS
from propmgmt.monitoring.renovation import local_today

SOURCES = ("manual", "inspection", "ticket")
MAX_INTERVAL_DAYS = 3660
MAX_NOTE = 2000


def first_handler(community):
    """The organization that handles repairs first under the community's current mode."""
    mode = community.management_mode
    return modes.FIRST_HANDLER.get(mode) if mode else None


def responsible_org(facility, community=None):
    """Who answers for a facility: its own organization, else the mode's first handler."""
    return facility.responsible_org or first_handler(community or facility.community)


def _text(value, field, limit, required=False):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(fields={field: [_("This field is required.")]})
    if len(value) > limit:
        raise Invalid(fields={field: [_("Use at most %(max)d characters.", max=limit)]})
    return value


def _owned(model, ident, community, field, message):
    """An id of the community's own `model` row (or None); another community's is Invalid."""
    if ident is None:
        return None
    found = db.session.scalar(sa.select(model.id).where(model.id == ident,
                                                        model.community_id == community.id))
    if found is None:
        raise Invalid(fields={field: [message]})
    return found


def _fields(community, *, kind, name, location="", building_id=None, project_id=None,
            installed_on=None, responsible_org=None, inspection_interval_days=None):
    if kind not in KINDS:
        raise Invalid(fields={"kind": [_("Choose a kind from the menu.")]})
    if responsible_org and responsible_org not in ORGS:
        raise Invalid(fields={"responsible_org": [_("Choose one of the four organizations.")]})
    interval = inspection_interval_days
    if interval is not None and not 1 <= interval <= MAX_INTERVAL_DAYS:
        raise Invalid(fields={"inspection_interval_days": [
            _("Give an interval between 1 and %(max)d days.", max=MAX_INTERVAL_DAYS)]})
    if installed_on is not None and installed_on > local_today(community):
        raise Invalid(fields={"installed_on": [_("The installation date cannot be in the "
                                                 "future.")]})
    return {
        "kind": kind, "name": _text(name, "name", 150, required=True),
        "location": _text(location, "location", 200),
        "building_id": _owned(Building, building_id, community, "building_id",
                              _("There is no such building in this community.")),
        "project_id": _owned(RenovationProject, project_id, community, "project_id",
                             _("There is no such renovation project in this community.")),
        "installed_on": installed_on, "responsible_org": responsible_org or None,
        "inspection_interval_days": interval,
    }


def _append(facility, *, condition, note, source, actor, finding_id, ticket_id, at):
    db.session.add(FacilityCondition(
        community_id=facility.community_id, facility_id=facility.id, condition=condition,
        note=note, source=source, finding_id=finding_id, ticket_id=ticket_id,
        recorded_by_id=getattr(actor, "id", None), recorded_at=at))


def register_facility(*, community, actor, condition="good", **fields):
    """Register a facility; its first condition opens its history."""
    policy.require(actor, "facility.manage", community)
    if condition not in CONDITIONS:
        raise Invalid(fields={"condition": [_("Choose good, fair, poor or broken.")]})
    facility = Facility(community_id=community.id, condition=condition, condition_at=utcnow(),
                        **_fields(community, **fields))
    db.session.add(facility)
    db.session.flush()
    _append(facility, condition=condition, note="", source="manual", actor=actor,
            finding_id=None, ticket_id=None, at=facility.condition_at)
    audit.record("facility.register", actor=actor, community_id=community.id,
                 facility_id=facility.id, kind=facility.kind)
    db.session.commit()
    return facility


def update_facility(facility, *, actor, **fields):
    """Correct what is registered about a facility (not its condition: that has a history)."""
    policy.require(actor, "facility.manage", facility)
    values = _fields(facility.community, **fields)
    changed = sorted(k for k, v in values.items() if getattr(facility, k) != v)
    for key, value in values.items():
        setattr(facility, key, value)
    audit.record("facility.update", actor=actor, community_id=facility.community_id,
                 facility_id=facility.id, changed=changed)
    db.session.commit()
    return facility


def pending_items(project):
    """The project's items that no facility was registered from yet.

    A facility names its project and kind, not its item, so the items of each kind are matched
    to that many of the project's facilities of the kind (retired ones too), oldest first."""
    registered = dict(db.session.execute(
        sa.select(Facility.kind, sa.func.count()).where(
            Facility.community_id == project.community_id, Facility.project_id == project.id)
        .group_by(Facility.kind)).all())
    pending = []
    for item in sorted(project.items, key=lambda i: i.id):
        if registered.get(item.kind, 0) > 0:
            registered[item.kind] -= 1
        else:
            pending.append(item)
    return pending


def _item_name(item):
    name = item.description.strip() or str(KINDS[item.kind])
    return name if len(name) <= 150 else name[:149] + "…"


def register_from_project(project, *, actor, now=None):
    """One facility per item of the project that has none yet; running it again adds nothing."""
    policy.require(actor, "facility.manage", project)
    db.session.execute(sa.select(RenovationProject.id).where(
        RenovationProject.id == project.id).with_for_update())  # one registration at a time
    now, created = now or utcnow(), []
    for item in pending_items(project):
        facility = Facility(community_id=project.community_id, kind=item.kind,
                            name=_item_name(item), project_id=project.id,
                            installed_on=item.done_on or project.ends_on, condition="good",
                            condition_at=now)
        db.session.add(facility)
        db.session.flush()
        _append(facility, condition="good", note="", source="manual", actor=actor,
                finding_id=None, ticket_id=None, at=now)
        created.append(facility)
    audit.record("facility.register_from_project", actor=actor,
                 community_id=project.community_id, project_id=project.id,
                 facility_ids=[f.id for f in created])
    db.session.commit()
    return created


def record_condition(facility, *, condition, note, source="manual", actor=None, finding_id=None,
                     ticket_id=None, now=None, commit=True):
    """Append an observed condition to a facility's history and make it the current one.

    Called by hand (source `manual`), and by the inspections with `commit=False` for a failed
    finding, inside their own transaction. An observation older than the current one (a phone
    that synced late) joins the history without replacing the newer current condition."""
    if condition not in CONDITIONS:
        raise Invalid(fields={"condition": [_("Choose good, fair, poor or broken.")]})
    if source not in SOURCES:
        raise Invalid(fields={"source": [_("Unknown source of a condition.")]})
    if source == "manual" and facility.retired_on is not None:
        raise Conflict(_("This facility is retired; its condition is no longer recorded."))
    note = _text(note, "note", MAX_NOTE, required=source == "manual" and condition != "good")
    at = now or utcnow()
    _append(facility, condition=condition, note=note, source=source, actor=actor,
            finding_id=finding_id, ticket_id=ticket_id, at=at)
    if facility.condition_at is None or at >= facility.condition_at:
        facility.condition, facility.condition_at = condition, at
    audit.record("facility.condition", actor=actor, community_id=facility.community_id,
                 facility_id=facility.id, condition=condition, source=source)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return facility


def retire_facility(facility, *, actor, retired_on):
    """Take a facility out of service: it leaves the list but its record stays readable."""
    policy.require(actor, "facility.manage", facility)
    if facility.retired_on is not None:
        raise Conflict(_("This facility is already retired."))
    if not isinstance(retired_on, dt.date) or retired_on > local_today(facility.community):
        raise Invalid(fields={"retired_on": [_("The date cannot be in the future.")]})
    if facility.installed_on and retired_on < facility.installed_on:
        raise Invalid(fields={"retired_on": [_("A facility cannot be retired before it was "
                                               "installed.")]})
    facility.retired_on = retired_on
    audit.record("facility.retire", actor=actor, community_id=facility.community_id,
                 facility_id=facility.id, retired_on=retired_on.isoformat())
    db.session.commit()
    return facility


# Reading


def _menu_order():
    return sa.case({kind: n for n, kind in enumerate(KINDS)}, value=Facility.kind, else_=99)


def facilities_stmt(community, *, kind=None, condition=None, building_id=None, project_id=None,
                    retired=False):
    """The community's facilities (in service, or the retired ones), filtered, in the order of
    the menu of kinds and then by name."""
    stmt = (sa.select(Facility).where(Facility.community_id == community.id)
            .where(Facility.retired_on.is_not(None) if retired else Facility.retired_on.is_(None))
            .options(selectinload(Facility.building))
            .order_by(_menu_order(), Facility.name, Facility.id))
    for column, value in ((Facility.kind, kind), (Facility.condition, condition),
                          (Facility.building_id, building_id), (Facility.project_id, project_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def all_facilities(stmt):
    """Every facility of a list statement (for the export, which is not paged)."""
    return db.session.scalars(stmt).all()


def history(facility):
    """A facility's recorded conditions, the latest first, with who recorded them."""
    return db.session.scalars(
        sa.select(FacilityCondition).where(FacilityCondition.community_id ==
                                           facility.community_id,
                                           FacilityCondition.facility_id == facility.id)
        .options(selectinload(FacilityCondition.recorded_by))
        .order_by(FacilityCondition.recorded_at.desc(), FacilityCondition.id.desc())).all()


def project_facility_count(project):
    """How many facilities were registered from a project."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Facility).where(
        Facility.community_id == project.community_id, Facility.project_id == project.id))
