"""The one policy module: may this user do ACTION on this object?

Rules are small predicates composed per action. Templates call `can`, views and services call
`require`. Visibility (404 for other communities) is scoping's job; policy answers 403 for what
a user may see but not do.
"""
from propmgmt import roles
from propmgmt.errors import NotAllowed


def _community_id(obj):
    if obj is None:
        return None
    if obj.__class__.__name__ == "Community":
        return obj.id
    return getattr(obj, "community_id", None)


def is_admin(user, obj=None):
    """Administrators may do everything."""
    return user.is_authenticated and user.is_admin


def has_role(*wanted):
    """A predicate: the user holds one of `wanted` in the object's community."""

    def check(user, obj):
        cid = _community_id(obj)
        return cid is not None and bool(user.roles_in(cid) & set(wanted))

    check.__name__ = "has_role_" + "_".join(wanted)
    return check


def holds_role_anywhere(*wanted):
    """A predicate: the user holds one of `wanted` in any community."""

    def check(user, obj):
        return any(m.role in wanted for m in user.memberships)

    return check


def is_member(user, obj):
    """Any membership in the object's community."""
    cid = _community_id(obj)
    return cid is not None and bool(user.roles_in(cid))


def any_of(*predicates):
    def check(user, obj):
        return any(p(user, obj) for p in predicates)

    return check


def is_fee_collector(user, obj):
    """Acts for the organization that collects fees under the community's current mode."""
    from propmgmt.communities import modes  # noqa: PLC0415

    community = obj if obj.__class__.__name__ == "Community" else getattr(obj, "community", None)
    if community is None or community.management_mode is None:
        return False
    collector = modes.FEE_COLLECTOR[community.management_mode]
    return bool(user.roles_in(community.id) & set(roles.ORG_ROLES[collector]))


def is_owner(user, obj):
    """Owns a dwelling in the object's community (per the roster)."""
    from propmgmt.communities import people  # noqa: PLC0415

    cid = _community_id(obj)
    return cid is not None and roles.RESIDENT in user.roles_in(cid) and any(
        kind == "owner" for _dwelling, kind in people.dwellings_of(user, cid))


def acts_for_item_owner(user, item):
    """Acts for the organization that owns an action item."""
    owner = getattr(item, "owner_org", None)
    return owner in roles.ORG_ROLES and bool(
        user.roles_in(item.community_id) & set(roles.ORG_ROLES[owner]))


SUPERVISOR = has_role(roles.DISTRICT_SUPERVISOR)
MANAGER = has_role(roles.PROPERTY_MANAGER)

