"""Notice pages and the fee disclosure page, in English and Chinese, with refusals and bounds."""
import datetime as dt

from propmgmt.billing import fees
from propmgmt.communities import modes
from propmgmt.communities.models import PropertyCompany
from propmgmt.communities.models import ServiceContract
from propmgmt.db import db
from propmgmt.disclosure import services
from tests.disclosure.conftest import EN
from tests.disclosure.conftest import ZH
from tests.factories import OrganizationFactory


def test_resident_reads_the_list_and_a_notice(cast, client, login):
    notice = cast.post(is_pinned=True)
    login(cast.owner_one)
    page = client.get(f"/communities/{cast.community.id}/notices", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Water off on Friday" in text and "Pinned" in text
    assert "Post a notice" not in text and "No income and spending disclosure" not in text
    assert client.get(f"/notices/{notice.id}", headers=EN).status_code == 200
    zh = client.get(f"/communities/{cast.community.id}/notices", headers=ZH).get_data(as_text=True)
    assert "置顶" in zh


def test_resident_posting_is_403_and_other_community_is_404(cast, client, login):
    login(cast.owner_one)
    response = client.post(f"/communities/{cast.community.id}/notices/new",
                           data={"title": "Mine", "kind": "notice", "building_id": "0"})
    assert response.status_code == 403
    other = services.publish_notice(community=cast.outsider.memberships[0].community,
                                    actor=cast.outsider, title="Elsewhere")
    assert client.get(f"/notices/{other.id}").status_code == 404


def test_other_building_notice_page_is_404_for_a_resident(cast, client, login):
    notice = cast.post(building_id=cast.one.id)
    login(cast.tenant_two)
    assert client.get(f"/notices/{notice.id}").status_code == 404


def test_manager_publishes_a_disclosure_from_the_form(cast, client, login):
    login(cast.manager)
    url = f"/communities/{cast.community.id}/notices/new"
    assert client.get(url, headers=EN).status_code == 200
    data = {"title": "Accounts 2025", "body": "", "kind": "income_spending", "building_id": "0",
            "period_year": "2025", "period_quarter": "0", "arrears": "1,000.50",
            "lines": "Service fees | 1000.25 | 0\nCleaning | 0 | 200.10"}
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "1,000.25" in page and "200.10" in page and "800.15" in page and "1,000.50" in page
    assert "arrears" in page


def test_bad_line_is_shown_on_the_form(cast, client, login):
    login(cast.manager)
    data = {"title": "Accounts", "kind": "income_spending", "building_id": "0",
            "period_year": "2025", "period_quarter": "0", "lines": "Fees | lots | 0"}
    response = client.post(f"/communities/{cast.community.id}/notices/new", data=data,
                           headers=EN)
    assert response.status_code == 422 and "Line 1" in response.get_data(as_text=True)


def test_correct_and_comment_from_the_page(cast, client, login):
    notice = cast.disclosure()
    login(cast.manager)
    response = client.post(f"/notices/{notice.id}/correct", headers=EN,
                           data={"c-title": "Income and spending 2025 (corrected)",
                                 "c-body": "Fixed", "c-lines": ""})
    assert response.status_code == 302
    old = client.get(f"/notices/{notice.id}", headers=EN).get_data(as_text=True)
    assert "Corrected by version 2." in old
    zh = client.get(f"/notices/{notice.id}", headers=ZH).get_data(as_text=True)
    assert "已由第 2 版更正" in zh
    login(cast.owners_committee)
    response = client.post(f"/notices/{notice.id}/comments", data={"m-body": "Thanks"},
                           headers=EN)
    assert response.status_code == 302
    assert "Thanks" in client.get(f"/notices/{notice.id}", headers=EN).get_data(as_text=True)


def test_missing_annual_disclosure_is_flagged_for_staff(cast, client, login):
    login(cast.manager)
    year = dt.date.today().year - 1
    text = client.get(f"/communities/{cast.community.id}/notices", headers=EN).get_data(
        as_text=True)
    assert f"No income and spending disclosure for {year} yet." in text
    zh = client.get(f"/communities/{cast.community.id}/notices", headers=ZH).get_data(
        as_text=True)
    assert f"尚未公示 {year} 年度物业服务收支情况" in zh


def test_list_queries_are_bounded(cast, client, login, count_queries):
    login(cast.owner_one)
    url = f"/communities/{cast.community.id}/notices"

    def measure():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    for n in range(3):
        cast.post(title=f"N{n}", building_id=cast.one.id if n % 2 else None)
    few = measure()
    for n in range(27):
        cast.post(title=f"M{n}", building_id=cast.one.id if n % 2 else None)
    assert measure() == few


def _billing(community):
    company = PropertyCompany(name="Good Homes Ltd")
    db.session.add(company)
    db.session.flush()
    db.session.add(ServiceContract(community_id=community.id, company_id=company.id,
                                   starts_on=dt.date(2024, 1, 1), scope="Cleaning, security",
                                   fee_fen_per_m2=150))
    OrganizationFactory(community_id=community.id, kind=modes.RESIDENTS, contact_phone="010-1234")
    fees.create_fee_item(community=community, name="Service fee", basis="per_m2", rate_fen=150,
                         price_form="guided", guided_base_fen=140, guided_float_pct=10,
                         legal_basis="Beijing price notice 2023")


def test_price_display_has_all_11_items(cast, client, login):
    _billing(cast.community)
    login(cast.tenant_two)
    page = client.get(f"/communities/{cast.community.id}/price-display", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "11 of 11 items present" in text
    assert "missing" not in text and "Good Homes Ltd" in text and "12358" in text
    assert "010-1234" in text and "guided base 1.40 yuan ± 10%" in text
    zh = client.get(f"/communities/{cast.community.id}/price-display", headers=ZH)
    assert "11 项中已有 11 项" in zh.get_data(as_text=True)


def test_price_display_flags_a_missing_item(cast, client, login):
    login(cast.owner_one)
    text = client.get(f"/communities/{cast.community.id}/price-display", headers=EN).get_data(
        as_text=True)
    assert "missing" in text and "Disclosure incomplete" in text
    assert "2 of 11 items present" in text


def test_a_draft_is_edited_on_its_page_until_it_is_published(cast, client, login):
    draft = cast.post(publish_at=services.utcnow() + dt.timedelta(days=2))
    login(cast.residents_committee)
    url = f"/notices/{draft.id}"
    assert "Edit the draft" in client.get(url, headers=EN).get_data(as_text=True)
    later = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(f"{url}/draft", headers=EN, data={
        "d-title": "Water off Monday", "d-publish_at": later,
        "d-expire_at": (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert bad.status_code == 422
    assert "The notice must expire after it is published." in bad.get_data(as_text=True)
    assert db.session.get(type(draft), draft.id).title == "Water off on Friday"
    response = client.post(f"{url}/draft", headers=EN, data={
        "d-title": "Water off Monday", "d-body": "All day", "d-publish_at": later})
    assert response.status_code == 302
    assert db.session.get(type(draft), draft.id).title == "Water off Monday"
    published = cast.post(title="Already out")
    page = client.get(f"/notices/{published.id}", headers=EN).get_data(as_text=True)
    assert "Edit the draft" not in page
    refused = client.post(f"/notices/{published.id}/draft", headers=EN, data={
        "d-title": "Sneaky", "d-publish_at": later})
    assert refused.status_code == 409
    assert db.session.get(type(published), published.id).title == "Already out"
    login(cast.owner_one)
    assert client.post(f"{url}/draft", data={"d-title": "x", "d-publish_at": later}).status_code \
        in (403, 404)
