"""Planning the demo tickets: what happens to each ticket, and when."""
import dataclasses
import datetime as dt
import random


from propmgmt.tickets import deadlines
from propmgmt.tickets import routing
from propmgmt.tickets.models import Ticket

from propmgmt.demo.ticket_texts import COMPLAINT
from propmgmt.demo.ticket_texts import ENTRANCE
from propmgmt.demo.ticket_texts import FLAT
from propmgmt.demo.ticket_texts import GROUND
from propmgmt.demo.ticket_texts import HAS_DOWN
from propmgmt.demo.ticket_texts import HAS_UP
from propmgmt.demo.ticket_texts import REPAIR
from propmgmt.demo.ticket_texts import TOP
from propmgmt.demo.ticket_texts import URGENT
from propmgmt.demo.ticket_texts import YARD
from propmgmt.demo.ticket_texts import AGES
from propmgmt.demo.ticket_texts import ASSIGN_NOTES
from propmgmt.demo.ticket_texts import AWAKE
from propmgmt.demo.ticket_texts import BEIJING
from propmgmt.demo.ticket_texts import CALLBACK_NOTES
from propmgmt.demo.ticket_texts import COMPLAINT_CALLBACK
from propmgmt.demo.ticket_texts import COMPLAINT_START_NOTES
from propmgmt.demo.ticket_texts import DESKS
from propmgmt.demo.ticket_texts import DISMISS_NOTE
from propmgmt.demo.ticket_texts import HISTORY_AGES
from propmgmt.demo.ticket_texts import HOTLINE_CALLBACK
from propmgmt.demo.ticket_texts import ISSUES
from propmgmt.demo.ticket_texts import ISSUE_BY_KEY
from propmgmt.demo.ticket_texts import OFFICE
from propmgmt.demo.ticket_texts import OPEN_OUTCOMES
from propmgmt.demo.ticket_texts import PLACES
from propmgmt.demo.ticket_texts import RATING_COMMENTS
from propmgmt.demo.ticket_texts import START_NOTES


# ---------------------------------------------------------------------------------------------
# Planning: what happens to each ticket, and when.


@dataclasses.dataclass
class Step:
    at: dt.datetime
    action: str
    who: str
    note: object = None
    assignee: str = None


@dataclasses.dataclass
class Plan:
    created: dt.datetime
    filer: str
    fields: dict  # TicketInput fields, with `reporter` as a username
    steps: list
    ticket: Ticket = None
    stuck: bool = False  # nobody with a login acts for the organization it waits for


@dataclasses.dataclass(frozen=True)
class Flat:
    """A dwelling with what the texts say about it."""

    label: str
    id: int
    building: str
    floor: int
    unit: int
    top: int  # the building's top floor

    @property
    def entrance(self):  # two flats per landing share a stairwell (单元)
        return (self.unit + 1) // 2

    def fits(self, floors):
        return {None: True, TOP: self.floor == self.top, GROUND: self.floor == 1,
                HAS_UP: self.floor < self.top, HAS_DOWN: self.floor > 1}[floors]

    def words(self):
        def number(floor):
            return f"{floor * 100 + self.unit}" if 1 <= floor <= self.top else ""

        return {"b": self.building, "e": self.entrance, "n": number(self.floor), "f": self.floor,
                "up": number(self.floor + 1), "down": number(self.floor - 1)}


@dataclasses.dataclass
class Context:
    """One community while its tickets are planned and filed."""

    key: str
    community: object
    mode: str
    orgs: set
    users: dict  # username -> User, the demo accounts this load created
    flats: dict  # label -> Flat
    occupants: dict  # label -> [(name, phone, kind)] of occupants without a login
    own: dict  # username -> labels of their dwellings here
    handlers: dict  # organization kind -> the User who acts for it here, or None
    rng: random.Random
    now: dt.datetime
    limits: dict = dataclasses.field(default_factory=dict)
    used: set = dataclasses.field(default_factory=set)
    scores: list = dataclasses.field(default_factory=list)  # the scores still to give

    def limit(self, kind, category, priority):
        key = (kind, category, priority)
        if key not in self.limits:
            response, resolution = deadlines.limits(self.community.id, *key)
            self.limits[key] = (dt.timedelta(minutes=response), dt.timedelta(minutes=resolution))
        return self.limits[key]


