"""Community pages: list, create, detail, mode changes, organizations, contracts, buildings."""
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import fresh_login_required
from flask_login import login_required

from propmgmt import policy
from propmgmt import scoping
from propmgmt.communities import modes
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
from propmgmt.web import follow_community

bp = Blueprint("communities", __name__, url_prefix="/communities")


def community_for(community_id, action="community.view"):
    """The community behind a URL: 404 when not visible, 403 when `action` is not allowed."""
    community = scoping.get_authorized_or_404(Community, community_id, current_user, action)
    follow_community(community)
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


# Where a user may act on each matter of "who to turn to": endpoint, policy action, link text.
TOPIC_ACTIONS = {
    modes.REPAIRS: ("tickets.create", "ticket.file", _l("File a repair or request")),
    modes.COMPANY_COMPLAINTS: ("tickets.create", "ticket.file", _l("File a complaint")),
    modes.FEES: ("disclosure.price_display", "price_display.view",
                 _l("See the fee disclosure")),
    modes.OWNERS_VOTES: ("governance.index", "vote.view", _l("See the owners' votes")),
}


def who_to_turn_to(community, organizations):
    """The rows of the "who to turn to" card under the community's current mode: the matter,
    the organization that answers it (with its record, if any) and a link where the user may act."""
    mode = community.management_mode
    if mode is None:
        return []
    rows = []
    for topic, kind in modes.contacts_for(mode):
        link = None
        if topic in TOPIC_ACTIONS:
            endpoint, action, text = TOPIC_ACTIONS[topic]
            if policy.can(current_user, action, community):
                link = (url_for(endpoint, community_id=community.id), text)
        rows.append({"topic": topic, "label": modes.TOPIC_LABELS[topic], "kind": kind,
                     "organization": organizations.get(kind), "link": link})
    return rows


@bp.get("/<int:community_id>")
@login_required
def detail(community_id):
    community = community_for(community_id)
    organizations = {o.kind: o for o in queries.organizations(community)}
    return render_template(
        "communities/detail.html", community=community, organizations=organizations,
        organization_members=queries.organization_members(community),
        who_to_turn_to=who_to_turn_to(community, organizations),
        contracts=queries.contracts(community), buildings=queries.buildings(community),
        dwelling_count=queries.dwelling_count(community))


def _vote_choices(community):
    choices = [("", _("None: decided by the authority named below"))]
    for vote in queries.deciding_votes(community):
        choices.append((str(vote.id), _("#%(id)s %(title)s (final %(date)s)", id=vote.id,
                                        title=vote.title,
                                        date=format_datetime(vote.finalized_at, "yyyy-MM-dd"))))
    return choices


@bp.route("/<int:community_id>/mode", methods=["GET", "POST"])
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def change_mode(community_id):
    community = community_for(community_id, "community.change_mode")
    form = ModeChangeForm()
    form.vote_id.choices = _vote_choices(community)

    def submit():
        services.change_mode(community=community, mode=form.mode.data,
                             effective_from=form.effective_from.data, reason=form.reason.data,
                             vote_id=form.vote_id.data, decided_by=form.decided_by.data,
                             actor=_actor())
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
