"""The public cycle of an owners' vote, and reminders to owners who have not voted.

announced (the vote notice is up, at least 15 days, DOMAIN rule 16) -> voting -> closed ->
provisional result posted, open to objections for `objection_days` -> every objection answered
-> final result, which is stored as it stood (later roster changes do not rewrite it).
Each step is a notice the residents can read, with its date.
"""
import zoneinfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from propmgmt import audit
from propmgmt import policy
from propmgmt import roles
from propmgmt.auth.models import Membership
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.governance.models import Ballot
from propmgmt.governance.models import BallotDwelling
from propmgmt.governance.models import VoteObjection
from propmgmt.governance.models import VoteReminder
from propmgmt.notifications import services as notifications

ANNOUNCED, VOTING, COUNTING, OBJECTIONS, AWAITING, FINAL = (
    "announced", "voting", "counting", "objections", "awaiting_final", "final")
PHASES = {
    ANNOUNCED: _l("Announced: notice period before voting"),
    VOTING: _l("Voting"),
    COUNTING: _l("Voting closed: the provisional result is not posted yet"),
    OBJECTIONS: _l("Provisional result posted: objections open"),
    AWAITING: _l("Objection period over: awaiting the final result"),
    FINAL: _l("Final result"),
}
MAX_TEXT = 5000


def local(community, when):
    """A moment as the community's wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return when.astimezone(zoneinfo.ZoneInfo(community.timezone)).strftime("%Y-%m-%d %H:%M")


def phase(vote, now=None):
    now = now or utcnow()
    if vote.finalized_at is not None:
        return FINAL
    if now < vote.opens_at:
        return ANNOUNCED
    if now < vote.closes_at:
        return VOTING
    if vote.provisional_at is None:
        return COUNTING
    return OBJECTIONS if now < vote.objections_close_at else AWAITING


def _users(community_id, *wanted_roles):
    return db.session.scalars(sa.select(Membership.user_id).where(
        Membership.community_id == community_id, Membership.role.in_(wanted_roles))).all()


def _owner_users(community_id):
    return db.session.scalars(
        sa.select(Person.user_id).join(Occupancy, Occupancy.person_id == Person.id)
        .where(Occupancy.community_id == community_id, Occupancy.kind == "owner",
               Person.user_id.is_not(None)).distinct()).all()


def _post(vote, actor, *, title, body, now, expire_at=None):
    from propmgmt.disclosure import services as disclosure  # noqa: PLC0415

    return disclosure.publish_notice(community=vote.community, actor=actor, title=title,
                                     body=body, is_pinned=True, publish_at=now,
                                     expire_at=expire_at)


def announce(vote, *, actor, now):
    """Post the vote notice and tell the owners and the residents' committee."""
    community = vote.community
    body = "\n".join([vote.description or "", "",
                      _("Voting: %(opens)s to %(closes)s.", opens=local(community, vote.opens_at),
                        closes=local(community, vote.closes_at))]).strip()
    notice = _post(vote, actor, title=_("Owners' vote: %(title)s", title=vote.title), body=body,
                   now=now, expire_at=vote.closes_at)
    vote.notice_id = notice.id
    users = {*_owner_users(community.id), *_users(community.id, roles.RESIDENTS_COMMITTEE)}
    notifications.notify(users, community_id=community.id, kind="vote.announced",
                         vote_id=vote.id, title=vote.title, opens=local(community, vote.opens_at))
    db.session.commit()
    return notice


def summary(vote, result):
    """The computation in words, for the posted result."""
    from propmgmt.governance import votes  # noqa: PLC0415

    part, total, agree = result["participating"], result["totals"], result["agree"]
    lines = [
        _("Participation: %(owners)s / %(total_owners)s owners and %(area)s / %(total_area)s m²; "
          "needs at least 2/3 of both.", owners=part.owners, total_owners=total.owners,
          area=votes.m2(part.area_x100), total_area=votes.m2(total.area_x100)),
        _("Agreeing: %(owners)s owners and %(area)s m² of those taking part.",
          owners=agree.owners, area=votes.m2(agree.area_x100)),
        _("Passed.") if result["passed"] else _("Not passed."),
    ]
    return "\n".join(lines)


def post_provisional(vote, *, actor, now=None):
    """After voting closes, post the provisional result; objections run from now."""
    from propmgmt.governance import votes  # noqa: PLC0415

    policy.require(actor, "vote.manage", vote)
    now = now or utcnow()
    if phase(vote, now) != COUNTING:
        raise Conflict(_("The provisional result can be posted once, after voting closes."))
    vote.provisional_at = now
    body = "\n".join([summary(vote, votes.result(vote, now)), "", _(
        "Owners may object on the vote's page until %(date)s.",
        date=local(vote.community, vote.objections_close_at))])
    notice = _post(vote, actor, title=_("Provisional result: %(title)s", title=vote.title),
                   body=body, now=now, expire_at=vote.objections_close_at)
    vote.provisional_notice_id = notice.id
    audit.record("vote.provisional", actor=actor, community_id=vote.community_id,
                 vote_id=vote.id)
    db.session.commit()
    return notice


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise Invalid(fields={field: [message]})
    if len(value) > MAX_TEXT:
        raise Invalid(fields={field: [_("Use at most %(max)d characters.", max=MAX_TEXT)]})
    return value


