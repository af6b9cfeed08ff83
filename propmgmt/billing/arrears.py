"""The fee collector's view of money: arrears (who owes what and since when, in set-based SQL, a
fixed number of queries whatever the community's size), the collection steps the law allows, and
the bill, payment and dwelling-account lists the staff pages show.

Only reminders, mediation by the residents' committee and a referral to a lawsuit or arbitration
are offered (DOMAIN rule 31, Civil Code art. 944): never cutting water, power, gas or heating,
never restricting door access. Late fees are shown only where the contract has one (rule 30),
computed and never billed. A recorded step interrupts the 3-year limitation (rule 32).
"""
import dataclasses
import datetime as dt
import itertools
from typing import Optional

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone

from propmgmt import audit
from propmgmt.billing import balances
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillingSettings
from propmgmt.billing.models import Reminder
from propmgmt.billing.periods import add_months
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.money import format_fen
from propmgmt.notifications.services import notify

ACTIONS = ("reminder", "mediation", "lawsuit")
BUCKETS = ((0, 30), (31, 90), (91, 365), (366, None))  # days since the due date
BUCKET_LABELS = (_l("0–30 days"), _l("31–90 days"), _l("91–365 days"), _l("Over 365 days"))
LIMITATION_MONTHS = 36  # Civil Code art. 188
NEAR_LIMIT_DAYS = 90
NEAR, PAST = "near", "past"
LIMITATION_LABELS = {NEAR: _l("3-year limitation ends within 90 days"),
                     PAST: _l("Past the 3-year limitation: time-barred risk")}
STATUSES = (balances.OPEN, balances.PARTIAL, balances.PAID, balances.VOID)


@dataclasses.dataclass
class DwellingArrears:
    dwelling_id: int
    building: str
    number: str
    total_fen: int
    oldest_due_on: dt.date
    buckets: list
    late_fee_fen: Optional[int] = None
    owners: list = dataclasses.field(default_factory=list)
    actions: dict = dataclasses.field(default_factory=dict)  # action -> (last at, count)
    limitation: Optional[str] = None  # NEAR | PAST | None

    @property
    def label(self):
        return f"{self.building}-{self.number}"

    def last_on(self, *actions):
        """The date of the latest of `actions` (all of them by default), or None."""
        dates = [to_user_timezone(at).date() for a, (at, _n) in self.actions.items()
                 if not actions or a in actions]
        return max(dates, default=None)


@dataclasses.dataclass
class ArrearsReport:
    today: dt.date
    rows: list
    late_fee: bool  # the contract has a late fee (otherwise none is shown)

    def by_building(self):
        return [(name, list(rows)) for name, rows in
                itertools.groupby(self.rows, key=lambda r: r.building)]

    @property
    def total_fen(self):
        return sum(r.total_fen for r in self.rows)

    @property
    def bucket_totals(self):
        return [sum(r.buckets[i] for r in self.rows) for i in range(len(BUCKETS))]


def settings_for(community_id):
    """The community's billing settings, or None (read only: no late fee unless configured)."""
    return db.session.scalar(sa.select(BillingSettings).where(
        BillingSettings.community_id == community_id))


def _days_since(column, today):
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.literal(today, sa.Date) - column
    return sa.cast(sa.func.julianday(sa.literal(today.isoformat())) - sa.func.julianday(column),
                   sa.Integer)


def _bucket(lines, today, low, high):
    inside = lines.c.due_on <= today - dt.timedelta(days=low)
    if high is not None:
        inside = sa.and_(inside, lines.c.due_on >= today - dt.timedelta(days=high))
    return sa.func.sum(sa.case((inside, lines.c.balance_fen), else_=0))


def _late_fee(lines, settings, today):
    """Σ balance × bp × days, each bill capped at cap% of its balance, in 1/10,000 fen."""
    if settings is None or settings.late_fee_daily_bp is None:
        return sa.null()
    accrued = lines.c.balance_fen * settings.late_fee_daily_bp * _days_since(lines.c.due_on, today)
    if settings.late_fee_cap_pct is not None:
        cap = lines.c.balance_fen * (settings.late_fee_cap_pct * 100)
        accrued = sa.case((accrued > cap, cap), else_=accrued)
    return sa.func.sum(accrued)


def _natural(column):
    return (sa.func.length(column), column)


