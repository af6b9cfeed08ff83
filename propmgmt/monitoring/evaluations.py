"""Recording evaluations (最美楼栋, 干净小区, 文明社区) so the district view can show them."""
import sqlalchemy as sa
from flask_babel import gettext as _

from propmgmt import audit
from propmgmt import policy
from propmgmt.communities.models import Building
from propmgmt.db import db
from propmgmt.errors import Invalid
from propmgmt.monitoring.models import Evaluation
from propmgmt.monitoring.models.vocab import EVALUATIONS


def record(*, community, actor, kind, year, building_id=None, awarded_by="", note=""):
    policy.require(actor, "evaluation.record", community)
    errors = {}
    if kind not in EVALUATIONS:
        errors["kind"] = [_("Choose an evaluation.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Give the year, e.g. 2026.")]
    if kind == "best_building" and not building_id:
        errors["building_id"] = [_("Name the building that was chosen.")]
    if building_id and not db.session.scalar(sa.select(Building.id).where(
            Building.community_id == community.id, Building.id == building_id)):
        errors["building_id"] = [_("Choose a building of this community.")]
    if errors:
        raise Invalid(fields=errors)
    evaluation = Evaluation(community_id=community.id, kind=kind, year=year,
                            building_id=building_id or None,
                            awarded_by=(awarded_by or "").strip()[:200],
                            note=(note or "").strip(), recorded_by_id=actor.id)
    db.session.add(evaluation)
    db.session.flush()
    audit.record("evaluation.record", actor=actor, community_id=community.id,
                 evaluation_id=evaluation.id, kind=kind, year=year)
    db.session.commit()
    return evaluation
