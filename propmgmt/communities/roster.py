"""Roster import (CSV/XLSX): building, dwelling, area_m2, owner_name, owner_phone, username.

A dwelling's area may also come as register_area_m2, surveyed_area_m2 and contract_area_m2; the
first one given in that order is used and its source is kept (DOMAIN rule 9: the real-estate
register's area prevails over a surveyed one, which prevails over the sales contract's).

Every row is checked first, against the rest of the file and against what the community already
holds; only a file without a single bad row is written, in one transaction. The community's
buildings, dwellings, people and ties are loaded once into dicts, so the number of queries does
not grow with the number of rows.
"""
import dataclasses
import os
from typing import Optional

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from propmgmt import audit
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.auth.passwords import hash_password
from propmgmt.auth.services import USERNAME_RE
from propmgmt.auth.services import one_time_password
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.communities.roster_files import file_error
from propmgmt.communities.roster_files import read_table
from propmgmt.communities.services import parse_area
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid

COLUMNS = ("building", "dwelling", "area_m2", "owner_name", "owner_phone", "username",
           "register_area_m2", "surveyed_area_m2", "contract_area_m2")
REQUIRED = ("building", "dwelling", "owner_name", "owner_phone")
# Area columns by precedence, with the source each records (area_m2 names no source).
AREA_COLUMNS = (("register_area_m2", "register"), ("surveyed_area_m2", "surveyed"),
                ("contract_area_m2", "contract"), ("area_m2", None))
EXAMPLE_ROWS = (("3", "502", "", "王建国", "13800000001", "wangjg", 72.3, "", 73.5),
                ("3", "503", 65.1, "李秀英", "13800000002", "", "", "", ""))
MAX_LENGTH = {"building": 32, "dwelling": 32, "owner_name": 100, "owner_phone": 32}
MAX_MESSAGES = 200
PROGRESS_EVERY = 100
LOOKUP_CHUNK = 500


@dataclasses.dataclass
class ImportResult:
    rows: int = 0
    buildings_created: int = 0
    dwellings_created: int = 0
    owners_linked: int = 0
    accounts: list = dataclasses.field(default_factory=list)  # [(username, one-time password)]


@dataclasses.dataclass
class _Row:
    number: int
    building: str
    dwelling: str
    area_x100: Optional[int]
    area_source: Optional[str]
    name: str
    phone: Optional[str]
    username: str

    @property
    def key(self):
        return (self.building, self.dwelling)

    @property
    def owner(self):
        return (self.name, self.phone or "")

    @property
    def label(self):
        return f"{self.building}-{self.dwelling}"


@dataclasses.dataclass
class _Existing:
    """What the community already holds, keyed the way the roster names it."""

    buildings: dict  # name -> Building
    dwellings: dict  # (building name, number) -> Dwelling
    persons: dict  # (name, phone or "") -> Person (the oldest one)
    ties: dict  # (dwelling id, person id) -> Occupancy
    users: dict  # lower-case username -> User (only the usernames the file names)


def import_roster(*, community, stream, filename, actor=None, progress=None):
    """Validate every row, then import all of them in one transaction, or nothing."""
    rows, problems = _parse_rows(*read_table(stream, filename))
    existing = _existing(community, {r.username.lower() for r in rows if r.username})
    _check(rows, existing, problems)
    try:
        result = _write(community, rows, existing, actor=actor, progress=progress)
        audit.record("roster.import", actor=actor, community_id=community.id,
                     filename=os.path.basename(filename or ""), rows=result.rows,
                     buildings_created=result.buildings_created,
                     dwellings_created=result.dwellings_created,
                     owners_linked=result.owners_linked,
                     accounts=[username for username, _password in result.accounts])
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone changed this community's roster at the same time. "
                         "Nothing was imported; upload the file again.")) from None
    return result


# Checking the rows --------------------------------------------------------------------------

def _columns(header):
    """Column name -> position in the row; Invalid naming the missing or repeated columns."""
    positions, problems = {}, []
    for position, name in enumerate(c.lower() for c in header):
        if name in positions:
            problems.append(_("The header names the column %(column)s twice.", column=name))
        elif name in COLUMNS:
            positions[name] = position
    has_area = any(column in positions for column, _source in AREA_COLUMNS)
    missing = [c for c in COLUMNS[:5] if c not in positions and (c != "area_m2" or not has_area)]
    if missing:
        problems.insert(0, _("The header row lacks the columns: %(columns)s.",
                             columns=", ".join(missing)))
    if problems:
        raise file_error(*problems)
    return positions