def object_to(vote, *, actor, body, now=None):
    """An owner objects to the provisional result while it is posted."""
    policy.require(actor, "vote.object", vote)
    if phase(vote, now) != OBJECTIONS:
        raise Conflict(_("Objections can be raised only while the provisional result is posted."))
    objection = VoteObjection(community_id=vote.community_id, vote_id=vote.id, user_id=actor.id,
                              body=_text(body, "body", _("Say what you object to.")))
    db.session.add(objection)
    db.session.flush()
    audit.record("vote.objection", actor=actor, community_id=vote.community_id, vote_id=vote.id,
                 objection_id=objection.id)
    db.session.commit()
    return objection


def answer(objection, *, actor, response, now=None):
    """The committee's answer to an objection (once; the answer is part of the record)."""
    policy.require(actor, "vote.manage", objection)
    if objection.response is not None:
        raise Conflict(_("This objection is already answered."))
    objection.response = _text(response, "response", _("Write the committee's answer."))
    objection.responded_at, objection.responded_by_id = now or utcnow(), actor.id
    audit.record("vote.objection_answer", actor=actor, community_id=objection.community_id,
                 objection_id=objection.id)
    db.session.commit()
    return objection


def objections(vote):
    return db.session.scalars(sa.select(VoteObjection).where(
        VoteObjection.community_id == vote.community_id, VoteObjection.vote_id == vote.id)
        .order_by(VoteObjection.id)).all()


def finalize(vote, *, actor, now=None):
    """Declare the final result once the objection period is over and every objection is
    answered; the result is stored as it stands and posted."""
    from propmgmt.governance import votes  # noqa: PLC0415

    policy.require(actor, "vote.manage", vote)
    now = now or utcnow()
    if phase(vote, now) != AWAITING:
        raise Conflict(_("The final result is declared after the objection period (until "
                         "%(date)s).", date=local(vote.community, vote.objections_close_at)
                         if vote.provisional_at else "-"))
    if any(o.response is None for o in objections(vote)):
        raise Conflict(_("Answer every objection before declaring the final result."))
    result = votes.result(vote, now)
    vote.final_result = {**votes.result_json(result), "provisional": False,
                         "finalized_at": now.isoformat()}
    vote.finalized_at = now
    notice = _post(vote, actor, title=_("Final result: %(title)s", title=vote.title),
                   body=summary(vote, result), now=now)
    vote.final_notice_id = notice.id
    audit.record("vote.final", actor=actor, community_id=vote.community_id, vote_id=vote.id,
                 passed=result["passed"])
    db.session.commit()
    return vote


def non_voters(vote):
    """(user ids with an account, owner persons without one) of owners who may still vote."""
    voted = sa.select(Ballot.person_id).where(Ballot.community_id == vote.community_id,
                                              Ballot.vote_id == vote.id)
    covered = sa.select(BallotDwelling.dwelling_id).where(
        BallotDwelling.community_id == vote.community_id, BallotDwelling.vote_id == vote.id)
    rows = db.session.execute(
        sa.select(Person.id, Person.user_id).join(Occupancy, Occupancy.person_id == Person.id)
        .where(Occupancy.community_id == vote.community_id, Occupancy.kind == "owner",
               Person.id.not_in(voted), Occupancy.dwelling_id.not_in(covered))
        .distinct()).all()
    with_account = {user_id for _person, user_id in rows if user_id is not None}
    without = {person for person, user_id in rows if user_id is None}
    return with_account, without


def remind(vote, *, actor, now=None):
    """Remind owners who have not voted (at most once a day each); returns how many were
    reminded now and how many owners have no account (to be reminded on paper)."""
    policy.require(actor, "vote.manage", vote)
    now = now or utcnow()
    if phase(vote, now) != VOTING:
        raise Conflict(_("Reminders go out only while voting is open."))
    today = now.astimezone(zoneinfo.ZoneInfo(vote.community.timezone)).date()
    users, without = non_voters(vote)
    done = set(db.session.scalars(sa.select(VoteReminder.user_id).where(
        VoteReminder.community_id == vote.community_id, VoteReminder.vote_id == vote.id,
        VoteReminder.sent_on == today)))
    fresh = sorted(users - done)
    db.session.add_all([VoteReminder(community_id=vote.community_id, vote_id=vote.id,
                                     user_id=u, sent_on=today, sent_by_id=actor.id)
                        for u in fresh])
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("Reminders for today are already being sent.")) from None
    notifications.notify(fresh, community_id=vote.community_id, kind="vote.reminder",
                         vote_id=vote.id, title=vote.title,
                         closes=local(vote.community, vote.closes_at))
    audit.record("vote.remind", actor=actor, community_id=vote.community_id, vote_id=vote.id,
                 reminded=len(fresh))
    db.session.commit()
    return len(fresh), len(without)


def reminders_sent(vote):
    return db.session.scalar(sa.select(sa.func.count()).where(
        VoteReminder.community_id == vote.community_id, VoteReminder.vote_id == vote.id)) or 0
