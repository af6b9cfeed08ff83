"""Fee items and their rates: what may be charged, and when a new rate may take effect."""
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt.billing.models import BillingSettings
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import FeeRate
from propmgmt.billing.periods import CYCLE_MONTHS
from propmgmt.billing.periods import add_months
from propmgmt.db import db
from propmgmt.errors import Conflict
from propmgmt.errors import Invalid

BASES = ("per_m2", "per_dwelling", "per_space")
KINDS = ("service", "parking", "pass_through", "other")
PRICE_FORMS = ("guided", "market")
MAX_RATE_FEN = 100_000_00  # 100,000 yuan a month: anything above is a typo


def settings_of(community):
    """The community's billing settings (created with defaults on first use)."""
    found = db.session.scalar(sa.select(BillingSettings).where(
        BillingSettings.community_id == community.id))
    if found is None:
        found = BillingSettings(community_id=community.id)
        db.session.add(found)
        db.session.flush()
    return found


def _check_item(name, kind, basis, cycle, price_form, guided_base_fen, guided_float_pct):
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Enter a name.")]
    if kind not in KINDS:
        errors["kind"] = [_("Choose a kind of fee.")]
    if basis not in BASES:
        errors["basis"] = [_("Charge per m², per dwelling or per parking space.")]
    if cycle not in CYCLE_MONTHS:
        errors["cycle"] = [_("Choose monthly, quarterly or yearly.")]
    if price_form not in PRICE_FORMS:
        errors["price_form"] = [_("Choose government-guided or market price.")]
    elif price_form == "guided" and (guided_base_fen is None or guided_float_pct is None
                                     or guided_base_fen < 0 or not 0 <= guided_float_pct <= 100):
        errors["guided_base_fen"] = [_("A guided price needs its base rate and float range.")]
    return errors


def create_fee_item(*, community, name, basis, rate_fen, actor=None, kind="service",
                    cycle="monthly", price_form="market", guided_base_fen=None,
                    guided_float_pct=None, legal_basis="", effective_from=None):
    """A new fee item with its first rate, which applies at once (it comes from the contract)."""
    errors = _check_item(name, kind, basis, cycle, price_form, guided_base_fen, guided_float_pct)
    if not errors and db.session.scalar(sa.select(FeeItem.id).where(
            FeeItem.community_id == community.id, FeeItem.name == name.strip())):
        errors["name"] = [_("This community already has a fee called %(name)s.", name=name)]
    if errors:
        raise Invalid(fields=errors)
    item = FeeItem(community_id=community.id, name=name.strip(), kind=kind, basis=basis,
                   cycle=cycle, price_form=price_form, guided_base_fen=guided_base_fen,
                   guided_float_pct=guided_float_pct, legal_basis=legal_basis or "")
    db.session.add(item)
    db.session.flush()
    today = dt.date.today()
    # The first rate comes from the service contract and applies at once: from this period on.
    _add_rate(item, rate_fen, effective_from or today.replace(day=1), today, actor)
    audit.record("fee_item.create", actor=actor, community_id=community.id, name=item.name,
                 rate_fen=rate_fen)
    _commit_or_conflict()
    return item