def _owed_rows(community_id, today, settings, building_id=None, dwelling_id=None):
    """One row per dwelling with overdue, unpaid, unvoided bills: totals by age bucket."""
    base = sa.select(Bill.dwelling_id, Bill.due_on).where(Bill.community_id == community_id,
                                                          Bill.due_on < today)
    if dwelling_id is not None:
        base = base.where(Bill.dwelling_id == dwelling_id)
    lines = balances.with_balances(base).subquery("lines")
    stmt = (sa.select(Dwelling.id, Building.name, Dwelling.number,
                      sa.func.sum(lines.c.balance_fen), sa.func.min(lines.c.due_on),
                      _late_fee(lines, settings, today),
                      *[_bucket(lines, today, low, high) for low, high in BUCKETS])
            .select_from(lines).join(Dwelling, Dwelling.id == lines.c.dwelling_id)
            .join(Building, Building.id == Dwelling.building_id)
            .where(lines.c.void == 0, lines.c.balance_fen > 0)
            .group_by(Dwelling.id, Building.name, Dwelling.number)
            .order_by(*_natural(Building.name), *_natural(Dwelling.number)))
    if building_id is not None:
        stmt = stmt.where(Dwelling.building_id == building_id)
    return [DwellingArrears(dwelling_id=did, building=building, number=number,
                            total_fen=int(total), oldest_due_on=oldest,
                            late_fee_fen=None if late is None else (int(late) + 5000) // 10000,
                            buckets=[int(b or 0) for b in buckets])
            for did, building, number, total, oldest, late, *buckets in db.session.execute(stmt)]


def owners_by_dwelling(community_id, dwelling_ids):
    """{dwelling id: [owner names]}: the owner stays liable even when a tenant pays (rule 29)."""
    rows = db.session.execute(
        sa.select(Occupancy.dwelling_id, Person.name).join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community_id, Occupancy.kind == "owner",
               Occupancy.dwelling_id.in_(dwelling_ids)).order_by(Person.name))
    found = {}
    for dwelling_id, name in rows:
        found.setdefault(dwelling_id, []).append(name)
    return found


def actions_by_dwelling(community_id, dwelling_ids):
    """{dwelling id: {action: (latest at, count)}} of recorded collection steps."""
    rows = db.session.execute(
        sa.select(Reminder.dwelling_id, Reminder.action, sa.func.max(Reminder.created_at),
                  sa.func.count())
        .where(Reminder.community_id == community_id, Reminder.dwelling_id.in_(dwelling_ids))
        .group_by(Reminder.dwelling_id, Reminder.action))
    found = {}
    for dwelling_id, action, last_at, count in rows:
        found.setdefault(dwelling_id, {})[action] = (last_at, count)
    return found


def limitation_status(oldest_due_on, last_step_on, today):
    """NEAR or PAST when the oldest unpaid instalment's 3 years (from its due date or the last
    recorded collection step, whichever is later) end within 90 days or have ended."""
    start = max(oldest_due_on, last_step_on) if last_step_on else oldest_due_on
    ends = add_months(start, LIMITATION_MONTHS)
    if ends < today:
        return PAST
    return NEAR if (ends - today).days <= NEAR_LIMIT_DAYS else None


def report(community, building_id=None, today=None):
    """The arrears list of a community: four queries, whatever its size."""
    today = today or dt.date.today()
    settings = settings_for(community.id)
    rows = _owed_rows(community.id, today, settings, building_id=building_id)
    ids = [r.dwelling_id for r in rows]
    owners, actions = owners_by_dwelling(community.id, ids), actions_by_dwelling(community.id, ids)
    for row in rows:
        row.owners = owners.get(row.dwelling_id, [])
        row.actions = actions.get(row.dwelling_id, {})
        row.limitation = limitation_status(row.oldest_due_on, row.last_on(), today)
    late_fee = settings is not None and settings.late_fee_daily_bp is not None
    return ArrearsReport(today=today, rows=rows, late_fee=late_fee)


def overdue_of(dwelling, today=None):
    """What a dwelling owes on bills past their due date, in fen (0 when nothing)."""
    today = today or dt.date.today()
    rows = _owed_rows(dwelling.community_id, today, None, dwelling_id=dwelling.id)
    return rows[0].total_fen if rows else 0


def resident_user_ids(dwelling):
    """User accounts tied to the dwelling (owners, tenants, family)."""
    return list(db.session.scalars(
        sa.select(Person.user_id).join(Occupancy, Occupancy.person_id == Person.id)
        .where(Occupancy.community_id == dwelling.community_id,
               Occupancy.dwelling_id == dwelling.id, Person.user_id.is_not(None))))


def record_action(*, dwelling, action, actor=None, note=None, today=None):
    """A dated collection step for a dwelling that owes money; a reminder also goes to its
    residents in the app and, through the outbox, by SMS."""
    if action not in ACTIONS:
        raise Invalid(fields={"action": [_(
            "Choose a reminder, mediation or a referral to a lawsuit or arbitration.")]})
    owed = overdue_of(dwelling, today)
    if owed <= 0:
        raise Conflict(_("Dwelling %(label)s has nothing overdue.", label=dwelling.label))
    step = Reminder(community_id=dwelling.community_id, dwelling_id=dwelling.id, action=action,
                    channel="in_app+sms" if action == "reminder" else "offline",
                    amount_fen=owed, note=(note or "").strip() or None,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(step)
    if action == "reminder":
        notify(resident_user_ids(dwelling), community_id=dwelling.community_id,
               kind="billing.reminder", label=dwelling.label, amount=format_fen(owed))
    audit.record("billing.arrears_action", actor=actor, community_id=dwelling.community_id,
                 dwelling_id=dwelling.id, step=action, amount_fen=owed)
    db.session.commit()
    return step
