"""Notices: who sees what, expiry, pinned order, versions and the refusal of silent edits."""
import datetime as dt

import pytest

from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.disclosure import services
from propmgmt.disclosure.models import DisclosureComment
from propmgmt.disclosure.models import ImmutableError
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.errors import NotFound


def _titles(cast, user, **kwargs):
    return [n.title for n in services.community_notices(cast.community, user, **kwargs)]


def test_building_notice_reaches_that_building_and_every_non_resident(cast):
    cast.post(title="Lift repair", building_id=cast.one.id)
    assert _titles(cast, cast.owner_one) == ["Lift repair"]
    assert _titles(cast, cast.tenant_two) == []
    assert _titles(cast, cast.manager) == ["Lift repair"]
    assert _titles(cast, cast.owners_committee) == ["Lift repair"]


def test_residents_do_not_see_drafts_but_publishers_do(cast):
    cast.post(title="Later", publish_at=utcnow() + dt.timedelta(days=2))
    assert _titles(cast, cast.owner_one) == []
    assert _titles(cast, cast.residents_committee) == ["Later"]


def test_expired_notices_leave_the_list_but_stay_in_the_archive(cast, past):
    cast.post(title="Old", publish_at=past, expire_at=past + dt.timedelta(days=1))
    cast.post(title="Current")
    assert _titles(cast, cast.owner_one) == ["Current"]
    assert sorted(_titles(cast, cast.owner_one, archive=True)) == ["Current", "Old"]


def test_pinned_first_then_newest_first(cast, past):
    cast.post(title="Oldest", publish_at=past)
    cast.post(title="Pinned", publish_at=past - dt.timedelta(days=1), is_pinned=True)
    cast.post(title="Newest")
    assert _titles(cast, cast.owner_one) == ["Pinned", "Newest", "Oldest"]


def test_kind_filter(cast):
    cast.post(title="Minutes", kind="meeting_minutes")
    cast.post(title="Plain")
    assert _titles(cast, cast.owner_one, kind="meeting_minutes") == ["Minutes"]


def test_resident_cannot_publish(cast):
    with pytest.raises(NotAllowed):
        cast.post(actor=cast.owner_one)


def test_correction_is_a_new_version_and_the_old_one_stays(cast):
    first = cast.post()
    second = services.correct_notice(first, actor=cast.residents_committee,
                                     title="Water off on Saturday", body="From 9 to 12.")
    assert second.version == 2 and second.supersedes_id == first.id
    assert _titles(cast, cast.owner_one) == ["Water off on Saturday"]
    assert [v.id for v in services.versions(first)] == [first.id, second.id]
    assert db.session.get(type(first), first.id).title == "Water off on Friday"
    with pytest.raises(Conflict, match="already corrected by version 2"):
        services.correct_notice(first, actor=cast.residents_committee, title="x", body="")


def test_published_notice_refuses_an_edit_through_the_service(cast):
    notice = cast.post()
    with pytest.raises(Conflict, match="already published and cannot be changed"):
        services.edit_draft(notice, actor=cast.residents_committee, title="Silently changed")


def test_orm_refuses_a_direct_update_of_a_published_notice(cast):
    notice = cast.post()
    notice.body = "Silently changed"
    with pytest.raises(ImmutableError, match="cannot change body"):
        db.session.flush()
    db.session.rollback()


def test_drafts_change_in_place(cast):
    draft = cast.post(publish_at=utcnow() + dt.timedelta(days=1))
    services.edit_draft(draft, actor=cast.residents_committee, title="Water off on Monday")
    assert db.session.get(type(draft), draft.id).title == "Water off on Monday"


def test_totals_to_the_fen_and_arrears_apart(cast):
    notice = cast.disclosure(arrears_fen=4500_00)
    assert notice.income_fen == 12000010 + 80001
    assert notice.expense_fen == 3000005
    assert notice.balance_fen == 12000010 + 80001 - 3000005
    assert notice.arrears_fen == 450000


def test_owners_and_committee_comment_tenants_cannot(cast):
    notice = cast.disclosure()
    services.add_comment(notice, actor=cast.owners_committee, body="Please show cleaning bills.")
    services.add_comment(notice, actor=cast.owner_one, body="Agreed.")
    with pytest.raises(NotAllowed):
        services.add_comment(notice, actor=cast.tenant_two, body="Me too.")
    found = services.comments(notice)
    assert [c.body for c in found] == ["Please show cleaning bills.", "Agreed."]
    found[0].body = "edited"
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()
    assert isinstance(found[0], DisclosureComment)


def test_only_the_fee_collector_publishes_disclosures(cast):
    with pytest.raises(Invalid) as info:
        cast.post(kind="income_spending", period_year=2025)
    assert info.value.fields["kind"]


def test_missing_annual_disclosure_flag(cast):
    today = dt.date(2026, 2, 1)
    assert services.missing_annual_year(cast.community, today) == 2025
    cast.disclosure()
    assert services.missing_annual_year(cast.community, today) is None
    assert services.missing_annual_year(cast.community, dt.date(2027, 2, 1)) == 2026


def test_other_building_notice_is_not_found_for_a_resident(cast):
    notice = cast.post(building_id=cast.one.id)
    with pytest.raises(NotFound):
        services.check_readable(notice, cast.tenant_two)
    services.check_readable(notice, cast.owner_one)
