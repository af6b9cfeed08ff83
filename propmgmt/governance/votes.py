"""Services for owners' votes: open a vote, cast or enter a ballot, count the result."""
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt import policy
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.communities.services import MAX_ID
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.governance import rules
from propmgmt.governance.models import Ballot
from propmgmt.governance.models import BallotDwelling
from propmgmt.governance.models import Vote

MAX_OPTION = 64


def _clean_options(options):
    options = [o.strip() for o in (options or rules.DEFAULT_OPTIONS) if o and o.strip()]
    if len(set(options)) < 2 or len(set(options)) != len(options):
        raise Invalid(fields={"options": [_("Give at least two different options.")]})
    if any(len(o) > MAX_OPTION for o in options):
        raise Invalid(fields={"options": [_("Use at most %(max)d characters per option.",
                                            max=MAX_OPTION)]})
    return options


NOTICE_DAYS = 15  # DOMAIN rule 16: the vote notice goes up at least 15 days before voting
MAX_OBJECTION_DAYS = 30


def open_vote(*, community, actor, title, opens_at, closes_at, description="", item=None,
              matter=None, options=None, objection_days=7, now=None):
    """Announce a matter to the owners: the vote notice is posted now, at least 15 days before
    voting opens, and the residents' committee and the owners are told (DOMAIN rule 16).
    The matter follows the art. 278 item when one is given."""
    from propmgmt.governance import cycle  # noqa: PLC0415

    policy.require(actor, "vote.create", community)
    now = now or utcnow()
    if item is not None and item not in rules.ITEMS:
        raise Invalid(fields={"item": [_("Choose an item of Civil Code article 278.")]})
    if item is not None:
        matter = rules.matter_of(item)
    if matter not in rules.MATTER_LABELS:
        raise Invalid(fields={"matter": [_("Choose ordinary or major.")]})
    if opens_at.tzinfo is None or closes_at.tzinfo is None or closes_at <= opens_at:
        raise Invalid(fields={"closes_at": [_("The vote must close after it opens.")]})
    if opens_at < now + dt.timedelta(days=NOTICE_DAYS):
        raise Invalid(fields={"opens_at": [_(
            "Voting can open %(days)d days after the vote is announced at the earliest (from "
            "%(date)s); owners must have the notice that long.", days=NOTICE_DAYS,
            date=cycle.local(community, now + dt.timedelta(days=NOTICE_DAYS)))]})
    if not isinstance(objection_days, int) or not 1 <= objection_days <= MAX_OBJECTION_DAYS:
        raise Invalid(fields={"objection_days": [_(
            "Allow between 1 and %(max)d days for objections.", max=MAX_OBJECTION_DAYS)]})
    vote = Vote(community_id=community.id, title=title, description=description or "",
                item=item, matter=matter, options=_clean_options(options), opens_at=opens_at,
                closes_at=closes_at, created_by_id=actor.id, announced_at=now,
                objection_days=objection_days)
    db.session.add(vote)
    db.session.flush()
    audit.record("vote.open", actor=actor, community_id=community.id, vote_id=vote.id)
    cycle.announce(vote, actor=actor, now=now)
    return vote


def owned_dwellings(person_id, community_id):
    """{dwelling_id: area_x100} a person owns in a community."""
    rows = db.session.execute(
        sa.select(Dwelling.id, Dwelling.area_x100)
        .join(Occupancy, Occupancy.dwelling_id == Dwelling.id)
        .where(Occupancy.community_id == community_id, Occupancy.person_id == person_id,
               Occupancy.kind == "owner"))
    return dict(rows.all())


def owner_person(user, community_id):
    """The user's person record in the community if they own a dwelling there, else None."""
    person = db.session.scalar(sa.select(Person).where(
        Person.community_id == community_id, Person.user_id == user.id))
    if person is None or not owned_dwellings(person.id, community_id):
        return None
    return person


def ballot_of(vote, person_id):
    return db.session.scalar(sa.select(Ballot).where(
        Ballot.community_id == vote.community_id, Ballot.vote_id == vote.id,
        Ballot.person_id == person_id))


def _covered(vote, dwelling_ids):
    return set(db.session.scalars(sa.select(BallotDwelling.dwelling_id).where(
        BallotDwelling.community_id == vote.community_id, BallotDwelling.vote_id == vote.id,
        BallotDwelling.dwelling_id.in_(sorted(dwelling_ids)))))


