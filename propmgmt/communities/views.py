"""Community pages: list, create, detail, mode changes, organizations, contracts, buildings."""
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities import queries
from propmgmt.communities import services
from propmgmt.communities.forms import BuildingForm
from propmgmt.communities.forms import CommunityForm
from propmgmt.communities.forms import ContractForm
from propmgmt.communities.forms import ModeChangeForm
from propmgmt.communities.forms import OrganizationForm
from propmgmt.communities.models import Community
from propmgmt.forms import form_page
from propmgmt.money import parse_yuan
from propmgmt.web import actor as _actor

bp = Blueprint("communities", __name__, url_prefix="/communities")


def community_for(community_id, action="community.view"):
    """The community behind a URL: 404 when not visible, 403 when `action` is not allowed."""
    community = scoping.get_visible_or_404(Community, community_id, current_user)
    policy.require(current_user, action, community)
    return community



def _back_to(community, message):
    flash(message, "success")
    return redirect(url_for("communities.detail", community_id=community.id))


@bp.get("/")
@login_required
def index():
    return render_template("communities/index.html",
                           rows=queries.community_summaries(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    policy.require(current_user, "community.create")
    form = CommunityForm()

    def submit():
        community = services.create_community(
            name=form.name.data, district=form.district.data, mode=form.mode.data,
            address=form.address.data, actor=_actor())
        return _back_to(community, _("Community %(name)s created.", name=community.name))

    return form_page(form, "communities/create.html", submit)


@bp.get("/<int:community_id>")
@login_required
def detail(community_id):
    community = community_for(community_id)
    return render_template(
        "communities/detail.html", community=community,
        organizations={o.kind: o for o in queries.organizations(community)},
        contracts=queries.contracts(community), buildings=queries.buildings(community),
        dwelling_count=queries.dwelling_count(community))


@bp.route("/<int:community_id>/mode", methods=["GET", "POST"])
@login_required
def change_mode(community_id):
    community = community_for(community_id, "community.change_mode")
    form = ModeChangeForm()

    def submit():
        services.change_mode(community=community, mode=form.mode.data,
                             effective_from=form.effective_from.data, reason=form.reason.data,
                             decided_by=form.decided_by.data, actor=_actor())
        flash(_("The management mode change has been recorded."), "success")
        return redirect(url_for("communities.change_mode", community_id=community.id))

    return form_page(form, "communities/mode.html", submit, community=community)


@bp.route("/<int:community_id>/organizations", methods=["GET", "POST"])
@login_required
def organizations(community_id):
    community = community_for(community_id, "community.manage")
    form = OrganizationForm()

    def submit():
        services.set_organization(community=community, kind=form.kind.data, name=form.name.data,
                                  contact_name=form.contact_name.data or None,
                                  contact_phone=form.contact_phone.data or None, actor=_actor())
        return _back_to(community, _("Organization saved."))

    return form_page(form, "communities/organization.html", submit, community=community)


@bp.route("/<int:community_id>/contracts/new", methods=["GET", "POST"])
@login_required
def add_contract(community_id):
    community = community_for(community_id, "community.manage")
    form = ContractForm()

    def submit():
        fee = form.fee_yuan_per_m2.data
        services.add_contract(community=community, company_name=form.company_name.data,
                              starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                              scope=form.scope.data,
                              fee_fen_per_m2=parse_yuan(fee) if fee is not None else None,
                              actor=_actor())
        return _back_to(community, _("Service contract recorded."))

    return form_page(form, "communities/contract.html", submit, community=community)


@bp.route("/<int:community_id>/buildings/new", methods=["GET", "POST"])
@login_required
def add_building(community_id):
    community = community_for(community_id, "community.manage")
    form = BuildingForm()

    def submit():
        services.add_building(community=community, name=form.name.data, floors=form.floors.data,
                              actor=_actor())
        return _back_to(community, _("Building added."))

    return form_page(form, "communities/building.html", submit, community=community)


from propmgmt.communities import views_dwellings  # noqa: E402,F401  (registers routes on bp)
from propmgmt.communities import views_members  # noqa: E402,F401  (registers routes on bp)