def _uniform(rng, low, high):
    return low + (high - low) * rng.random()


def _minutes(rng, low, high):
    return dt.timedelta(minutes=round(_uniform(rng, low, high)))


def _within(at, hours, rng):
    """`at`, or the next start of `hours` (Beijing time) if it falls outside them."""
    first, last = hours
    local = at.astimezone(BEIJING)
    if first <= local.hour < last:
        return at
    day = local.date() + dt.timedelta(days=1 if local.hour >= last else 0)
    start = dt.datetime.combine(day, dt.time(first), BEIJING) + _minutes(rng, 0, 50)
    return start.astimezone(dt.timezone.utc)


def _moment(now, days_ago, clock):
    day = now.astimezone(BEIJING).date() - dt.timedelta(days=days_ago)
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), BEIJING).astimezone(dt.timezone.utc)


def _place(ctx, rng):
    buildings = sorted({flat.building for flat in ctx.flats.values()})
    first, second = rng.sample(buildings, 2)
    return rng.choice(PLACES).format(b=first, b2=second)


def _texts(issue, flat, ctx, rng):
    """Title, description and location of an issue reported from `flat`."""
    words = {**flat.words(), "place": _place(ctx, rng) if issue.where == YARD else ""}
    location = None
    if issue.where == ENTRANCE:
        location = f"{flat.building}号楼{flat.entrance}单元"
    elif issue.where == YARD:
        location = (issue.spot or "{place}").format(**words)
    return issue.title.format(**words), issue.description.format(**words), location


def _fields(issue, flat, ctx, rng, *, channel, reporter):
    """TicketInput fields; `reporter` is a username, or None for an occupant without a login."""
    title, description, location = _texts(issue, flat, ctx, rng)
    fields = {"kind": issue.kind, "category": issue.category, "priority": issue.priority,
              "title": title, "description": description, "location": location,
              "about_org": issue.about_org, "channel": channel, "reporter": reporter,
              "dwelling_id": flat.id if issue.where == FLAT else None}
    if reporter is None and channel != "inspection":
        name, phone, _kind = rng.choice(ctx.occupants[flat.label])
        fields.update(reporter_name=name, reporter_phone=phone)
    return fields


def _plan(created, filer, fields, steps, rng):
    if fields["channel"] == "hotline_12345":  # the hotline's work order number
        fields["external_ref"] = f"BJ12345-{created.astimezone(BEIJING):%y%m%d}{rng.randrange(10 ** 4):04d}"
    return Plan(created, filer, fields, steps)


# -- scripted stories --


def plan_story(story, ctx):
    """The plan of a scripted story, or None when one of its users was not created by this load."""
    wanted = {story.filer} | {who for _h, _a, who, _n in story.steps}
    if any(action == "assign" for _h, action, _w, _n in story.steps):
        wanted.add(DESKS[ctx.key].technician)
    if any(name not in ctx.users for name in wanted - {"handler", "worker", "reporter"}):
        return None
    issue = ISSUE_BY_KEY[story.issue]
    ctx.limit(issue.kind, issue.category, issue.priority)
    reporter = story.filer if story.filer in DESKS[ctx.key].residents else None
    label = story.dwelling or ctx.own[reporter][0]
    created = _moment(ctx.now, story.days_ago, story.clock)
    fields = _fields(issue, ctx.flats[label], ctx, ctx.rng, channel=story.channel,
                     reporter=reporter)
    steps = []
    for hours, action, who, note in story.steps:
        step = Step(created + dt.timedelta(hours=hours), action, who, note)
        if action == "assign":
            step.assignee = DESKS[ctx.key].technician
        steps.append(step)
    ctx.used.add(issue.key)
    return _plan(created, story.filer, fields, steps, ctx.rng)


# -- generated filler --


