"""Money is integer fen (分); these helpers only parse and format it."""
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation


def format_fen(fen):
    """Format integer fen as yuan with two decimals, e.g. 9761 -> '97.61'."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def parse_yuan(text):
    """Parse a yuan amount typed by a person into integer fen; None when it is not a number."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