def _check_open(vote, option, now):
    if not vote.is_open(now):
        raise Conflict(_("This vote is not open for ballots now."))
    if option not in vote.options:
        raise Invalid(fields={"option": [_("Choose one of this vote's options.")]})


def _already_voted():
    return Conflict(_("A ballot has already been cast for this owner or dwelling."))


def _record(vote, person, option, *, entered_by, paper_ref=None, now=None):
    """Insert the ballot and the dwellings it covers; a unique row lost to a race is a 409."""
    _check_open(vote, option, now or utcnow())
    dwellings = owned_dwellings(person.id, vote.community_id)
    if ballot_of(vote, person.id) is not None:
        raise _already_voted()
    uncovered = {d: a for d, a in dwellings.items() if d not in _covered(vote, dwellings)}
    if not uncovered:
        raise _already_voted()
    ballot = Ballot(community_id=vote.community_id, vote_id=vote.id, person_id=person.id,
                    option=option, paper_ref=paper_ref, entered_by_id=entered_by.id)
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
            db.session.flush()
            db.session.add_all([BallotDwelling(community_id=vote.community_id, vote_id=vote.id,
                                               ballot_id=ballot.id, dwelling_id=d, area_x100=a)
                                for d, a in sorted(uncovered.items())])
    except sa.exc.IntegrityError:
        raise _already_voted() from None
    audit.record("vote.ballot", actor=entered_by, community_id=vote.community_id,
                 vote_id=vote.id, ballot_id=ballot.id, paper_ref=paper_ref)
    db.session.commit()
    return ballot


def cast_ballot(*, vote, actor, option, now=None):
    """An owner's own ballot: one per owner, covering every dwelling they own (not yet covered
    by a co-owner). Tenants and family members are not owners (403)."""
    person = owner_person(actor, vote.community_id)
    if person is None:
        raise NotAllowed(_("Only owners can vote; tenants and family members cannot."))
    return _record(vote, person, option, entered_by=actor, now=now)


def enter_paper_ballot(*, vote, actor, person_id, option, paper_ref, now=None):
    """The committee types in a signed paper ballot for an owner, with the paper's reference."""
    policy.require(actor, "vote.enter_paper", vote)
    person = None
    if isinstance(person_id, int) and 0 < person_id <= MAX_ID:  # a form's number may be huge
        person = db.session.scalar(sa.select(Person).where(
            Person.community_id == vote.community_id, Person.id == person_id))
    if person is None or not owned_dwellings(person.id, vote.community_id):
        raise Invalid(fields={"person_id": [_("Choose an owner of this community.")]})
    if not (paper_ref or "").strip():
        raise Invalid(fields={"paper_ref": [_("Give the reference of the signed paper ballot.")]})
    return _record(vote, person, option, entered_by=actor, paper_ref=paper_ref.strip(), now=now)


def community_totals(community_id):
    """All owner persons (heads) and all dwellings' exclusive area of a community."""
    pairs = db.session.execute(sa.select(Occupancy.person_id, Occupancy.dwelling_id).where(
        Occupancy.community_id == community_id, Occupancy.kind == "owner")).all()
    areas = db.session.scalars(sa.select(Dwelling.area_x100).where(
        Dwelling.community_id == community_id)).all()
    return rules.totals(pairs, areas)


def admitted_ballots(vote):
    """(option, [areas]) of every ballot of the vote."""
    rows = db.session.execute(
        sa.select(Ballot.option, sa.func.coalesce(sa.func.sum(BallotDwelling.area_x100), 0))
        .outerjoin(BallotDwelling, BallotDwelling.ballot_id == Ballot.id)
        .where(Ballot.community_id == vote.community_id, Ballot.vote_id == vote.id)
        .group_by(Ballot.id, Ballot.option))
    return [(option, [int(area)]) for option, area in rows]


def result(vote, now=None):
    """The computation of the vote: the stored one once final, else as it stands now."""
    if vote.final_result is not None:
        return result_from_json(vote.final_result, vote.options)
    counts = rules.tally(admitted_ballots(vote))
    outcome = rules.decide(vote.matter, community_totals(vote.community_id), counts)
    outcome["provisional"] = vote.finalized_at is None
    outcome["options"] = list(vote.options)
    return outcome


def _weight(weight):
    return {"owners": weight.owners, "area_x100": weight.area_x100,
            "area_m2": float(m2(weight.area_x100))}