def _pick_issue(ctx, rng, outcome, flat, kind):
    """An unused issue (if any is left) that fits the community, the outcome and the flat, and
    that someone here handles; None if none does."""
    def fits(issue):
        return ((not issue.modes or ctx.mode in issue.modes)
                and (issue.about_org is None or issue.about_org in ctx.orgs)
                and (issue.where != FLAT or flat.fits(issue.floors))
                and (outcome not in OPEN_OUTCOMES or issue.priority != URGENT)
                and (outcome != "dismissed" or issue.dismiss is not None)
                and (outcome not in ("reopened", "assigned") or issue.kind == REPAIR)
                and (outcome != "reopened" or issue.again is not None)
                and ctx.handlers[routing.first_handler(ctx.mode, issue.kind, issue.category,
                                                       issue.about_org)] is not None)

    if outcome in ("dismissed", "reopened", "assigned"):
        kind = REPAIR
    candidates = [i for i in ISSUES if fits(i) and i.key not in ctx.used]
    preferred = [i for i in candidates if i.kind == kind] or candidates
    if not preferred:
        preferred = [i for i in ISSUES if fits(i)]
    if not preferred:
        return None
    issue = rng.choice(preferred)
    ctx.used.add(issue.key)
    return issue


def _pick_filer(ctx, rng, outcome):
    """(filer, channel, reporter username or None, flat)."""
    desk = DESKS[ctx.key]
    residents = [name for name in desk.residents if name in ctx.users]
    clerks = [name for name in desk.desk if name in ctx.users]
    hotline = [name for name in desk.hotline if name in ctx.users]
    needs_login = outcome in ("rated", "reopened")
    if residents and (needs_login or rng.random() < 0.12 * len(residents)):
        reporter = rng.choice(residents)
        flat = ctx.flats[rng.choice(ctx.own[reporter])]
        if clerks and rng.random() < 0.25:
            return rng.choice(clerks), "phone", reporter, flat
        return reporter, rng.choice(("app", "app", "web")), reporter, flat
    if needs_login or not clerks:
        return None
    flat = ctx.flats[rng.choice(sorted(ctx.occupants))]
    roll = rng.random()
    if roll < 0.2 and hotline:
        return rng.choice(hotline), "hotline_12345", None, flat
    channel = "phone" if roll < 0.65 else "walk_in" if roll < 0.92 else "inspection"
    return rng.choice(clerks), channel, None, flat


def _filing_clock(channel, rng):
    if channel in ("app", "web"):
        return f"{rng.choice((7, 8, 9, 10, 12, 13, 16, 18, 19, 20, 21, 21, 22))}:{rng.randrange(60):02d}"
    return f"{rng.randint(8, 17)}:{rng.randrange(60):02d}"


def plan_filler(outcome, kind, ctx, rng):
    """A generated `kind` of ticket (when an issue of that kind fits) that ends in `outcome`, or
    None when nobody here can file it.

    Each one has its own `rng`: what it is about and who filed it never depend on the moment of
    loading; only the times of the recent ones are drawn until they fit before now."""
    picked = _pick_filer(ctx, rng, outcome)
    if picked is None:
        return None
    filer, channel, reporter, flat = picked
    issue = _pick_issue(ctx, rng, outcome, flat, kind)
    if issue is None:
        return None
    if channel == "inspection" and (issue.where == FLAT or issue.kind == COMPLAINT):
        channel = "phone"  # rounds find broken things in common areas, not complaints
    fields = _fields(issue, flat, ctx, rng, channel=channel, reporter=reporter)
    response, resolution = ctx.limit(issue.kind, issue.category, issue.priority)
    low, high = AGES.get(outcome, HISTORY_AGES)
    for _attempt in range(300):
        days = _uniform(rng, low, high)
        created = _moment(ctx.now, int(days), _filing_clock(channel, rng))
        if created >= ctx.now:
            continue
        timing = Timing(rng, created, response, resolution, issue.priority == URGENT)
        steps = _steps(outcome, issue, fields, timing, ctx)
        if timing.fits(steps, outcome, ctx.now):
            if outcome == "rated":
                score = ctx.scores.pop(0) if ctx.scores else 5
                steps[-1].note = (score, _comment(issue.kind, score, rng))
            return _plan(created, filer, fields, steps, rng)
    raise RuntimeError(f"no plan fits {outcome} for {issue.key} in {ctx.key}")


