"""The demo's ticket history: two months of repairs and complaints in each demo community.

Each community gets a few scripted stories (STORIES: the overdue tickets a party secretary must
see, an automatic and a manual escalation, a fix that did not hold, a low rating) and generated
filler (MIXES: how many tickets end in each status) drawn from ISSUES with random.Random seeded
from data.SEED: the same tickets on every load, dated relative to the moment of loading (only the
exact times of the most recent ones depend on it).

Tickets are filed and moved through the ticket services, so routing, permissions, timelines and
notifications are the real ones. Only the clock is the demo's: each step runs at a planned moment
in the past and `_backdated` stamps that moment on what the services write (created_at, the
deadlines, responded/resolved/closed/rated_at, the timeline events, the notifications). The steps
of all tickets of a community run in time order, and the escalation job runs five minutes after
each deadline that passes with its ticket still open, as the every-five-minutes job would have.
The services commit after each call; here they only flush, and each community is committed once.
"""
import contextlib
import datetime as dt
import heapq
import random

import sqlalchemy as sa

from propmgmt.auth.models import User
from propmgmt.communities import modes
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.demo import data
from propmgmt.notifications.models import Notification
from propmgmt.notifications.models import OutboxMessage
from propmgmt.tickets import escalation
from propmgmt.tickets import routing
from propmgmt.tickets import services
from propmgmt.tickets.intake import TicketInput
from propmgmt.tickets.models import Ticket
from propmgmt.tickets.models import TicketEvent

from propmgmt.demo.ticket_texts import COMPLAINT
from propmgmt.demo.ticket_texts import REPAIR
from propmgmt.demo.ticket_texts import HANDLERS
from propmgmt.demo.ticket_texts import JOB_DELAY
from propmgmt.demo.ticket_texts import MIXES
from propmgmt.demo.ticket_texts import READ_AFTER
from propmgmt.demo.ticket_texts import SCORES
from propmgmt.demo.ticket_texts import STORIES
from propmgmt.demo.ticket_plans import Context
from propmgmt.demo.ticket_plans import Flat
from propmgmt.demo.ticket_plans import _minutes
from propmgmt.demo.ticket_plans import plan_filler
from propmgmt.demo.ticket_plans import plan_story


# ---------------------------------------------------------------------------------------------
# Running the plans through the services, in time order.


class Clock:
    """The moment the demo pretends it is while a step runs."""

    now = None


@contextlib.contextmanager
def _backdated(session, clock, ctx):
    """Stamp `clock.now` on what the services write, and defer their commits to the caller.

    The services stamp utcnow(): a new ticket gets created_at and its deadlines from it (shifted
    here, so the deadlines keep their limits), a step sets responded/resolved/closed/rated_at, a
    reopen restarts the resolution deadline; timeline events and notifications get it as well."""

    def stamp(session, _context, _instances):
        now = clock.now
        for obj in session.new:
            if isinstance(obj, Ticket):
                shift = now - obj.created_at
                obj.response_due_at += shift
                obj.resolution_due_at += shift
                obj.created_at = obj.updated_at = now
            elif isinstance(obj, TicketEvent):
                obj.at = now
            elif isinstance(obj, (Notification, OutboxMessage)):
                obj.created_at = now
        for obj in session.dirty:
            if isinstance(obj, Ticket):
                _stamp_changes(obj, now, ctx)

    sa.event.listen(session, "before_flush", stamp)
    session.commit = session.flush  # the services commit after each call; one commit per community
    try:
        yield
    finally:
        del session.commit
        sa.event.remove(session, "before_flush", stamp)


def _stamp_changes(ticket, now, ctx):
    state = sa.inspect(ticket)
    for name in ("responded_at", "resolved_at", "closed_at", "rated_at"):
        if state.attrs[name].history.added and getattr(ticket, name) is not None:
            setattr(ticket, name, now)
    if state.attrs["resolution_due_at"].history.added:  # reopened: the resolution clock restarts
        ticket.resolution_due_at = now + ctx.limit(ticket.kind, ticket.category, ticket.priority)[1]
    ticket.updated_at = now


