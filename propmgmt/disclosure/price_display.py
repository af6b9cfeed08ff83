"""The standing fee disclosure (明码标价): the 11 items of rule 26, built from billing data."""
import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from propmgmt.billing import vocab
from propmgmt.billing.fees import fee_items
from propmgmt.communities import modes
from propmgmt.communities import queries
from propmgmt.money import format_fen

COMPLAINT_PHONE = "12358"
ITEMS = {
    "company": _l("Company"),
    "target": _l("Service target"),
    "content": _l("Service content"),
    "standard": _l("Service standard"),
    "method": _l("Charging method"),
    "start": _l("Charging start date"),
    "items": _l("Fee items"),
    "rates": _l("Rates"),
    "price_form": _l("Price form"),
    "basis": _l("Legal basis"),
    "complaint": _l("Price complaint phone"),
}


def _contract(community, today):
    contracts = queries.contracts(community)
    in_force = [c for c in contracts if c.in_force_on(today)]
    return (in_force or contracts or [None])[0]


def _company(community, contract, organizations):
    collector = modes.FEE_COLLECTOR.get(community.management_mode)
    if collector == modes.COMPANY and contract is not None:
        return contract.company.name
    org = organizations.get(collector)
    if org is None:
        return None
    return org.company.name if org.company is not None else org.name


def _rate(item, today):
    rate = item.rate_on(today)
    if rate is None:
        return None
    text = _("%(item)s: %(rate)s yuan %(basis)s", item=item.name,
             rate=format_fen(rate.rate_fen), basis=vocab.BASES.get(item.basis, item.basis))
    if item.price_form == "guided" and item.guided_base_fen is not None:
        text += " " + _("(guided base %(base)s yuan ± %(pct)s%%)",
                        base=format_fen(item.guided_base_fen), pct=item.guided_float_pct)
    return text


def _joined(values):
    values = [v for v in values if v]
    return "; ".join(values) if values else None


def _complaint(organizations):
    residents = organizations.get(modes.RESIDENTS)
    phone = residents.contact_phone if residents is not None else None
    if phone:
        return _("%(national)s; residents' committee %(phone)s", national=COMPLAINT_PHONE,
                 phone=phone)
    return COMPLAINT_PHONE


def _values(community, today):
    contract = _contract(community, today)
    organizations = {o.kind: o for o in queries.organizations(community)}
    items = [i for i in fee_items(community) if i.is_active]
    dwellings = queries.dwelling_count(community)
    first_rates = [i.rates[0].effective_from for i in items if i.rates]
    start = contract.starts_on if contract is not None else min(first_rates, default=None)
    return {
        "company": _company(community, contract, organizations),
        "target": _("%(community)s, %(count)s dwellings", community=community.name,
                    count=dwellings) if dwellings else None,
        "content": (contract.scope or None) if contract is not None else None,
        "standard": _("%(fee)s yuan per m² per month under the service contract",
                      fee=format_fen(contract.fee_fen_per_m2))
        if contract is not None and contract.fee_fen_per_m2 is not None else None,
        "method": _joined(f"{i.name}: {vocab.BASES.get(i.basis, i.basis)}, "
                          f"{vocab.CYCLES.get(i.cycle, i.cycle)}" for i in items),
        "start": start.isoformat() if start else None,
        "items": _joined(i.name for i in items),
        "rates": _joined(_rate(i, today) for i in items),
        "price_form": _joined(f"{i.name}: {vocab.PRICE_FORMS.get(i.price_form, i.price_form)}"
                              for i in items),
        "basis": _joined(i.legal_basis.strip() for i in items),
        "complaint": _complaint(organizations),
    }


def price_display(community, today=None):
    """[(key, label, value or None)] for the 11 items; None means missing (rule 26)."""
    values = _values(community, today or dt.date.today())
    return [(key, label, values[key]) for key, label in ITEMS.items()]
