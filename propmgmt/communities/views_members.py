"""Membership pages: who holds which role in a community; create users, grant and revoke."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import fresh_login_required
from flask_login import login_required

from propmgmt import policy
from propmgmt.auth import services as auth_services
from propmgmt.auth.forms import CreateUserForm
from propmgmt.auth.forms import GrantForm
from propmgmt.auth.forms import RevokeForm
from propmgmt.communities import queries
from propmgmt.communities import services
from propmgmt.communities.views import bp
from propmgmt.communities.views import community_for
from propmgmt.errors import Invalid
from propmgmt.errors import NotAllowed
from propmgmt.errors import NotFound
from propmgmt.forms import form_page
from propmgmt.web import actor as _actor
from propmgmt.web import to_row_id


def _members_page(community, **forms):
    forms.setdefault("grant_form", GrantForm(prefix="grant"))
    forms.setdefault("create_form", CreateUserForm(prefix="create"))
    for form in forms.values():
        form.role.choices = [(role, label) for role, label in form.role.choices
                             if policy.may_grant(current_user, role, community)]
    return render_template("communities/members.html", community=community,
                           members=queries.members(community), revoke_form=RevokeForm(),
                           **forms)


def _require_grant(community, role):
    if not policy.may_grant(current_user, role, community):
        raise NotAllowed(_("You may not hand out this role here."))


def _dwelling(community, form):
    label = (form.dwelling.data or "").strip()
    return services.get_dwelling_by_label(community, label) if label else None


@bp.get("/<int:community_id>/members")
@login_required
def members(community_id):
    return _members_page(community_for(community_id, "membership.view"))


@bp.post("/<int:community_id>/members/grant")
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def grant(community_id):
    community = community_for(community_id, "membership.manage")
    form = GrantForm(prefix="grant")

    def submit():
        _require_grant(community, form.role.data)
        user = auth_services.find_user(form.username.data)
        if user is None:
            raise Invalid(fields={"username": [_("No user with this username.")]})
        auth_services.grant_role(user=user, role=form.role.data, community=community,
                                 dwelling=_dwelling(community, form),
                                 occupancy=form.occupancy.data,
                                 actor=_actor())
        flash(_("Role granted to %(user)s.", user=user.username), "success")
        return redirect(url_for("communities.members", community_id=community.id))

    return _form_on_members_page(community, form, submit, "grant_form")


@bp.post("/<int:community_id>/members/create")
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def create_user(community_id):
    community = community_for(community_id, "membership.manage")
    form = CreateUserForm(prefix="create")

    def submit():
        _require_grant(community, form.role.data)
        password = form.password.data or auth_services.one_time_password()
        user = auth_services.create_user(
            username=form.username.data, password=password, display_name=form.display_name.data,
            phone=form.phone.data, role=form.role.data, community=community,
            dwelling=_dwelling(community, form), occupancy=form.occupancy.data,
            must_change_password=not form.password.data,
            actor=_actor())
        return render_template("communities/user_created.html", community=community, user=user,
                               one_time_password=None if form.password.data else password)

    return _form_on_members_page(community, form, submit, "create_form")


def _form_on_members_page(community, form, submit, name):
    return form_page(form, None, submit, render=lambda: _members_page(community, **{name: form}))


@bp.post("/<int:community_id>/members/revoke")
@fresh_login_required  # a password typed in this session (RELIABILITY S5)
def revoke(community_id):
    community = community_for(community_id, "membership.manage")
    form = RevokeForm()
    user = auth_services.get_user(to_row_id(form.user_id.data))
    if not form.validate_on_submit() or user is None or form.role.data not in user.roles_in(
            community.id):
        raise NotFound()
    _require_grant(community, form.role.data)
    auth_services.revoke_role(user=user, role=form.role.data, community=community,
                              actor=_actor())
    flash(_("Role %(role)s taken from %(user)s.", role=form.role.data, user=user.username), "info")
    return redirect(url_for("communities.members", community_id=community.id))
