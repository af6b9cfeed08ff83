"""House rules that keep the layers honest: views never touch the session or fetch unscoped."""
import re

from propmgmt import ROOT

VIEW_FILES = [p for p in (ROOT / "propmgmt").rglob("*.py")
              if p.name.startswith("views") or p.name == "home.py" or p.parent.name == "api"]
FORBIDDEN = re.compile(r"db\.session|get_or_404|\.query\.get\(|session\.get\(")


def test_views_neither_use_the_session_nor_fetch_unscoped():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in VIEW_FILES
                 for n, line in enumerate(p.read_text().splitlines(), 1) if FORBIDDEN.search(line)]
    assert VIEW_FILES and offenders == []


def test_no_create_all_outside_tests():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "propmgmt").rglob("*.py")
                 if "create_all(" in p.read_text()]
    assert offenders == []