RULES = {
    "community.create": any_of(is_admin, holds_role_anywhere(roles.DISTRICT_SUPERVISOR)),
    "community.view": any_of(is_admin, is_member),
    "community.manage": any_of(is_admin, SUPERVISOR),
    "community.change_mode": any_of(is_admin, SUPERVISOR),
    "community.import_roster": any_of(is_admin, SUPERVISOR, MANAGER),
    "dwelling.list": any_of(
        is_admin, has_role(*roles.STAFF, *roles.COMMITTEES, roles.DISTRICT_SUPERVISOR)
    ),
    "membership.view": any_of(is_admin, SUPERVISOR, MANAGER),
    "membership.manage": any_of(is_admin, SUPERVISOR, MANAGER),
    "ticket.file": any_of(is_admin, is_member),
    "ticket.queue": any_of(is_admin, has_role(*roles.STAFF, *roles.COMMITTEES,
                                              roles.DISTRICT_SUPERVISOR)),
    "ticket.export": any_of(is_admin, has_role(roles.PROPERTY_MANAGER, roles.PROPERTY_STAFF,
                                               *roles.COMMITTEES, roles.DISTRICT_SUPERVISOR)),
    "ticket.deadlines": any_of(is_admin, has_role(roles.PROPERTY_MANAGER,
                                                  roles.RESIDENTS_COMMITTEE,
                                                  roles.PARTY_SECRETARY,
                                                  roles.DISTRICT_SUPERVISOR)),
    "billing.manage": any_of(is_admin, is_fee_collector),
    "billing.record_payment": any_of(is_admin, is_fee_collector),
    "billing.view_all": any_of(is_admin, is_fee_collector,
                               has_role(roles.PROPERTY_MANAGER, roles.PROPERTY_STAFF,
                                        roles.OWNERS_COMMITTEE, roles.RESIDENTS_COMMITTEE,
                                        roles.PARTY_SECRETARY, roles.DISTRICT_SUPERVISOR)),
    "billing.pay": any_of(is_admin, has_role(roles.RESIDENT)),
    "vote.view": any_of(is_admin, is_member),
    "vote.create": any_of(is_admin, has_role(roles.OWNERS_COMMITTEE)),
    "vote.cast": is_member,
    "vote.enter_paper": any_of(is_admin, has_role(roles.OWNERS_COMMITTEE)),
    "vote.manage": any_of(is_admin, has_role(roles.OWNERS_COMMITTEE)),
    "vote.object": is_owner,
    "notice.view": any_of(is_admin, is_member),
    "notice.publish": any_of(is_admin, is_fee_collector,
                             has_role(roles.RESIDENTS_COMMITTEE, roles.OWNERS_COMMITTEE,
                                      roles.PARTY_SECRETARY)),
    "disclosure.publish": any_of(is_admin, is_fee_collector),
    "disclosure.comment": any_of(is_admin, has_role(roles.OWNERS_COMMITTEE), is_owner),
    "disclosure.monitor": any_of(is_admin, is_fee_collector,
                                 has_role(*roles.STAFF, *roles.COMMITTEES,
                                          roles.DISTRICT_SUPERVISOR)),
    "price_display.view": any_of(is_admin, is_member),
    "meeting.view": any_of(is_admin, has_role(roles.PROPERTY_MANAGER, roles.PROPERTY_STAFF,
                                              *roles.COMMITTEES, roles.DISTRICT_SUPERVISOR)),
    "meeting.manage": any_of(is_admin, has_role(roles.PARTY_SECRETARY, roles.RESIDENTS_COMMITTEE)),
    "action_item.update": any_of(is_admin, acts_for_item_owner,
                                 has_role(roles.PARTY_SECRETARY, roles.RESIDENTS_COMMITTEE)),
    # Monitoring (issue 6): renovation records, facilities, inspections, indicators, alerts.
    "renovation.view": any_of(is_admin, has_role(*roles.STAFF, *roles.COMMITTEES,
                                                 roles.DISTRICT_SUPERVISOR)),
    "renovation.manage": any_of(is_admin, SUPERVISOR, MANAGER,
                                has_role(roles.RESIDENTS_COMMITTEE, roles.PARTY_SECRETARY)),
    "facility.view": any_of(is_admin, has_role(*roles.STAFF, *roles.COMMITTEES,
                                               roles.DISTRICT_SUPERVISOR)),
    "facility.manage": any_of(is_admin, SUPERVISOR, MANAGER,
                              has_role(roles.RESIDENTS_COMMITTEE, roles.OWNERS_COMMITTEE)),
    "inspection.plan": any_of(is_admin, SUPERVISOR, MANAGER,
                              has_role(roles.RESIDENTS_COMMITTEE, roles.OWNERS_COMMITTEE)),
    "inspection.work": any_of(is_admin, has_role(*roles.STAFF, roles.RESIDENTS_COMMITTEE,
                                                 roles.OWNERS_COMMITTEE)),
    "indicators.view": any_of(is_admin, has_role(roles.PROPERTY_MANAGER, *roles.COMMITTEES,
                                                 roles.DISTRICT_SUPERVISOR)),
    "alert.handle": any_of(is_admin, has_role(roles.PARTY_SECRETARY, roles.DISTRICT_SUPERVISOR)),
    "evaluation.record": any_of(is_admin, SUPERVISOR),
    "district.view": any_of(is_admin, holds_role_anywhere(roles.DISTRICT_SUPERVISOR,
                                                          roles.PARTY_SECRETARY)),
    "survey.view": any_of(is_admin, is_member),
    "survey.create": any_of(is_admin, has_role(roles.RESIDENTS_COMMITTEE, roles.PARTY_SECRETARY)),
    "survey.answer": has_role(roles.RESIDENT),
    "survey.results": any_of(is_admin, has_role(*roles.STAFF, *roles.COMMITTEES,
                                                roles.DISTRICT_SUPERVISOR)),
    "audit.view": is_admin,
    "user.create": any_of(
        is_admin, holds_role_anywhere(roles.DISTRICT_SUPERVISOR, roles.PROPERTY_MANAGER)
    ),
}

# Roles a property manager may hand out in their own community; everything else needs
# an administrator or the district supervisor.
MANAGER_GRANTABLE = {roles.RESIDENT, roles.PROPERTY_STAFF, roles.TECHNICIAN}


def can(user, action, obj=None):
    """True when `user` may do `action` on `obj`; unknown actions are refused."""
    if user is None or not user.is_authenticated:
        return False
    rule = RULES.get(action)
    return bool(rule and rule(user, obj))


def require(user, action, obj=None):
    """Raise NotAllowed unless `user` may do `action` on `obj`."""
    if not can(user, action, obj):
        raise NotAllowed()


def may_grant(user, role, community):
    """Whether `user` may give or take `role` in `community`."""
    if role == roles.ADMIN:
        return is_admin(user)
    if can(user, "community.manage", community):
        return True
    return role in MANAGER_GRANTABLE and can(user, "membership.manage", community)