@dataclasses.dataclass
class Timing:
    """When each step of a generated ticket happens, within its deadlines."""

    rng: random.Random
    created: dt.datetime
    response: dt.timedelta
    resolution: dt.timedelta
    urgent: bool

    def later(self, at, low, high, hours=OFFICE, always=False):
        """`at` plus low..high minutes, moved into `hours` (an urgent ticket's work is done at
        any hour, unless `always`)."""
        moment = at + _minutes(self.rng, low, high)
        return moment if self.urgent and not always else _within(moment, hours, self.rng)

    def respond(self):
        if self.urgent:
            return self.created + self.response * _uniform(self.rng, 0.2, 0.7)
        return self.later(self.created, 10, 240)

    def fix(self, at, since):
        """The resolve moment: well before the resolution deadline counted from `since`."""
        left = (since + self.resolution - at) / dt.timedelta(minutes=1)
        if self.urgent:
            return self.later(at, 20, min(360, left * 0.6))
        return self.later(at, min(20, left * 0.1), left * 0.6)

    def resident(self, at, low, high):
        """When a resident gets round to it: low..high minutes later, while awake."""
        return self.later(at, low, high, AWAKE, always=True)

    def fits(self, steps, outcome, now):
        """Every step in the past, every deadline met, and an open ticket not yet overdue."""
        margin = now - dt.timedelta(minutes=10)
        if any(step.at >= margin for step in steps):
            return False
        due, since = self.created + self.response, self.created
        responded = False
        for step in steps:
            if not responded and step.action in ("accept", "close") and step.at > due:
                return False
            responded = responded or step.action in ("accept", "close")
            if step.action == "resolve" and step.at > since + self.resolution:
                return False
            if step.action == "reopen":
                since = step.at
        if outcome in OPEN_OUTCOMES:
            last_due = due if outcome == "submitted" else since + self.resolution
            return last_due > now + dt.timedelta(hours=1)
        return True


def _steps(outcome, issue, fields, timing, ctx):
    """The steps of a generated ticket that ends in `outcome`."""
    rng, steps = timing.rng, []
    if outcome == "submitted":
        return steps
    at = timing.respond()
    steps.append(Step(at, "accept", "handler"))
    if outcome == "dismissed":
        steps.append(Step(timing.later(at, 30, 600, always=True), "close", "handler",
                          issue.dismiss or DISMISS_NOTE))
        return steps
    technician = DESKS[ctx.key].technician
    if (technician in ctx.users and issue.kind == REPAIR and outcome != "accepted"
            and (outcome == "assigned" or rng.random() < 0.85)):
        at = timing.later(at, 3, 40)
        steps.append(Step(at, "assign", "handler", rng.choice(ASSIGN_NOTES), technician))
    if outcome in ("accepted", "assigned"):
        return steps
    at = timing.later(at, 10, 60) if timing.urgent else timing.later(at, 30, 300)
    notes = START_NOTES if issue.kind == REPAIR else COMPLAINT_START_NOTES
    steps.append(Step(at, "start", "worker", rng.choice(notes)))
    if outcome == "in_progress":
        return steps
    at = timing.fix(at, timing.created)
    steps.append(Step(at, "resolve", "worker", issue.fix))
    if outcome == "resolved":
        return steps
    if outcome == "reopened":
        steps.append(Step(timing.resident(at, 120, 2000), "reopen", "reporter",
                          issue.again))
        return steps
    steps.extend(_closing(outcome, at, fields, timing))
    return steps


def _closing(outcome, resolved_at, fields, timing):
    """The reporter confirms (and rates), or the handler closes after a call-back."""
    rng = timing.rng
    if fields["reporter"] is not None:
        at = timing.resident(resolved_at, 40, 2000)
        steps = [Step(at, "confirm", "reporter")]
        if outcome == "rated":  # the score is given once the plan fits (SCORES)
            steps.append(Step(at + _minutes(rng, 1, 15), "rate", "reporter"))
        return steps
    if fields["channel"] == "hotline_12345":
        note = HOTLINE_CALLBACK
    elif fields["kind"] == COMPLAINT:
        note = COMPLAINT_CALLBACK
    else:
        note = rng.choice(CALLBACK_NOTES)
    return [Step(timing.later(resolved_at, 600, 4000, always=True), "close", "handler", note)]


def _comment(kind, score, rng):
    """Low scores always say why; high ones now and then."""
    return rng.choice(RATING_COMMENTS[kind][score]) if score < 4 or rng.random() < 0.5 else None
