"""Joint meetings to their action items: who may do what, overdue items, refusals."""
import datetime as dt

import pytest
import sqlalchemy as sa

from propmgmt.db import db
from propmgmt.disclosure.models import Notice
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.meetings import queries
from propmgmt.meetings import services
from propmgmt.notifications.models import Notification


def _notified(user, kind):
    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.user_id == user.id, Notification.kind == kind))


def test_scheduling_notifies_only_the_invited_organizations(cast):
    meeting = cast.schedule(hours=48, orgs=["party_organization", "property_company"])
    assert [i.org_kind for i in meeting.invitees] == ["party_organization", "property_company"]
    assert _notified(cast.manager, "meeting.invited") == 1
    assert _notified(cast.secretary, "meeting.invited") == 1
    assert _notified(cast.owners_committee, "meeting.invited") == 0
    assert _notified(cast.resident, "meeting.invited") == 0


@pytest.mark.parametrize("orgs", [[], ["party_organization"], ["nobody", "party_organization"]])
def test_a_joint_meeting_needs_two_organizations(cast, orgs):
    with pytest.raises(Invalid) as error:
        cast.schedule(orgs=orgs)
    assert "orgs" in error.value.fields


def test_only_the_party_secretary_or_residents_committee_convenes(cast):
    for user in (cast.manager, cast.owners_committee, cast.resident, cast.outsider):
        with pytest.raises(NotAllowed):
            services.schedule(community=cast.community, actor=user, title="x",
                              scheduled_at=dt.datetime.now(dt.timezone.utc),
                              orgs=["party_organization", "property_company"])
    meeting = services.schedule(community=cast.community, actor=cast.residents_committee,
                                title="By the residents' committee",
                                scheduled_at=dt.datetime.now(dt.timezone.utc),
                                orgs=["residents_committee", "property_company"])
    assert meeting.convened_by_id == cast.residents_committee.id


def test_minutes_record_attendance_and_refuse_a_future_meeting(cast):
    future = cast.schedule(hours=24)
    with pytest.raises(Invalid) as error:
        services.record_minutes(future, actor=cast.secretary, minutes="x",
                                attendance={"party_organization": (True, "")})
    assert "held_at" in error.value.fields
    meeting = cast.schedule()
    with pytest.raises(Invalid):
        services.record_minutes(meeting, actor=cast.secretary, minutes="  ", attendance={})
    with pytest.raises(Invalid):
        services.record_minutes(meeting, actor=cast.secretary, minutes="Nobody came",
                                attendance={})
    services.record_minutes(meeting, actor=cast.secretary, minutes="Agreed.",
                            attendance={"party_organization": (True, "Li"),
                                        "property_company": (False, "")})
    assert meeting.status == "held"
    present = {i.org_kind: (i.attended, i.attendees) for i in meeting.invitees}
    assert present["party_organization"] == (True, "Li")
    assert present["property_company"] == (False, "")
    assert present["owners_committee"] == (False, "")


def test_items_come_from_a_held_meeting_and_cannot_be_due_before_it(cast):
    scheduled = cast.schedule(hours=24)
    with pytest.raises(Conflict):
        cast.item(scheduled)
    meeting = cast.held()
    with pytest.raises(Invalid) as error:
        cast.item(meeting, due_in_days=-30)
    assert "due_on" in error.value.fields
    with pytest.raises(Invalid):
        cast.item(meeting, owner_org="street_office")
    item = cast.item(meeting)
    assert item.status == "open" and _notified(cast.manager, "meeting.action_item") == 1


def test_the_owning_organization_updates_its_item_others_cannot(cast):
    meeting = cast.held()
    item = cast.item(meeting, owner_org="property_company")
    for user in (cast.owners_committee, cast.resident):
        with pytest.raises(NotAllowed):
            services.update_item(item, actor=user, body="x", status="open")
    services.update_item(item, actor=cast.manager, body="Parts ordered", status="open")
    services.update_item(item, actor=cast.manager, body="", status="done")
    assert item.status == "done" and item.closed_on == services.local_today(cast.community)
    assert [u.status for u in item.updates] == ["open", "done"]
    with pytest.raises(Conflict):
        services.update_item(item, actor=cast.manager, body="again", status="open")
    services.update_item(item, actor=cast.secretary, body="Lift broke again", status="open")
    assert item.status == "open" and item.closed_on is None


def test_dropping_needs_a_reason_and_a_stale_form_is_409(cast):
    item = cast.item(cast.held())
    with pytest.raises(Invalid):
        services.update_item(item, actor=cast.manager, body="", status="dropped")
    version = item.version
    services.update_item(item, actor=cast.manager, body="Started", status="open",
                         version=version)
    with pytest.raises(Conflict):
        services.update_item(item, actor=cast.secretary, body="Stale", status="done",
                             version=version)
    assert item.status == "open" and len(item.updates) == 1


def test_overdue_items_listed_per_organization_until_done(cast):
    meeting = cast.held()
    late = cast.item(meeting, title="Late one", due_in_days=0)
    cast.item(meeting, title="Not yet", due_in_days=3)
    committee = cast.item(meeting, title="Committee task", due_in_days=0,
                          owner_org="owners_committee")
    tomorrow = services.local_today(cast.community) + dt.timedelta(days=1)
    grouped = queries.by_org(queries.ledger(cast.community, overdue_on=tomorrow))
    assert {k: [i.title for i in v] for k, v in grouped.items()} == {
        "owners_committee": ["Committee task"], "property_company": ["Late one"]}
    rows = queries.overdue_items(cast.secretary, tomorrow,
                                 queries.watched_community_ids(cast.secretary))
    assert {item.title for item, _name in rows} == {"Late one", "Committee task"}
    assert queries.overdue_items(cast.outsider, tomorrow, {cast.community.id}) == []
    services.update_item(late, actor=cast.manager, body="Fixed", status="done")
    services.update_item(committee, actor=cast.owners_committee, body="No budget",
                         status="dropped")
    assert queries.ledger(cast.community, overdue_on=tomorrow) == []


def test_published_minutes_are_a_notice_and_then_frozen(cast):
    meeting = cast.held()
    cast.item(meeting, title="Repaint the fence")
    notice = services.publish_minutes(meeting, actor=cast.secretary)
    stored = db.session.get(Notice, notice.id)
    assert stored.kind == "meeting_minutes" and "Repaint the fence" in stored.body
    assert "Agreed on parking." in stored.body
    with pytest.raises(Conflict):
        services.record_minutes(meeting, actor=cast.secretary, minutes="Rewritten",
                                attendance={"party_organization": (True, "")})
    with pytest.raises(Conflict):
        services.publish_minutes(meeting, actor=cast.secretary)


def test_cancelling_needs_a_reason_and_only_before_it_is_held(cast):
    meeting = cast.schedule(hours=24)
    with pytest.raises(Invalid):
        services.cancel(meeting, actor=cast.secretary, reason=" ")
    services.cancel(meeting, actor=cast.secretary, reason="Typhoon")
    assert meeting.status == "cancelled"
    with pytest.raises(Conflict):
        services.cancel(cast.held(), actor=cast.secretary, reason="Too late")
