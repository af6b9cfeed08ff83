"""Payment receipts as PDF (ReportLab). Chinese renders with the built-in CID font STSong-Light,
so no font file is needed; numbers are set in Helvetica."""
import dataclasses
import io

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from reportlab.lib.pagesizes import A5
from reportlab.lib.pagesizes import landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from propmgmt import policy
from propmgmt import scoping
from propmgmt.auth.models import User
from propmgmt.billing import payments
from propmgmt.billing import vocab
from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import FeeItem
from propmgmt.billing.models import Payment
from propmgmt.communities.models import Community
from propmgmt.communities.models import Occupancy
from propmgmt.communities.models import Person
from propmgmt.db import db
from propmgmt.errors import NotFound
from propmgmt.money import format_fen

CJK, LATIN = "STSong-Light", "Helvetica"
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def capital_yuan(fen):
    """An amount in Chinese capital numerals (大写), e.g. 100501 -> 壹仟零伍元零壹分."""
    yuan, rest = divmod(int(fen), 100)
    jiao, fen = divmod(rest, 10)
    text = _integer_capital(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    return text + (DIGITS[fen] + "分" if fen else "")


def _integer_capital(number):
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _group_capital(group) + GROUPS[index]
        zero = False
    return text


def _group_capital(group):
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = group // 10 ** place % 10
        if not digit:
            zero = bool(text)
            continue
        text += ("零" if zero else "") + DIGITS[digit] + PLACES[place]
        zero = False
    return text


def receipt_number(payment):
    return f"R{payment.community_id:04d}-{payment.id:08d}"


def received_on(payment):
    """The local date the money came in."""
    return to_user_timezone(payment.received_at or payment.created_at).date()


def _is_household_of(user, dwelling_id):
    return db.session.scalar(sa.select(Occupancy.id).join(Person, Person.id == Occupancy.person_id)
                             .where(Occupancy.dwelling_id == dwelling_id,
                                    Person.user_id == user.id).limit(1)) is not None


def payment_for_receipt(payment_id, user):
    """A received payment whose receipt `user` may have: the community's billing staff and
    committees, or someone living in the dwelling. Everyone else gets 404."""
    payment = scoping.get_visible_or_404(Payment, payment_id, user)
    allowed = (policy.can(user, "billing.view_all", payment)
               or _is_household_of(user, payment.dwelling_id))
    if payment.status != "succeeded" or not allowed:
        raise NotFound()
    return payment


@dataclasses.dataclass
class ReceiptData:
    number: str
    community: str
    dwelling: str
    payer: str
    amount_fen: int
    refunded_fen: int
    method: str
    reference: str
    received_on: object
    recorded_by: str
    bills: list  # (period, fee item, fen)


def _names(user_id):
    return db.session.scalar(sa.select(User.display_name).where(User.id == user_id)) or ""


def _owners(payment):
    return "、".join(db.session.scalars(
        sa.select(Person.name).join(Occupancy, Occupancy.person_id == Person.id)
        .where(Occupancy.community_id == payment.community_id,
               Occupancy.dwelling_id == payment.dwelling_id, Occupancy.kind == "owner")
        .order_by(Person.name)))


def receipt_data(payment):
    """What a receipt shows; the payer is the paying account, else the dwelling's owners."""
    bills = db.session.execute(
        sa.select(Bill.period, FeeItem.name, sa.func.sum(Allocation.amount_fen))
        .join(Bill, Bill.id == Allocation.bill_id).join(FeeItem, FeeItem.id == Bill.fee_item_id)
        .where(Allocation.community_id == payment.community_id,
               Allocation.payment_id == payment.id)
        .group_by(Bill.period, FeeItem.name).order_by(Bill.period, FeeItem.name)).all()
    return ReceiptData(
        number=receipt_number(payment),
        community=db.session.get(Community, payment.community_id).name,
        dwelling=payment.dwelling.label,
        payer=_names(payment.payer_id) if payment.payer_id else _owners(payment),
        amount_fen=payment.amount_fen, refunded_fen=payments.refunded_of(payment),
        method=str(vocab.METHODS.get(payment.method, payment.method)),
        reference=payment.reference or payment.provider_ref or "",
        received_on=received_on(payment), recorded_by=_names(payment.created_by_id),
        bills=[(period, name, int(fen)) for period, name, fen in bills if fen])


def _register_font():
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))


class _Sheet:
    """A receipt written top-down, label then value, onto as many pages as it needs."""

    def __init__(self, pdf, top):
        self.pdf, self.top, self.y = pdf, top, top

    def room(self, size):
        if self.y < 40 + size:
            self.pdf.showPage()
            self.y = self.top

    def line(self, label, value, latin=False, size=10):
        self.room(size)
        self.pdf.setFont(CJK, size)
        self.pdf.drawString(40, self.y, label)
        self.pdf.setFont(LATIN if latin else CJK, size)
        self.pdf.drawString(160, self.y, str(value))
        self.y -= size + 8


def _bill_rows(sheet, data):
    sheet.pdf.setFont(CJK, 9)
    sheet.pdf.drawString(40, sheet.y, _("Bills paid"))
    sheet.y -= 14
    for period, fee, fen in data.bills:
        sheet.room(9)
        sheet.pdf.setFont(LATIN, 9)
        sheet.pdf.drawString(60, sheet.y, period)
        sheet.pdf.setFont(CJK, 9)
        sheet.pdf.drawString(120, sheet.y, fee)
        sheet.pdf.setFont(LATIN, 9)
        sheet.pdf.drawRightString(320, sheet.y, format_fen(fen))
        sheet.y -= 13
    credit = data.amount_fen - data.refunded_fen - sum(fen for _p, _f, fen in data.bills)
    if credit > 0:
        sheet.line(_("Kept as prepaid credit (yuan)"), format_fen(credit), latin=True, size=9)


def receipt_pdf(payment):
    """The receipt as a PDF file object (uncompressed, so its text can be searched)."""
    _register_font()
    data = receipt_data(payment)
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"Receipt {data.number}")
    pdf.setFont(CJK, 16)
    pdf.drawCentredString(width / 2, height - 40, _("Payment receipt"))
    pdf.setFont(CJK, 10)
    pdf.drawCentredString(width / 2, height - 58, data.community)
    pdf.line(40, height - 68, width - 40, height - 68)
    sheet = _Sheet(pdf, height - 90)
    sheet.line(_("Receipt number"), data.number, latin=True)
    sheet.line(_("Dwelling"), data.dwelling)
    sheet.line(_("Received from"), data.payer or "—")
    sheet.line(_("Amount (yuan)"), format_fen(data.amount_fen), latin=True, size=12)
    sheet.line(_("Amount in words"), capital_yuan(data.amount_fen))
    sheet.line(_("Method"), data.method)
    sheet.line(_("Reference"), data.reference)
    sheet.line(_("Received on"), data.received_on.isoformat(), latin=True)
    if data.refunded_fen:
        sheet.line(_("Refunded (yuan)"), format_fen(data.refunded_fen), latin=True)
    _bill_rows(sheet, data)
    sheet.line(_("Recorded by"), data.recorded_by or "—")
    pdf.showPage()
    pdf.save()
    buffer.seek(0)
    return buffer