class Runner:
    """Files the plans of one community and runs their steps and the escalation job in time order."""

    def __init__(self, ctx, clock):
        self.ctx, self.clock = ctx, clock
        self.queue, self.seq, self.checked, self.plans = [], 0, set(), []
        self.by_id = {user.id: user for user in ctx.users.values()}
        self.handlers = ctx.handlers

    def push(self, at, kind, plan, payload=None):
        self.seq += 1
        heapq.heappush(self.queue, (at, self.seq, kind, plan, payload))

    def add(self, plan):
        self.plans.append(plan)
        self.push(plan.created, "file", plan)
        for step in plan.steps:
            self.push(step.at, "step", plan, step)

    def run(self):
        while self.queue:
            at, _seq, kind, plan, payload = heapq.heappop(self.queue)
            if kind == "job":
                self._job(at, plan)
                continue
            if plan.stuck or at >= self.ctx.now:
                continue
            self.clock.now = at
            if kind == "file":
                self._file(plan)
            else:
                self._step(plan, payload)
            self._watch(plan)

    def _file(self, plan):
        fields = dict(plan.fields)
        fields["reporter"] = self.ctx.users.get(fields["reporter"]) if fields["reporter"] else None
        plan.ticket = services.open_ticket(community=self.ctx.community,
                                           actor=self.ctx.users[plan.filer],
                                           data=TicketInput(**fields))

    def _actor(self, ticket, who):
        if who == "handler":
            return self.handlers[ticket.handler_kind]
        if who == "worker":
            return self.by_id.get(ticket.assignee_id) or self.handlers[ticket.handler_kind]
        if who == "reporter":
            return self.by_id.get(ticket.reporter_id)
        return self.ctx.users[who]

    def _step(self, plan, step):
        ticket = plan.ticket
        actor = self._actor(ticket, step.who)
        if actor is None:  # it waits for an organization nobody in the demo logs in for
            plan.stuck = True
            return
        if step.action == "rate":
            score, comment = step.note
            services.rate(ticket=ticket, actor=actor, score=score, comment=comment)
            return
        assignee = self.ctx.users[step.assignee].id if step.assignee else None
        services.transition(ticket=ticket, action=step.action, actor=actor, note=step.note,
                            assignee_id=assignee)

    def _watch(self, plan):
        """Run the job five minutes after each deadline of the ticket still ahead (its response
        and resolution deadlines; a reopen sets a new one)."""
        ticket = plan.ticket
        if ticket is None or not ticket.is_open:
            return
        for due in (ticket.response_due_at, ticket.resolution_due_at):
            when = due + JOB_DELAY
            if self.clock.now < when < self.ctx.now and (ticket.id, due) not in self.checked:
                self.checked.add((ticket.id, due))
                self.push(when, "job", plan)

    def _job(self, at, plan):
        """The escalation job, run at `at` if the ticket is overdue then (it escalates whatever of
        the community is overdue, each missed deadline once)."""
        if not plan.ticket.is_overdue(at):
            return
        if escalation.escalate_overdue(now=at, community_id=self.ctx.community.id):
            for other in self.plans:  # the job updates tickets in bulk: reload them
                if other.ticket is not None:
                    db.session.expire(other.ticket)


# ---------------------------------------------------------------------------------------------


def _handlers(users, community_id):
    """organization kind -> the first user of HANDLERS[kind] who acts for it in the community."""
    found = {}
    for org in modes.ORG_KINDS:
        held = set(routing.handler_roles(org))
        found[org] = next((users[name] for name in HANDLERS[org]
                           if name in users and users[name].roles_in(community_id) & held), None)
    return found


