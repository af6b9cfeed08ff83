"""Keep the translation catalogues in step with the code.

    python tools/catalogs.py update     # extract, merge into zh and en, fill en with the source text
    python tools/catalogs.py missing    # list strings that zh still lacks (exit 1 if any)
    python tools/catalogs.py apply FILE # merge zh translations from a JSON {msgid: msgstr} file

English is the source language, so the en catalogue is the identity; zh is written by people.
"""
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "propmgmt" / "translations"
LOCALES = ("zh", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}


def _wanted_directory(path):
    """Look into _macros/ and _partials/ too (Babel skips folders starting with '_' by default)."""
    name = Path(path).name
    return not name.startswith(".") and name not in {"__pycache__", "node_modules"}


def extract():
    """A catalogue of every translatable string in the code and templates."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="propmgmt", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS,
            directory_filter=_wanted_directory):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale):
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale):
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="propmgmt", fuzzy=False)
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog, locale):
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)


def update():
    template = extract()
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        catalog.fuzzy = False
        save(catalog, locale)
    return missing()


def missing(locale="zh"):
    catalog = load(locale)
    template = extract()
    gaps = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        if isinstance(strings, tuple):
            empty = not all(strings)
        else:
            empty = not strings
        if found is None or empty or found.fuzzy:
            gaps.append(message.id)
    return gaps


def apply(path):
    translations = json.loads(Path(path).read_text())
    catalog = load("zh")
    for msgid, msgstr in translations.items():
        key = tuple(msgid.split("\x00")) if "\x00" in msgid else msgid
        message = catalog.get(key)
        if message is not None:
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
            message.flags.discard("fuzzy")
    save(catalog, "zh")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "apply":
        apply(sys.argv[2])
    gaps = update() if command in ("update", "apply") else missing()
    for gap in gaps:
        print(json.dumps(gap if isinstance(gap, str) else "\x00".join(gap), ensure_ascii=False))
    print(f"{len(gaps)} strings missing in zh", file=sys.stderr)
    sys.exit(1 if gaps and command == "missing" else 0)
