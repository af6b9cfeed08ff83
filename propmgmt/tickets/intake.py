"""What a new ticket is made of, and the checks it must pass before it is filed."""
import dataclasses
from typing import Optional

import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import roles
from propmgmt.communities import modes
from propmgmt.communities import people
from propmgmt.communities.models import Dwelling
from propmgmt.db import db
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.tickets import vocab

MAX_TITLE = 200
MAX_DESCRIPTION = 5000


def files_for_others(user, community):
    """Staff, committees and the party secretary file on a resident's behalf."""
    return user.is_admin or bool(user.roles_in(community.id) - {roles.RESIDENT})


@dataclasses.dataclass
class TicketInput:
    kind: str
    category: str
    title: str
    description: str
    priority: str = vocab.NORMAL
    dwelling_id: Optional[int] = None
    location: Optional[str] = None
    about_org: Optional[str] = None
    channel: str = "web"
    external_ref: Optional[str] = None
    reporter: Optional[object] = None
    reporter_name: Optional[str] = None
    reporter_phone: Optional[str] = None
    dwelling: Optional[Dwelling] = None

    def check(self, *, community, actor):
        """Normalise and validate; raise Invalid with every field's problem, or NotAllowed."""
        self.title = (self.title or "").strip()
        self.description = (self.description or "").strip()
        self.location = (self.location or "").strip() or None
        errors = {}
        self._check_kind(errors)
        self._check_text(errors)
        if files_for_others(actor, community):
            self._check_staff_filing(community, errors)
        elif roles.RESIDENT in actor.roles_in(community.id):
            self._check_resident_filing(community, actor, errors)
        else:
            raise NotAllowed(_("You may not file tickets in this community."))
        if self.kind == vocab.REPAIR and self.dwelling_id in (None, "") and not self.location:
            errors.setdefault("location", [_("Say where the problem is, or choose a dwelling.")])
        if errors:
            raise Invalid(fields=errors)

    def _check_kind(self, errors):
        if self.kind not in vocab.CATEGORIES:
            errors["kind"] = [_("Choose repair or complaint.")]
        elif self.category not in vocab.CATEGORIES[self.kind]:
            errors["category"] = [_("Choose a category from the list.")]
        if self.priority not in vocab.PRIORITIES:
            errors["priority"] = [_("Choose urgent or normal.")]
        if self.category == "organization" and self.kind == vocab.COMPLAINT:
            if self.about_org not in modes.ORG_KINDS:
                errors["about_org"] = [_("Choose the organization the complaint is about.")]
        else:
            self.about_org = None

    def _check_text(self, errors):
        if not self.title:
            errors["title"] = [_("Give the ticket a short title.")]
        elif len(self.title) > MAX_TITLE:
            errors["title"] = [_("Keep the title under %(n)s characters.", n=MAX_TITLE)]
        if not self.description:
            errors["description"] = [_("Describe the problem.")]
        elif len(self.description) > MAX_DESCRIPTION:
            errors["description"] = [_("Keep the description under %(n)s characters.",
                                       n=MAX_DESCRIPTION)]
        if self.location and len(self.location) > 200:
            errors["location"] = [_("Keep the location under %(n)s characters.", n=200)]

    def _dwelling_in(self, community, errors):
        if self.dwelling_id in (None, ""):
            return None
        dwelling = db.session.scalar(sa.select(Dwelling).where(
            Dwelling.id == self.dwelling_id, Dwelling.community_id == community.id))
        if dwelling is None:
            errors["dwelling_id"] = [_("There is no such dwelling in this community.")]
        return dwelling

    def _check_resident_filing(self, community, actor, errors):
        self.channel, self.reporter = "web" if self.channel != "app" else "app", actor
        self.reporter_name = self.reporter_phone = self.external_ref = None
        dwelling = self._dwelling_in(community, errors)
        if dwelling is not None:
            own = {d.id for d, _kind in people.dwellings_of(actor, community.id)}
            if dwelling.id not in own:
                errors["dwelling_id"] = [_("You can file only for your own dwellings.")]
                dwelling = None
        self.dwelling = dwelling

    def _check_staff_filing(self, community, errors):
        if self.channel not in vocab.CHANNELS:
            errors["channel"] = [_("Choose how the ticket came in.")]
        self.dwelling = self._dwelling_in(community, errors)
        if self.reporter is not None and roles.RESIDENT not in self.reporter.roles_in(
                community.id):
            errors["reporter"] = [_("The reporter must be a resident of this community.")]
        self.reporter_name = (self.reporter_name or "").strip()[:100] or None
        self.reporter_phone = (self.reporter_phone or "").strip()[:32] or None
        self.external_ref = (self.external_ref or "").strip()[:64] or None