def _parse_rows(header, body):
    """Every row parsed and checked on its own: (rows, [(row number, reason)])."""
    columns = _columns(header)
    rows, problems = [], []
    for number, cells in body:
        values = {c: cells[i] if i < len(cells) else "" for c, i in columns.items()}
        row, reasons = _parse_row(number, values)
        rows.append(row)
        problems.extend((number, reason) for reason in reasons)
    return rows, problems


def _parse_row(number, values):
    """A _Row from the row's texts, and the reasons it is wrong on its own."""
    reasons = []
    if not values["building"]:
        reasons.append(_("The building is empty."))
    if not values["dwelling"]:
        reasons.append(_("The dwelling number is empty."))
    if not values["owner_name"]:
        reasons.append(_("The owner's name is empty."))
    reasons.extend(_("The %(column)s value is longer than %(max)s characters.",
                     column=column, max=limit)
                   for column, limit in MAX_LENGTH.items() if len(values[column]) > limit)
    area, source = _area(values, reasons)
    username = values.get("username", "")
    if username and not USERNAME_RE.match(username):
        reasons.append(_bad_username(username))
    row = _Row(number=number, building=values["building"], dwelling=values["dwelling"],
               area_x100=area, area_source=source, name=values["owner_name"],
               phone=values["owner_phone"] or None, username=username)
    return row, reasons


def _area(values, reasons):
    """(area, source) from the first area column given, by precedence; bad values are reasons."""
    found = None
    for column, source in AREA_COLUMNS:
        text = values.get(column, "")
        if not text:
            continue
        try:
            area = parse_area(text, field=column)
        except Invalid as error:
            reasons.extend(message if source is None else f"{column}: {message}"
                           for message in error.fields[column])
            continue
        found = found or (area, source)
    if found is None and not any(values.get(column) for column, _source in AREA_COLUMNS):
        reasons.append(_("Enter the area as a number of square metres."))
    return found or (None, None)


def _bad_username(username):
    """The same rule as accounts created by hand (auth.services.validate_username)."""
    return (_("The username %(username)s is not valid.", username=username) + " "
            + _("Use 3 to 64 letters, digits, dots, dashes or underscores."))


def _raise_for(problems):
    if not problems:
        return
    problems.sort(key=lambda p: p[0])
    messages = [_("Row %(row)s: %(reason)s", row=n, reason=r) for n, r in problems[:MAX_MESSAGES]]
    if len(problems) > MAX_MESSAGES:
        messages.append(_("…and %(n)s more errors.", n=len(problems) - MAX_MESSAGES))
    raise file_error(*messages)


def _existing(community, usernames):
    """Load the community's records once (a fixed number of queries, whatever the file size)."""
    cid = community.id
    buildings = {b.name: b for b in db.session.scalars(
        sa.select(Building).where(Building.community_id == cid))}
    dwellings = {(d.building.name, d.number): d for d in db.session.scalars(
        sa.select(Dwelling).where(Dwelling.community_id == cid))}
    persons = {}
    for person in db.session.scalars(
            sa.select(Person).where(Person.community_id == cid).order_by(Person.id)):
        persons.setdefault((person.name, person.phone or ""), person)
    ties = {(o.dwelling_id, o.person_id): o for o in db.session.scalars(
        sa.select(Occupancy).where(Occupancy.community_id == cid)
        .options(lazyload(Occupancy.person)))}
    users, names = {}, sorted(usernames)
    for start in range(0, len(names), LOOKUP_CHUNK):
        chunk = names[start:start + LOOKUP_CHUNK]
        users.update((u.username.lower(), u) for u in db.session.scalars(
            sa.select(User).where(sa.func.lower(User.username).in_(chunk))))
    return _Existing(buildings, dwellings, persons, ties, users)


class _Checker:
    """Checks that need the other rows or the community's records; remembers what it saw."""

    def __init__(self, existing):
        self.existing = existing
        self.first_row = {}  # (building, dwelling) -> first _Row naming it
        self.username_of = {}  # owner -> (username, row number)
        self.owner_of = {}  # lower-case username -> (owner, row number)

    def dwelling(self, row):
        """Reasons the row's dwelling conflicts with an earlier row or the stored dwelling."""
        first = self.first_row.setdefault(row.key, row)
        if first is not row:
            if (first.area_x100, first.owner) != (row.area_x100, row.owner):
                return [_("Dwelling %(label)s is already on row %(row)s with a different area "
                          "or owner.", label=row.label, row=first.number)]
            return []
        stored = self.existing.dwellings.get(row.key)
        if stored is not None and stored.area_x100 != row.area_x100:
            return [_("Dwelling %(label)s already exists with %(stored)s m², not %(new)s m².",
                      label=row.label, stored=_m2(stored.area_x100), new=_m2(row.area_x100))]
        return []

    def username(self, row):
        """Reasons the row's username clashes with another owner, row or account."""
        if not row.username:
            return []
        key, reasons = row.username.lower(), []
        owner, first = self.owner_of.setdefault(key, (row.owner, row.number))
        if owner != row.owner:
            reasons.append(_("The username %(username)s is already on row %(row)s for another "
                             "owner.", username=row.username, row=first))
        given, first = self.username_of.setdefault(row.owner, (row.username, row.number))
        if given.lower() != key:
            reasons.append(_("%(name)s already has the username %(username)s on row %(row)s.",
                             name=row.name, username=given, row=first))
        return reasons + self._account(row, key)

    def _account(self, row, key):
        user, person = self.existing.users.get(key), self.existing.persons.get(row.owner)
        if user is not None and (person is None or person.user_id != user.id):
            return [_("The username %(username)s is already taken.", username=row.username)]
        if user is None and person is not None and person.user_id is not None:
            return [_("%(name)s already has another account.", name=row.name)]
        return []


