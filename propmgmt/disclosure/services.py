"""Notices and income-and-spending disclosures: who sees what, publishing, corrections, comments."""
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from propmgmt import audit
from propmgmt import policy
from propmgmt import roles
from propmgmt.communities.models import Building
from propmgmt.communities.models import Dwelling
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.disclosure.models import KINDS
from propmgmt.disclosure.models import DisclosureComment
from propmgmt.disclosure.models import DisclosureLine
from propmgmt.disclosure.models import Notice
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotFound
from propmgmt.money import parse_yuan

INCOME_SPENDING = "income_spending"
MAX_LINES = 100


def resident_only(user, community_id):
    """A resident with no other role: building-scoped notices of other buildings stay hidden."""
    return not user.is_admin and user.roles_in(community_id) == {roles.RESIDENT}


def _my_buildings(user, community_id):
    return (sa.select(Dwelling.building_id)
            .join(Occupancy, Occupancy.dwelling_id == Dwelling.id)
            .join(Person, Person.id == Occupancy.person_id)
            .where(Occupancy.community_id == community_id, Person.user_id == user.id))


def notices_stmt(community, user, *, archive=False, kind=None, now=None):
    """Latest versions of the notices `user` may read, pinned first, newest first."""
    now = now or utcnow()
    newer = orm.aliased(Notice)
    stmt = (sa.select(Notice).where(Notice.community_id == community.id)
            .where(~sa.exists().where(newer.supersedes_id == Notice.id, newer.publish_at <= now))
            .options(orm.selectinload(Notice.building), orm.noload(Notice.lines))
            .order_by(Notice.is_pinned.desc(), Notice.publish_at.desc(), Notice.id.desc()))
    if not policy.can(user, "notice.publish", community):
        stmt = stmt.where(Notice.publish_at <= now)
    if not archive:
        stmt = stmt.where(sa.or_(Notice.expire_at.is_(None), Notice.expire_at > now))
    if resident_only(user, community.id):
        stmt = stmt.where(sa.or_(Notice.building_id.is_(None),
                                 Notice.building_id.in_(_my_buildings(user, community.id))))
    if kind in KINDS:
        stmt = stmt.where(Notice.kind == kind)
    return stmt


def community_notices(community, user, *, archive=False, kind=None):
    """The notice list of a community as `user` sees it (two statements whatever the count)."""
    return list(db.session.scalars(notices_stmt(community, user, archive=archive, kind=kind)))


def check_readable(notice, user):
    """NotFound unless `user` may read this notice: drafts and other buildings stay hidden."""
    if not notice.is_published() and not policy.can(user, "notice.publish", notice):
        raise NotFound()
    if notice.building_id is not None and resident_only(user, notice.community_id):
        if notice.building_id not in set(db.session.scalars(_my_buildings(user,
                                                                           notice.community_id))):
            raise NotFound()


def versions(notice):
    """Every version of a notice, oldest first (the chain of `supersedes`)."""
    chain = [notice]
    while chain[0].supersedes_id is not None:
        chain.insert(0, db.session.get(Notice, chain[0].supersedes_id))
    while True:
        newer = db.session.scalar(sa.select(Notice).where(
            Notice.community_id == notice.community_id, Notice.supersedes_id == chain[-1].id))
        if newer is None:
            return chain
        chain.append(newer)


def comments(notice):
    return list(db.session.scalars(sa.select(DisclosureComment).where(
        DisclosureComment.community_id == notice.community_id,
        DisclosureComment.notice_id == notice.id).order_by(DisclosureComment.id)))


def parse_lines(text, *, field="lines"):
    """'label | income | expense' per line (yuan) into (label, income_fen, expense_fen) tuples."""
    lines, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
        parts += [""] * (3 - len(parts))
        income = parse_yuan(parts[1] or "0")
        expense = parse_yuan(parts[2] or "0")
        if len(parts) > 3 or not parts[0] or len(parts[0]) > 200 or income is None \
                or expense is None or income < 0 or expense < 0:
            errors.append(_("Line %(number)s: write 'label | income | expense' with amounts in "
                            "yuan that are not negative.", number=number))
            continue
        lines.append((parts[0], income, expense))
    if len(lines) > MAX_LINES:
        errors.append(_("At most %(max)s lines.", max=MAX_LINES))
    if errors:
        raise Invalid(fields={field: errors})
    return lines


def _check(community, actor, data):
    policy.require(actor, "notice.publish", community)
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Enter a title.")]
    if data.get("kind") not in KINDS:
        errors["kind"] = [_("Choose a kind of notice.")]
    elif data["kind"] == INCOME_SPENDING:
        if not policy.can(actor, "disclosure.publish", community):
            errors["kind"] = [_("Only the organization that collects the fees publishes the "
                                "income and spending disclosure.")]
        if not data.get("period_year"):
            errors["period_year"] = [_("An income and spending disclosure needs its year.")]
    if data.get("expire_at") and data["expire_at"] <= data["publish_at"]:
        errors["expire_at"] = [_("The notice must expire after it is published.")]
    building_id = data.get("building_id")
    if building_id and not db.session.scalar(sa.select(Building.id).where(
            Building.community_id == community.id, Building.id == building_id)):
        errors["building_id"] = [_("Choose a building of this community.")]
    if errors:
        raise Invalid(fields=errors)


def _add_lines(notice, lines, arrears_fen=None):
    rows = [DisclosureLine(community_id=notice.community_id, position=n, label=label,
                           income_fen=income, expense_fen=expense)
            for n, (label, income, expense) in enumerate(lines, 1)]
    if arrears_fen:
        rows.append(DisclosureLine(community_id=notice.community_id, position=len(rows) + 1,
                                   label=_("Owners' arrears"), income_fen=arrears_fen,
                                   expense_fen=0, is_arrears=True))
    notice.lines.extend(rows)


