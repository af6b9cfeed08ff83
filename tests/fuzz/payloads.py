"""Hostile values for form fields and query strings, as hypothesis strategies.

Every value is text (what a browser sends); a field may also be left out (MISSING), sent twice
(a list) or be a file (File). Huge values are fixed strings rather than generated ones, so that
hypothesis spends its budget on variety rather than on building megabytes.
"""
import dataclasses
import datetime as dt
import io
import mimetypes

from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage

from tests.authz.world import png

MISSING = object()   # the field is not sent at all

XSS = ("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<svg onload=alert(1)>")
# What must never come back unescaped in an HTML answer (the start of each XSS payload).
XSS_MARKERS = ("<script>alert(", "<img src=x onerror", "<svg onload")
SQL = ("'; DROP TABLE users;--", "' OR '1'='1", "1; DELETE FROM bills", "%", "_", "\\", "'",
       "\" OR \"\"=\"", "1) UNION SELECT password_hash FROM users--")
TEMPLATE = ("{{7*7}}", "{% for x in range(10**9) %}{% endfor %}", "%(password)s", "%s%s%s%n")
HUGE = ("A" * 100_000, "中" * 30_000, "9" * 5_000, "<script>alert(1)</script>" * 2_000)
EMPTY = ("", " ", "\t\r\n", "\u3000")
UNICODE = ("张三李四", "🏠💧🔥👨‍👩‍👧", "\u202egnp.exe", "مرحبا بالعالم", "a\x00b", "\x00",
           "\u200b\u200d\ufeff", "e\u0301\u0301\u0301", "\uffff", "\U0010ffff", "line\r\nX-Injected: 1",
           "../../etc/passwd", "ＡＢＣ１２３")
NUMBERS = ("-1", "0", "-0", "1e309", "NaN", "nan", "inf", "-Infinity", "1.5", "0.001", "12.345",
           "99999999999999999999999999", "-99999999999999999999999999", "2147483648",
           "9223372036854775808", "-9223372036854775809", "0x10", "1_000", "1,000", "１２３",
           "abc", "1e3", "+5", "00012", "١٢٣", "²", "NULL")
DATES = ("2025-02-30", "2025-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "25-01-01",
         "2025/01/01", "yesterday", "2025-01-01T25:61", "9999-12-31T23:59", "0001-01-01T00:00",
         "1900-01-01T00:00", "2025-06", "2025-00", "2025-99", "99999-01", "2025-W01", "2025-06-01Z")
EXTRA_FIELDS = ("is_admin", "role", "community_id", "user_id", "id", "status", "__proto__",
                "password_hash", "amount_fen", "csrf_token", "next")
# Query-string values for `page` and for the filters a list page reads.
PAGES = ("-1", "0", "99999999999999999999", "2147483648", "1000001", "abc", "1.5", "", "1e9",
         "\x00", "%00", "-99999999999999999999")


@dataclasses.dataclass(frozen=True)
class File:
    """An uploaded file: `kind` names its bytes (see File.open)."""

    kind: str
    filename: str

    def open(self):
        data = {"png": png, "html": lambda: b"<html><script>alert(1)</script></html>",
                "php": lambda: b"<?php system($_GET['c']); ?>", "empty": lambda: b"",
                "pdf": lambda: b"%PDF-1.4\n%%EOF\n", "junk": lambda: bytes(range(256)) * 64}
        kind = mimetypes.guess_type(self.filename)[0] or "application/octet-stream"
        return FileStorage(io.BytesIO(data[self.kind]()), filename=self.filename, content_type=kind)


FILES = (File("png", "photo.png"), File("html", "photo.jpg"), File("php", "shell.php.jpg"),
         File("empty", "empty.png"), File("png", "../../etc/passwd"), File("junk", "x" * 300),
         File("pdf", "report.pdf"), File("png", "照片.png"), File("png", ""))

hostile_text = st.sampled_from(XSS + SQL + TEMPLATE + EMPTY + UNICODE)
hostile_any = st.one_of(
    hostile_text, st.sampled_from(HUGE), st.sampled_from(NUMBERS), st.sampled_from(DATES),
    st.text(max_size=40),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)


def with_xss(valid):
    """A valid-looking text with an XSS payload inside, short enough for most length limits."""
    return st.sampled_from(XSS).map(lambda x: f"{valid[:20]}{x}" if isinstance(valid, str) else x)


def date_text(field_format, when=dt.datetime(2026, 3, 2, 9, 30)):
    """`when` written the way a date field with `field_format` reads it."""
    fmt = field_format[0] if isinstance(field_format, (list, tuple)) else field_format
    return when.strftime(fmt or "%Y-%m-%d")
