"""The rules of inspections that need no database: presets, checklists, periods, and the checks
an inspector's answers must pass before anything of a submission is written."""
import dataclasses
import datetime as dt
from typing import Optional

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from propmgmt.errors import Invalid
from propmgmt.monitoring.models.vocab import FINDING_RESULTS
from propmgmt.tickets import photos as photo_store

MAX_ITEMS = 30
MAX_ITEM = 200
MAX_NOTE = 2000
BACKFILL = 31  # periods a plan's first run may reach back (bounded, never before starts_on)

# Prefilled plans for the new-plan form: name, frequency, facility kind, checklist.
PRESETS = {
    "security": (_l("Daily security round"), "daily", None, (
        _l("Entrance gates and unit doors close and lock"),
        _l("Security cameras are recording"),
        _l("Fire lanes and exits are clear"),
        _l("No e-bikes charging in corridors or by flying leads"),
        _l("Street and stairwell lights work"))),
    "cleanliness": (_l("Weekly cleanliness walk"), "weekly", None, (
        _l("Stairwells and corridors are clean, no clutter"),
        _l("Waste-sorting points emptied and tidy"),
        _l("No small ads or graffiti"),
        _l("Green areas tidy and not occupied"),
        _l("Vehicles parked in their places"))),
    "fire": (_l("Monthly fire-safety check"), "monthly", "fire_safety", (
        _l("Extinguishers present and in date"),
        _l("Hydrants and hose reels intact"),
        _l("Fire doors closed and unobstructed"),
        _l("Emergency lights and exit signs work"),
        _l("Fire lanes are clear"))),
    "elevator": (_l("Quarterly elevator check"), "quarterly", "elevator", (
        _l("Maintenance record signed for the quarter"),
        _l("Inspection certificate displayed and in date"),
        _l("Alarm button and intercom work"),
        _l("Doors open and close smoothly, car stops level"),
        _l("Car clean and lit"))),
}

# What a failed item opens: a repair ticket, or a complaint of one of these categories.
FOLLOW_UPS = {
    "repair": _l("Repair"),
    "clutter": _l("Complaint: clutter"),
    "parking": _l("Complaint: parking"),
    "illegal_construction": _l("Complaint: illegal construction"),
    "other": _l("Complaint: other"),
}
# Repair categories a facility kind maps to; any other kind is a repair of category "other".
REPAIR_CATEGORY = {kind: kind for kind in (
    "fire_safety", "elevator", "lighting", "drainage", "road", "roof", "pipes", "greenery")}


def preset_checklist(key):
    """The preset's checklist as text, one item a line, in the current language."""
    return "\n".join(str(item) for item in PRESETS[key][3])


def parse_checklist(text):
    """The checklist entered one item a line: 1 to 30 non-empty lines of at most 200 characters."""
    items = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not items:
        raise Invalid(fields={"checklist": [_("Enter at least one item, one per line.")]})
    if len(items) > MAX_ITEMS:
        raise Invalid(fields={"checklist": [_("A checklist has at most %(n)s items.",
                                              n=MAX_ITEMS)]})
    if any(len(item) > MAX_ITEM for item in items):
        raise Invalid(fields={"checklist": [_("Keep each item under %(n)s characters.",
                                              n=MAX_ITEM)]})
    return items


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def period_of(frequency, day):
    """(first day, due day) of the period of `frequency` that contains `day`."""
    if frequency == "daily":
        return day, day
    if frequency == "weekly":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = 1 if frequency == "monthly" else 3
    start = day.replace(month=day.month - (day.month - 1) % months, day=1)
    return start, _add_months(start, months) - dt.timedelta(days=1)


def periods(frequency, starts_on, today, after=None, limit=BACKFILL):
    """The periods begun by `today`, oldest first: at most `limit`, none due before `starts_on`
    (the first starts on it) and none due on or before `after` (the plan's newest task)."""
    found = []
    start, due = period_of(frequency, today)
    while len(found) < limit and due >= starts_on and (after is None or due > after):
        found.append((max(start, starts_on), due))
        start, due = period_of(frequency, start - dt.timedelta(days=1))
    return found[::-1]


@dataclasses.dataclass
class Answer:
    """One checked checklist item, ready to be written."""

    position: int
    item: str
    result: str
    note: str = ""
    follow_up: str = "repair"
    facility_id: Optional[int] = None
    photo: Optional[tuple] = None  # (bytes, content type, extension)


def _photo(upload, field):
    if upload is None or not getattr(upload, "filename", ""):
        return None
    data = upload.read(current_app.config["MAX_PHOTO_BYTES"] + 1)
    return (data, *photo_store.check(data, field))


def _facility(value, allowed, default, errors, field):
    if value in (None, ""):
        return default
    try:
        facility_id = int(value)
    except (TypeError, ValueError):
        facility_id = None
    if facility_id not in allowed:
        errors[field] = [_("Choose a facility from the list.")]
    return facility_id


def _answer(position, item, raw, allowed, default, errors):
    result = raw.get("result")
    if result not in FINDING_RESULTS:
        errors[f"result_{position}"] = [_("Choose pass, fail or not applicable.")]
    note = (raw.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        errors[f"note_{position}"] = [_("Keep the note under %(n)s characters.", n=MAX_NOTE)]
    elif result == "fail" and not note:
        errors[f"note_{position}"] = [_("Say what is wrong: a failed item needs a note.")]
    follow_up = raw.get("follow_up") or "repair"
    if follow_up not in FOLLOW_UPS:
        errors[f"follow_up_{position}"] = [_("Choose a repair or a kind of complaint.")]
    answer = Answer(position, item, result, note, follow_up,
                    _facility(raw.get("facility_id"), allowed, default, errors,
                              f"facility_{position}"))
    if result == "fail":  # a photo is kept with a failed item only
        try:
            answer.photo = _photo(raw.get("photo"), f"photo_{position}")
        except Invalid as error:
            errors.update(error.fields)
    return answer


def read_answers(checklist, answers, *, facility_ids=(), default_facility_id=None):
    """Check one answer per checklist item (a dict: result, note, follow_up, facility_id, photo);
    every problem is reported at once, as Invalid, before anything is written."""
    if len(answers) != len(checklist):
        raise Invalid(_("Answer every item of the checklist."))
    errors = {}
    checked = [_answer(position, item, raw or {}, set(facility_ids), default_facility_id,
                       errors)
               for position, (item, raw) in enumerate(zip(checklist, answers, strict=True), start=1)]
    if errors:
        raise Invalid(_("Some answers need attention."), fields=errors)
    return checked


def ticket_kind_and_category(answer, facility_kind):
    """(ticket kind, category) a failed item opens, from the inspector's choice and the kind of
    the facility concerned."""
    if answer.follow_up != "repair":
        return "complaint", answer.follow_up
    return "repair", REPAIR_CATEGORY.get(facility_kind, "other")
