"""Ticket photos: checked by content (Pillow), stored outside static/ under random names."""
import io
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from PIL import UnidentifiedImageError

from propmgmt.errors import Invalid

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
           "WEBP": ("image/webp", ".webp")}
MAX_PHOTOS = 3


def upload_root():
    return Path(current_app.config["UPLOAD_DIR"])


def check(data, field="photos"):
    """(content type, extension) of an acceptable image; Invalid otherwise."""
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if len(data) > limit:
        raise Invalid(fields={field: [_("A photo may be at most %(mb)s MB.",
                                        mb=limit // (1024 * 1024))]})
    if not data:
        raise Invalid(fields={field: [_("The photo is empty.")]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(fields={field: [_("This file is not a JPEG, PNG or WebP photo.")]}) from None
    if kind not in FORMATS:
        raise Invalid(fields={field: [_("This file is not a JPEG, PNG or WebP photo.")]})
    return FORMATS[kind]


def check_all(files, field="photos"):
    """Read and check up to MAX_PHOTOS uploads: [(bytes, content type, extension)]."""
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_PHOTOS:
        raise Invalid(fields={field: [_("Attach at most %(n)s photos.", n=MAX_PHOTOS)]})
    checked = []
    for upload in files:
        data = upload.read(current_app.config["MAX_PHOTO_BYTES"] + 1)
        checked.append((data, *check(data, field)))
    return checked


def store(community_id, data, extension):
    """Write the bytes under a fresh random name; returns the stored name."""
    name = f"{uuid.uuid4().hex}{extension}"
    folder = upload_root() / "tickets" / str(int(community_id))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def path_of(photo):
    return upload_root() / "tickets" / str(int(photo.community_id)) / photo.stored_name