def _commit_or_conflict():
    """Two people saving the same item or rate date at once: the second is told, not a 500."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone saved the same fee or rate a moment ago. Reload and check.")) \
            from None


def _check_rate(item, rate_fen, field="rate_fen"):
    if isinstance(rate_fen, bool) or not isinstance(rate_fen, int) or not 0 <= rate_fen <= MAX_RATE_FEN:
        raise Invalid(fields={field: [_("Enter a rate in fen from 0 to %(max)s.", max=MAX_RATE_FEN)]})
    if item.price_form == "guided":
        base, spread = item.guided_base_fen, item.guided_float_pct
        if not base * (100 - spread) <= rate_fen * 100 <= base * (100 + spread):  # exact integers
            raise Invalid(fields={field: [_(
                "A government-guided rate must lie between %(low)s and %(high)s fen.",
                low=-(-base * (100 - spread) // 100), high=base * (100 + spread) // 100)]})


def _add_rate(item, rate_fen, effective_from, announced_on, actor):
    _check_rate(item, rate_fen)
    rate = FeeRate(community_id=item.community_id, fee_item_id=item.id, rate_fen=rate_fen,
                   effective_from=effective_from, announced_on=announced_on,
                   created_by_id=getattr(actor, "id", None))
    item.rates.append(rate)
    db.session.flush()
    return rate


def change_rate(*, item, rate_fen, effective_from, actor=None, announced_on=None):
    """A new rate from a date on; announced at least one month before it takes effect (rule 24)."""
    announced_on = announced_on or dt.date.today()
    if not isinstance(effective_from, dt.date):
        raise Invalid(fields={"effective_from": [_("Enter a date as YYYY-MM-DD.")]})
    if effective_from < add_months(announced_on, 1):
        raise Invalid(fields={"effective_from": [_(
            "A new rate must be announced at least one month before it takes effect: the "
            "earliest date is %(date)s.", date=add_months(announced_on, 1).isoformat())]})
    last = item.rates[-1] if item.rates else None
    if last is not None and effective_from <= last.effective_from:
        raise Invalid(fields={"effective_from": [_(
            "The new rate must take effect after the last one (%(date)s).",
            date=last.effective_from.isoformat())]})
    rate = _add_rate(item, rate_fen, effective_from, announced_on, actor)
    audit.record("fee_item.rate", actor=actor, community_id=item.community_id, name=item.name,
                 rate_fen=rate_fen, effective_from=effective_from.isoformat())
    _commit_or_conflict()
    return rate


def fee_items(community):
    return list(db.session.scalars(sa.select(FeeItem).where(
        FeeItem.community_id == community.id).order_by(FeeItem.id)))


VACANCY_POLICIES = ("full", "discount", "developer")
MAX_LATE_FEE_BP = 100  # 1% a day; courts already call that excessive (DOMAIN §2.5)
DEFAULT_LATE_FEE_CAP_PCT = 30


def current_settings(community):
    """The community's billing settings for display: the saved row, or unsaved defaults."""
    found = db.session.scalar(sa.select(BillingSettings).where(
        BillingSettings.community_id == community.id))
    if found is not None:
        return found
    defaults = {c.name: c.default.arg for c in BillingSettings.__table__.columns
                if c.default is not None and c.default.is_scalar}
    return BillingSettings(community_id=community.id, **defaults)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_settings(due_day, vacancy_policy, vacancy_discount_pct, late_fee_daily_bp,
                    late_fee_cap_pct):
    errors = {}
    if not _is_int(due_day) or not 1 <= due_day <= 28:
        errors["due_day"] = [_("The due day must be a day from 1 to 28.")]
    if vacancy_policy not in VACANCY_POLICIES:
        errors["vacancy_policy"] = [_("Choose how vacant and undelivered dwellings are billed.")]
    elif vacancy_policy == "discount" and (not _is_int(vacancy_discount_pct)
                                           or not 1 <= vacancy_discount_pct <= 100):
        errors["vacancy_discount_pct"] = [_("Enter a discount from 1 to 100 per cent.")]
    if late_fee_daily_bp is None:
        if late_fee_cap_pct is not None:
            errors["late_fee_cap_pct"] = [_(
                "A cap needs a daily late-fee rate; leave both empty when the contract has no "
                "late fee.")]
    elif not _is_int(late_fee_daily_bp) or not 1 <= late_fee_daily_bp <= MAX_LATE_FEE_BP:
        errors["late_fee_daily_bp"] = [_(
            "Enter the contract's daily rate from 1 to %(max)s basis points (5 = 0.05%% a day), "
            "or leave it empty.", max=MAX_LATE_FEE_BP)]
    if late_fee_cap_pct is not None and (not _is_int(late_fee_cap_pct)
                                         or not 1 <= late_fee_cap_pct <= 100):
        errors["late_fee_cap_pct"] = [_("Enter a cap from 1 to 100 per cent of the amount owed.")]
    return errors


def update_settings(community, *, due_day, vacancy_policy, vacancy_discount_pct=None,
                    late_fee_daily_bp=None, late_fee_cap_pct=None, actor=None):
    """Save how the community bills; a late fee only where the contract sets one (rule 30)."""
    errors = _check_settings(due_day, vacancy_policy, vacancy_discount_pct, late_fee_daily_bp,
                             late_fee_cap_pct)
    if errors:
        raise Invalid(fields=errors)
    settings = settings_of(community)
    settings.due_day = due_day
    settings.vacancy_policy = vacancy_policy
    settings.vacancy_discount_pct = vacancy_discount_pct if vacancy_policy == "discount" else 0
    settings.late_fee_daily_bp = late_fee_daily_bp
    settings.late_fee_cap_pct = None if late_fee_daily_bp is None else (
        late_fee_cap_pct if late_fee_cap_pct is not None else DEFAULT_LATE_FEE_CAP_PCT)
    audit.record("billing.settings", actor=actor, community_id=community.id, due_day=due_day,
                 vacancy_policy=vacancy_policy,
                 vacancy_discount_pct=settings.vacancy_discount_pct,
                 late_fee_daily_bp=late_fee_daily_bp, late_fee_cap_pct=settings.late_fee_cap_pct)
    db.session.commit()
    return settings
