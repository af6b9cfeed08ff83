"""Dwelling pages: the paginated list, adding one, XLSX export, the roster upload."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import login_required

from propmgmt.communities import queries
from propmgmt.communities import roster
from propmgmt.communities import services
from propmgmt.communities.forms import DwellingForm
from propmgmt.communities.forms import RosterForm
from propmgmt.communities.views import bp
from propmgmt.communities.views import community_for
from propmgmt.exports import xlsx_response
from propmgmt.forms import form_page
from propmgmt.pagination import paginate
from propmgmt.web import actor as _actor
from propmgmt.web import row_id


def _filters():
    return {"building_id": request.args.get("building", type=row_id),
            "search": (request.args.get("q") or "").strip()[:32] or None}


@bp.get("/<int:community_id>/dwellings")
@login_required
def dwellings(community_id):
    community = community_for(community_id, "dwelling.list")
    filters = _filters()
    page = paginate(queries.dwellings_stmt(community, **filters),
                    request.args.get("page", 1, type=int), 50)
    occupants = queries.occupants_by_dwelling(community, [d.id for d in page.items])
    return render_template("communities/dwellings.html", community=community, page=page,
                           occupants=occupants, buildings=queries.buildings(community),
                           filters=filters)


@bp.get("/<int:community_id>/dwellings.xlsx")
@login_required
def export_dwellings(community_id):
    community = community_for(community_id, "dwelling.list")
    rows = queries.all_dwellings(community, **_filters())
    occupants = queries.occupants_by_dwelling(community, [d.id for d in rows])
    headers = [_("Building"), _("Dwelling"), _("Floor area (m²)"), _("Owners"), _("Tenants")]

    def names(dwelling, kind):
        return ", ".join(p.name for p, k in occupants.get(dwelling.id, []) if k == kind)

    data = ([d.building.name, d.number, float(d.area_m2), names(d, "owner"), names(d, "tenant")]
            for d in rows)
    return xlsx_response(f"dwellings-{community.id}.xlsx", headers, data, title=community.name)


@bp.route("/<int:community_id>/dwellings/new", methods=["GET", "POST"])
@login_required
def add_dwelling(community_id):
    community = community_for(community_id, "community.manage")
    form = DwellingForm()
    form.building_id.choices = [(b.id, b.name) for b, _n in queries.buildings(community)]

    def submit():
        building = next((b for b, _n in queries.buildings(community)
                         if b.id == form.building_id.data), None)
        if building is None:
            form.building_id.errors.append(_("Choose a building of this community."))
            return render_template("communities/dwelling.html", form=form,
                                   community=community), 422
        dwelling = services.add_dwelling(community=community, building=building,
                                         number=form.number.data, area_m2=form.area_m2.data,
                                         actor=_actor())
        flash(_("Dwelling %(label)s added.", label=dwelling.label), "success")
        return redirect(url_for("communities.dwellings", community_id=community.id))

    return form_page(form, "communities/dwelling.html", submit, community=community)


@bp.route("/<int:community_id>/roster", methods=["GET", "POST"])
@login_required
def import_roster(community_id):
    community = community_for(community_id, "community.import_roster")
    form = RosterForm()

    def submit():
        upload = form.file.data
        result = roster.import_roster(community=community, stream=upload.stream,
                                      filename=upload.filename,
                                      actor=_actor())
        flash(_("Imported %(rows)s rows: %(dwellings)s new dwellings, %(accounts)s new accounts.",
                rows=result.rows, dwellings=result.dwellings_created,
                accounts=len(result.accounts)), "success")
        return render_template("communities/roster_done.html", community=community,
                               result=result)

    return form_page(form, "communities/roster.html", submit, community=community)


@bp.get("/<int:community_id>/roster-template.xlsx")
@login_required
def roster_template(community_id):
    community_for(community_id, "community.import_roster")
    return xlsx_response("roster-template.xlsx", roster.COLUMNS, roster.EXAMPLE_ROWS,
                         title="roster")