def result_json(r):
    """A result as plain JSON (the API's shape, and the stored final result)."""
    return {
        "matter": r["matter"], "provisional": r["provisional"],
        "totals": _weight(r["totals"]),
        "participation": {**_weight(r["participating"]), "passed": r["participation_passed"]},
        "agree": _weight(r["agree"]),
        "tally": {o: _weight(w) for o, w in r["tally"].items()},
        "thresholds": {"participation": r["participation_threshold"],
                       "approval": r["approval_threshold"]},
        "approval_passed": r["approval_passed"], "passed": r["passed"], "rule": r["rule"],
    }


def result_from_json(data, options):
    """The stored final result back in the shape `result` returns (for the same page)."""
    def weight(w):
        return rules.Weight(w["owners"], w["area_x100"])

    participation = data["participation"]
    return {
        "matter": data["matter"], "totals": weight(data["totals"]),
        "participating": weight(participation), "agree": weight(data["agree"]),
        "tally": {o: weight(w) for o, w in data["tally"].items()},
        "participation_threshold": data["thresholds"]["participation"],
        "participation_passed": participation["passed"],
        "approval_threshold": data["thresholds"]["approval"],
        "approval_passed": data["approval_passed"], "passed": data["passed"],
        "rule": data["rule"], "provisional": False, "options": list(options),
    }


def owners_to_enter(vote):
    """Owner persons of the community without a ballot yet, by name (for paper ballots)."""
    voted = sa.select(Ballot.person_id).where(Ballot.community_id == vote.community_id,
                                              Ballot.vote_id == vote.id)
    owners = sa.select(Occupancy.person_id).where(Occupancy.community_id == vote.community_id,
                                                  Occupancy.kind == "owner")
    return db.session.scalars(sa.select(Person).where(
        Person.community_id == vote.community_id, Person.id.in_(owners),
        Person.id.not_in(voted)).order_by(Person.name, Person.id)).all()


def turnout_by_building(vote):
    """Per building: dwellings and area, and how much of each a ballot covers; laggards first."""
    from fractions import Fraction  # noqa: PLC0415

    from propmgmt.communities.models import Building  # noqa: PLC0415

    covered = sa.and_(BallotDwelling.dwelling_id == Dwelling.id, BallotDwelling.vote_id == vote.id,
                      BallotDwelling.community_id == vote.community_id)
    rows = db.session.execute(
        sa.select(Building.name, sa.func.count(Dwelling.id), sa.func.sum(Dwelling.area_x100),
                  sa.func.count(BallotDwelling.id),
                  sa.func.coalesce(sa.func.sum(BallotDwelling.area_x100), 0))
        .join(Dwelling, Dwelling.building_id == Building.id)
        .outerjoin(BallotDwelling, covered)
        .where(Building.community_id == vote.community_id)
        .group_by(Building.id, Building.name))
    out = [{"building": name, "dwellings": int(n), "area_x100": int(area),
            "voted_dwellings": int(voted), "voted_area_x100": int(voted_area)}
           for name, n, area, voted, voted_area in rows]
    return sorted(out, key=lambda r: (Fraction(r["voted_area_x100"], r["area_x100"] or 1),
                                      r["building"]))


def voter_status(vote, user, now=None):
    """Why `user` may or may not vote now: None when they may, else a short code."""
    now = now or utcnow()
    if not vote.is_open(now):
        return "closed" if vote.is_closed(now) else "not_open"
    person = owner_person(user, vote.community_id)
    if person is None:
        return "not_owner"
    if ballot_of(vote, person.id) is not None:
        return "voted"
    dwellings = owned_dwellings(person.id, vote.community_id)
    if not set(dwellings) - _covered(vote, dwellings):
        return "covered"
    return None


def community_votes(stmt, community):
    """A community's votes (from an already scoped select), newest first."""
    return db.session.scalars(stmt.where(Vote.community_id == community.id)
                              .order_by(Vote.opens_at.desc(), Vote.id.desc())).all()


def m2(area_x100):
    """Hundredths of m² as an exact decimal of square metres with 2 places."""
    from decimal import Decimal  # noqa: PLC0415

    return (Decimal(int(area_x100)) / 100).quantize(Decimal("0.01"))


def percent(part, total):
    """Whole percent, rounded down, for meters (display only; decisions use exact fractions)."""
    return 0 if not total else min(100, part * 100 // total)