def publish_notice(*, community, actor, title, body="", kind="notice", building_id=None,
                   publish_at=None, expire_at=None, is_pinned=False, period_year=None,
                   period_quarter=None, lines=(), arrears_fen=None):
    """Post a notice (a draft while `publish_at` is in the future); disclosures carry lines."""
    data = {"title": title, "kind": kind, "building_id": building_id,
            "publish_at": publish_at or utcnow(), "expire_at": expire_at,
            "period_year": period_year}
    _check(community, actor, data)
    disclosure = kind == INCOME_SPENDING
    notice = Notice(community_id=community.id, title=title.strip(), body=body or "", kind=kind,
                    building_id=building_id or None, publish_at=data["publish_at"],
                    expire_at=expire_at, is_pinned=bool(is_pinned),
                    period_year=period_year if disclosure else None,
                    period_quarter=period_quarter if disclosure else None,
                    created_by_id=actor.id)
    db.session.add(notice)
    if disclosure:
        _add_lines(notice, lines, arrears_fen)
    db.session.flush()
    audit.record("notice.publish", actor=actor, community_id=community.id, notice_id=notice.id,
                 kind=kind)
    db.session.commit()
    return notice


def edit_draft(notice, *, actor, **changes):
    """Change a draft in place; a published notice is refused (publish a correction instead)."""
    policy.require(actor, "disclosure.publish" if notice.kind == INCOME_SPENDING
                   else "notice.publish", notice)
    if notice.is_published():
        raise Conflict(_("This notice is already published and cannot be changed; publish a "
                         "corrected version instead."))
    allowed = {"title", "body", "publish_at", "expire_at", "is_pinned"}
    for name in changes:
        if name not in allowed:
            raise Invalid(fields={name: [_("This cannot be changed.")]})
    merged = {name: getattr(notice, name) for name in allowed} | changes
    errors = {}
    if not (merged["title"] or "").strip():
        errors["title"] = [_("Enter a title.")]
    if merged["publish_at"] is None or merged["publish_at"].tzinfo is None:
        errors["publish_at"] = [_("Give the date and time to publish.")]
    elif merged["expire_at"] is not None and merged["expire_at"] <= merged["publish_at"]:
        errors["expire_at"] = [_("The notice must expire after it is published.")]
    if errors:
        raise Invalid(fields=errors)
    merged["title"] = merged["title"].strip()
    for name, value in merged.items():
        setattr(notice, name, value)
    audit.record("notice.edit_draft", actor=actor, community_id=notice.community_id,
                 notice_id=notice.id)
    db.session.commit()
    return notice


def correct_notice(notice, *, actor, title, body, lines=None, arrears_fen=None):
    """A corrected version of a published notice; the old one stays readable."""
    policy.require(actor, "disclosure.publish" if notice.kind == INCOME_SPENDING
                   else "notice.publish", notice)
    if not notice.is_published():
        raise Conflict(_("A draft is changed in place; only published notices get versions."))
    latest = versions(notice)[-1]
    if latest.id != notice.id:
        raise Conflict(_("This notice was already corrected by version %(version)s.",
                         version=latest.version))
    if not (title or "").strip():
        raise Invalid(fields={"title": [_("Enter a title.")]})
    now = utcnow()
    new = Notice(community_id=notice.community_id, title=title.strip(), body=body or "",
                 kind=notice.kind, building_id=notice.building_id, publish_at=now,
                 expire_at=notice.expire_at if notice.expire_at and notice.expire_at > now
                 else None, is_pinned=notice.is_pinned, period_year=notice.period_year,
                 period_quarter=notice.period_quarter, version=notice.version + 1,
                 supersedes_id=notice.id, created_by_id=actor.id)
    db.session.add(new)
    if notice.kind == INCOME_SPENDING:
        if lines is None:
            lines = [(x.label, x.income_fen, x.expense_fen) for x in notice.lines
                     if not x.is_arrears]
            arrears_fen = notice.arrears_fen if arrears_fen is None else arrears_fen
        _add_lines(new, lines, arrears_fen)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone corrected this notice a moment ago. Reload and check.")) \
            from None
    audit.record("notice.correct", actor=actor, community_id=notice.community_id,
                 notice_id=new.id, supersedes_id=notice.id)
    db.session.commit()
    return new


def add_comment(notice, *, actor, body):
    """Append a comment to a published income and spending disclosure."""
    policy.require(actor, "disclosure.comment", notice)
    if notice.kind != INCOME_SPENDING or not notice.is_published():
        raise Conflict(_("Comments are taken on published income and spending disclosures."))
    if not (body or "").strip():
        raise Invalid(fields={"body": [_("Write a comment.")]})
    comment = DisclosureComment(community_id=notice.community_id, notice_id=notice.id,
                                author_id=actor.id, body=body.strip())
    db.session.add(comment)
    audit.record("notice.comment", actor=actor, community_id=notice.community_id,
                 notice_id=notice.id)
    db.session.commit()
    return comment


def missing_annual_year(community, today=None):
    """Last year, when no annual income and spending disclosure for it is published (rule 37)."""
    year = (today or dt.date.today()).year - 1
    found = db.session.scalar(sa.select(Notice.id).where(
        Notice.community_id == community.id, Notice.kind == INCOME_SPENDING,
        Notice.period_year == year, Notice.period_quarter.is_(None),
        Notice.publish_at <= utcnow()).limit(1))
    return None if found else year
