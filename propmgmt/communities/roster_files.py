"""Reading an uploaded table (CSV in UTF-8 or GB18030, or XLSX) into numbered rows of text."""
import contextlib
import csv
import io
import itertools
import os

import openpyxl
from flask import current_app
from flask_babel import gettext as _

from propmgmt.errors import Invalid


# Reading the file ---------------------------------------------------------------------------

def file_error(*messages):
    """An Invalid that lists its messages under the upload's `file` field."""
    return Invalid(fields={"file": list(messages)})


def read_table(stream, filename):
    """(header cells, [(row number, cells)]) of a CSV or XLSX file; Invalid when unusable."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in (".csv", ".xlsx"):
        raise file_error(_("Upload a .csv or .xlsx file."))
    data = stream.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    rows = _csv_rows(data) if extension == ".csv" else _xlsx_rows(data)
    limit = current_app.config["ROSTER_MAX_ROWS"]
    with contextlib.closing(rows):
        try:
            header = next(rows, None)
            body = list(itertools.islice(rows, limit + 1))
        except Exception:  # noqa: BLE001 (an uploaded file can fail to parse in countless ways)
            current_app.logger.info("unreadable roster %s", filename, exc_info=True)
            raise file_error(_("The file cannot be read. Save it again as CSV or XLSX.")) from None
    if header is None:
        raise file_error(_("The file is empty."))
    if not body:
        raise file_error(_("The file has a header row but no rows under it."))
    if len(body) > limit:
        raise file_error(_("The file has more than %(max)s rows. Split it into smaller files.",
                            max=limit))
    return header[1], body


def _decode(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error(_("The file is neither UTF-8 nor GB18030 text. Save it as CSV UTF-8."))


def _csv_rows(data):
    return _numbered(csv.reader(io.StringIO(_decode(data), newline="")))


def _xlsx_rows(data):
    """The first sheet's rows; the workbook is opened lazily so parse errors surface in _load."""
    book = None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions; read every row
        yield from _numbered(sheet.iter_rows(values_only=True))
    finally:
        if book is not None:
            book.close()


def _numbered(rows):
    """(spreadsheet row number, cell texts) of the rows that are not blank."""
    for number, cells in enumerate(rows, start=1):
        texts = [_text(c) for c in cells]
        if any(texts):
            yield number, texts


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX keeps 502 and 13800000000 as floats
    return str(value).strip()