def _flats(community_id, spec):
    tops = {b.name: b.floors for b in spec.buildings}
    rows = db.session.execute(
        sa.select(Dwelling.id, Building.name, Dwelling.number)
        .join(Building, Building.id == Dwelling.building_id)
        .where(Dwelling.community_id == community_id))
    flats = {}
    for dwelling_id, building, number in rows:
        floor, unit = divmod(int(number), 100)
        label = f"{building}-{number}"
        flats[label] = Flat(label, dwelling_id, building, floor, unit, tops[building])
    return flats


def _occupants(community_id, flats):
    """label -> [(name, phone, kind)] of dwellings whose occupants have no login (owners first)."""
    labels = {flat.id: flat.label for flat in flats.values()}
    rows = db.session.execute(
        sa.select(Occupancy.dwelling_id, Person.name, Person.phone, Occupancy.kind, Person.user_id)
        .join(Person, Person.id == Occupancy.person_id)
        .where(Occupancy.community_id == community_id).order_by(Occupancy.id))
    found, with_login = {}, set()
    for dwelling_id, name, phone, kind, user_id in rows:
        if user_id is not None:
            with_login.add(labels[dwelling_id])
        found.setdefault(labels[dwelling_id], []).append((name, phone, kind))
    return {label: people for label, people in sorted(found.items()) if label not in with_login}


def _own(spec_key):
    own = {}
    for user in data.USERS:
        for grant in user.grants:
            if grant.community == spec_key and grant.dwellings:
                own.setdefault(user.username, []).extend(grant.dwellings)
    return own


def _settle_messages(community_id, now, rng):
    """Old notifications have been read; the SMS of the past have been sent."""
    for note in db.session.scalars(sa.select(Notification).where(
            Notification.community_id == community_id, Notification.read_at.is_(None),
            Notification.created_at < now - READ_AFTER).order_by(Notification.id)):
        note.read_at = note.created_at + _minutes(rng, 5, 600)
    for message in db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.community_id == community_id, OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)):
        message.sent_at, message.attempts = message.created_at + dt.timedelta(seconds=20), 1


def load_community_tickets(loaded, users, now):
    """File one community's tickets (STORIES and MIXES); returns the plans, committed once."""
    spec, community = loaded.spec, loaded.community
    flats = _flats(community.id, spec)
    ctx = Context(key=spec.key, community=community, mode=community.management_mode,
                  orgs={org.kind for org in spec.organizations}, users=users, flats=flats,
                  occupants=_occupants(community.id, flats), own=_own(spec.key),
                  handlers=_handlers(users, community.id),
                  rng=random.Random(f"{data.SEED}:tickets:{spec.key}"), now=now,
                  scores=list(SCORES.get(spec.key, ())))
    plans = [plan_story(story, ctx) for story in STORIES if story.community == spec.key]
    outcomes = [o for o, count in MIXES.get(spec.key, {}).items() for _ in range(count)]
    for number, outcome in enumerate(outcomes):
        rng = random.Random(f"{data.SEED}:tickets:{spec.key}:{number}")
        kind = COMPLAINT if number % 3 == 1 else REPAIR  # about a third are complaints
        plans.append(plan_filler(outcome, kind, ctx, rng))
    clock = Clock()
    runner = Runner(ctx, clock)
    for plan in plans:
        if plan is not None:
            runner.add(plan)
    with _backdated(db.session(), clock, ctx):
        runner.run()
        _settle_messages(community.id, now, ctx.rng)
    db.session.commit()
    return [plan.ticket for plan in runner.plans if plan.ticket is not None]


def load_tickets(loaded, created, echo=print):
    """Every demo community's ticket history; `created` names the accounts this load made (an
    account that existed before keeps no demo role, so stories that need it are left out)."""
    users = {user.username: user for user in db.session.scalars(
        sa.select(User).where(User.username.in_(created)))}
    now = utcnow().replace(microsecond=0)
    counts = {}
    for community in loaded.values():
        community.tickets = load_community_tickets(community, users, now)
        counts[community.spec.name] = len(community.tickets)
    echo("Filed " + ", ".join(f"{n} tickets in {name}" for name, n in counts.items()) + ".")
    return counts