def _m2(area_x100):
    return f"{area_x100 / 100:.2f}"


def _check(rows, existing, problems):
    """Cross-row and stored-record checks of the rows that are fine on their own.

    Raises Invalid listing these and the earlier `problems`, if there are any.
    """
    checker, bad = _Checker(existing), {number for number, _reason in problems}
    for row in rows:
        if row.number not in bad:
            reasons = checker.dwelling(row) + checker.username(row)
            problems.extend((row.number, reason) for reason in reasons)
    _raise_for(problems)


# Writing ------------------------------------------------------------------------------------

class _Writer:
    """Builds the new objects for checked rows; nothing reaches the database before the flush."""

    def __init__(self, community, existing, actor, total):
        self.cid, self.existing, self.actor = community.id, existing, actor
        self.result = ImportResult(rows=total)
        self.new = []
        self.seen = set()  # (dwelling key, owner) of the rows already written: repeats are no-ops

    def row(self, row):
        """Add what the row needs; True when an account was created (a slow password hash)."""
        dwelling = self._dwelling(row, self._building(row.building))
        person = self._person(row)
        if (row.key, row.owner) not in self.seen:
            self.seen.add((row.key, row.owner))
            self._tie(dwelling, person)
        return bool(row.username) and self._account(row, person)

    def _building(self, name):
        building = self.existing.buildings.get(name)
        if building is None:
            building = Building(community_id=self.cid, name=name)
            self.existing.buildings[name] = building
            self.new.append(building)
            self.result.buildings_created += 1
        return building

    def _dwelling(self, row, building):
        dwelling = self.existing.dwellings.get(row.key)
        if dwelling is None:
            dwelling = Dwelling(community_id=self.cid, building=building, number=row.dwelling,
                                area_x100=row.area_x100, area_source=row.area_source)
            self.existing.dwellings[row.key] = dwelling
            self.new.append(dwelling)
            self.result.dwellings_created += 1
        return dwelling

    def _person(self, row):
        person = self.existing.persons.get(row.owner)
        if person is None:
            person = Person(community_id=self.cid, name=row.name, phone=row.phone)
            self.existing.persons[row.owner] = person
            self.new.append(person)
        return person

    def _tie(self, dwelling, person):
        stored = dwelling.id is not None and person.id is not None
        tie = self.existing.ties.get((dwelling.id, person.id)) if stored else None
        if tie is None:
            self.new.append(Occupancy(community_id=self.cid, dwelling=dwelling, person=person,
                                      kind="owner"))
            self.result.owners_linked += 1
        elif tie.kind != "owner":
            tie.kind = "owner"
            self.result.owners_linked += 1

    def _account(self, row, person):
        """The owner's account: the one already linked (checked before) or a new one."""
        key = row.username.lower()
        user = self.existing.users.get(key)
        created = user is None
        if created:
            password = one_time_password()
            user = User(username=row.username, display_name=row.name, phone=row.phone,
                        password_hash=hash_password(password), must_change_password=True)
            person.user = self.existing.users[key] = user
            self.new.append(user)
            self.result.accounts.append((row.username, password))
            audit.record("user.create", actor=self.actor, community_id=self.cid,
                         username=row.username, via="roster")
        if roles.RESIDENT not in user.roles_in(self.cid):
            user.memberships.append(Membership(role=roles.RESIDENT, community_id=self.cid))
        return created


def _write(community, rows, existing, *, actor, progress):
    """Add every new object, flush once; the caller commits."""
    total = len(rows)
    writer = _Writer(community, existing, actor, total)
    for done, row in enumerate(rows, start=1):
        created = writer.row(row)
        if progress is not None and (created or done % PROGRESS_EVERY == 0):
            progress(done, total)
    db.session.add_all(writer.new)
    db.session.flush()
    if progress is not None:
        progress(total, total)
    return writer.result
