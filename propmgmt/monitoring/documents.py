"""Uploaded documents (renovation reports): checked by content, stored outside static/.

Only PDF, JPEG/PNG and DOCX/XLSX are accepted, and the bytes must be what the name says: a PDF
starts with `%PDF-`, an image is opened by Pillow, a DOCX or XLSX is a zip with the parts of an
Office document. Files are kept under UPLOAD_DIR/renovation/<community id>/ with random names.
"""
import io
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from PIL import UnidentifiedImageError

from propmgmt.errors import Invalid

PDF = ("application/pdf", ".pdf")
JPEG = ("image/jpeg", ".jpg")
PNG = ("image/png", ".png")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX,
              ".xlsx": XLSX}
IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG}
OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
FOLDER = "renovation"


def upload_root():
    return Path(current_app.config["UPLOAD_DIR"])


def clean_filename(name):
    """The original file name without any path, control characters or surrounding blanks."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[:190] + dot + ext[-9:] if dot and len(ext) < 10 else name[:200]
    return name


def _size(limit):
    """A byte count as people read it: '20 MB', or '500 KB' below a megabyte."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def _not_allowed(field):
    return Invalid(fields={field: [_("Upload a PDF, JPEG or PNG image, DOCX or XLSX file.")]})


def _mismatch(field):
    return Invalid(fields={field: [_("The content of this file does not match its name; it "
                                     "may be damaged or renamed.")]})


def _sniff(data):
    """(content type, extension) the bytes really are, or None."""
    if PDF_HEADER.match(data):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return _image(data)


def _office(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in OFFICE_PARTS.items() if part in names), None)


def _image(data):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return IMAGE_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return None


def check(data, filename, field="file"):
    """(content type, extension) of an acceptable document; Invalid otherwise."""
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    if len(data) > limit:
        raise Invalid(fields={field: [_("A document may be at most %(size)s.",
                                        size=_size(limit))]})
    if not data:
        raise Invalid(fields={field: [_("The file is empty.")]})
    claimed = EXTENSIONS.get(Path(filename).suffix.lower())
    if claimed is None:
        raise _not_allowed(field)
    found = _sniff(data)
    if found is None or (found != claimed and not {found, claimed} <= {JPEG, PNG}):
        raise _mismatch(field)
    return found  # a PNG named .jpg is still a fine photo of a report, kept as what it is


def read(upload, field="file"):
    """(bytes, clean original name) of an uploaded file; Invalid when none was chosen."""
    filename = clean_filename(getattr(upload, "filename", None))
    if upload is None or not filename:
        raise Invalid(fields={field: [_("Choose a file to upload.")]})
    return upload.read(current_app.config["MAX_DOCUMENT_BYTES"] + 1), filename


def store(community_id, data, extension):
    """Write the bytes under a fresh random name; returns the stored name."""
    name = f"{uuid.uuid4().hex}{extension}"
    folder = upload_root() / FOLDER / str(int(community_id))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def path_of(document):
    """Where a stored document lives (its stored name is ours, never the uploader's)."""
    return upload_root() / FOLDER / str(int(document.community_id)) / document.stored_name


def discard(community_id, stored_name):
    """Remove a stored file (after a failed save or a deleted report); missing is fine."""
    (upload_root() / FOLDER / str(int(community_id)) / stored_name).unlink(missing_ok=True)
