"""Parking charged per space: only renting dwellings are billed, once per space."""
import sqlalchemy as sa

from propmgmt.billing import fees
from propmgmt.billing import parking
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.models import ParkingSpace
from propmgmt.db import db
from tests.billing.conftest import make_estate


def test_per_space_fee_bills_renting_dwellings_only():
    estate = make_estate()
    item = fees.create_fee_item(community=estate.community, name="停车费", basis="per_space",
                                rate_fen=15000, kind="parking")
    parking.set_space(community=estate.community, code="A-01", dwelling_label="3-501")
    parking.set_space(community=estate.community, code="A-02", dwelling_label="3-501")
    parking.set_space(community=estate.community, code="A-03")
    period = item.rates[0].effective_from.strftime("%Y-%m")
    result = run.run_billing(period=period, community=estate.community)
    parking_bills = db.session.scalars(sa.select(Bill).where(Bill.fee_item_id == item.id)).all()
    assert [(b.dwelling_id, b.amount_fen) for b in parking_bills] == [
        (estate.dwellings[0].id, 30000)]
    assert result.created == 3 + 1  # three service-fee lines and one parking line
    again = run.run_billing(period=period, community=estate.community)
    assert again.created == 0
    parking.set_space(community=estate.community, code="A-03", dwelling_label="3-502")
    assert run.run_billing(period=period, community=estate.community).created == 1


def test_parking_page(client, login):
    estate = make_estate()
    login(estate.manager)
    response = client.post(f"/communities/{estate.community.id}/parking",
                           data={"code": "B-7", "dwelling": "3-502"})
    assert response.status_code == 302
    space = db.session.scalars(sa.select(ParkingSpace)).one()
    assert space.dwelling_id == estate.dwellings[1].id
    bad = client.post(f"/communities/{estate.community.id}/parking",
                      data={"code": "B-8", "dwelling": "9-999"}, headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and "No dwelling 9-999" in bad.get_data(as_text=True)
    client.post("/logout")
    login(estate.resident)
    assert client.post(f"/communities/{estate.community.id}/parking",
                       data={"code": "B-9"}).status_code == 403
