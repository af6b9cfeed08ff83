"""The money facts are append-only: the ORM refuses to change or delete them, and every movement
writes ledger legs that sum to zero."""
from sqlalchemy import event

from propmgmt.billing.models import Allocation
from propmgmt.billing.models import Bill
from propmgmt.billing.models import BillAdjustment
from propmgmt.billing.models import LedgerEntry
from propmgmt.billing.models import Refund
from propmgmt.db import db

APPEND_ONLY = (Bill, BillAdjustment, Allocation, Refund, LedgerEntry)


class AppendOnlyError(RuntimeError):
    pass


def _refuse(mapper, connection, target):
    raise AppendOnlyError(f"{type(target).__name__} rows are append-only")


for _model in APPEND_ONLY:
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)

ACCOUNTS = {"cash": "cash", "bank_transfer": "bank", "online": "provider"}


def post(*, community_id, debit, credit, amount_fen, memo, payment_id=None, refund_id=None,
         at=None):
    """Two legs: +amount on `debit`, -amount on `credit`."""
    for account, amount in ((debit, amount_fen), (credit, -amount_fen)):
        db.session.add(LedgerEntry(community_id=community_id, account=account, amount_fen=amount,
                                   payment_id=payment_id, refund_id=refund_id, memo=memo[:200],
                                   **({"at": at} if at else {})))
