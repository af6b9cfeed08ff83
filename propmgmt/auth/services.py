"""Accounts: authentication, users, memberships and API tokens."""
import datetime as dt
import functools
import hashlib
import re
import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from propmgmt import audit
from propmgmt import roles
from propmgmt.auth.models import ApiToken
from propmgmt.auth.models import Membership
from propmgmt.auth.models import User
from propmgmt.auth.passwords import hash_password
from propmgmt.auth.passwords import verify_password
from propmgmt.communities import people
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.errors import Invalid
from propmgmt.errors import NotFound

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256


def find_user(username):
    """The user with this username (case-insensitive), or None."""
    name = (username or "").strip().lower()
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))


def get_user(user_id):
    """A user by id as typed in a form (any junk gives None)."""
    text = str(user_id or "")
    # isascii: str.isdigit() takes "²", which int() refuses; the bound: an INTEGER id
    usable = text.isascii() and text.isdigit() and 0 < int(text) < 2**31
    return db.session.get(User, int(text)) if usable else None


@functools.cache
def _dummy_hash():
    return hash_password(secrets.token_urlsafe(16))


def authenticate(username, password):
    """The active user with these credentials, or None; upgrades an outdated hash."""
    user = find_user(username)
    if not password:
        return None
    if user is None or not user.is_active:
        # As slow as a wrong password, so the answer time does not tell which usernames exist.
        verify_password(_dummy_hash(), password)
        return None
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_sessions(user):
    """Invalidate every session cookie of `user` (logout, password change)."""
    user.session_version += 1
    db.session.commit()


def check_password_rules(password, field="password", user_inputs=(), current=None):
    """The password policy (NIST SP 800-63B style: length and guessability, no composition
    rules): 8 to 256 characters, not the current password, and not easy to guess by zxcvbn's
    estimate (common passwords, keyboard patterns, repeats, dates, the person's own name,
    username or phone) below PASSWORD_MIN_SCORE (0-4, default 2)."""
    if not password or len(password) < MIN_PASSWORD:
        raise Invalid(fields={field: [_("Use at least %(n)s characters.", n=MIN_PASSWORD)]})
    if len(password) > MAX_PASSWORD:
        raise Invalid(fields={field: [_("Use at most %(n)s characters.", n=MAX_PASSWORD)]})
    if current is not None and password == current:
        raise Invalid(fields={field: [_("Choose a password different from the current one.")]})
    inputs = [str(value) for value in user_inputs if value]
    if zxcvbn(password, user_inputs=inputs)["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        raise Invalid(fields={field: [_(
            "This password is too easy to guess: it is a common password, a pattern or a date, "
            "or it contains your name, username or phone. A few unrelated words work well.")]})


def validate_username(username):
    if not USERNAME_RE.match(username or ""):
        raise Invalid(fields={"username": [_(
            "Use 3 to 64 letters, digits, dots, dashes or underscores.")]})
    if find_user(username) is not None:
        raise Invalid(fields={"username": [_("This username is already taken.")]})


def new_user(*, username, password, display_name=None, phone=None, must_change_password=False):
    """Add a user to the session after checking the name and password (the caller commits)."""
    username = (username or "").strip()
    validate_username(username)
    check_password_rules(password, user_inputs=(username, display_name, phone))
    user = User(username=username, display_name=(display_name or username).strip()[:100],
                phone=phone or None, password_hash=hash_password(password),
                must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    return user


def create_user(*, username, password, actor=None, display_name=None, phone=None,
                role=None, community=None, dwelling=None, occupancy="owner",
                must_change_password=False):
    """Create a user, optionally with a first role (and dwelling) in one transaction."""
    user = new_user(username=username, password=password, display_name=display_name,
                    phone=phone, must_change_password=must_change_password)
    audit.record("user.create", actor=actor, username=user.username)
    if role:
        _grant(user=user, role=role, community=community, dwelling=dwelling,
               occupancy=occupancy, actor=actor)
    db.session.commit()
    return user


def _check_role(role, community):
    if role not in roles.ALL:
        raise Invalid(fields={"role": [_("Unknown role.")]})
    if role == roles.ADMIN and community is not None:
        raise Invalid(fields={"community": [_("Administrators belong to no community.")]})
    if role != roles.ADMIN and community is None:
        raise Invalid(fields={"community": [_("Choose a community for this role.")]})


def _grant(*, user, role, community, dwelling=None, occupancy="owner", actor=None):
    _check_role(role, community)
    if dwelling is not None and role != roles.RESIDENT:
        raise Invalid(fields={"dwelling": [_("Only residents are bound to a dwelling.")]})
    cid = community.id if community is not None else None
    held = any(m.role == role and m.community_id == cid for m in user.memberships)
    if not held:
        user.memberships.append(Membership(role=role, community_id=cid))
    if dwelling is not None:
        people.bind(user=user, dwelling=dwelling, kind=occupancy)
    audit.record("membership.grant", actor=actor, community_id=cid, username=user.username,
                 role=role, dwelling=getattr(dwelling, "label", None))
    db.session.flush()
    return not held


def grant_role(*, user, role, community=None, dwelling=None, occupancy="owner", actor=None):
    """Give `user` a role in a community (and bind a resident to a dwelling). Idempotent."""
    created = _grant(user=user, role=role, community=community, dwelling=dwelling,
                     occupancy=occupancy, actor=actor)
    db.session.commit()
    return created


def revoke_role(*, user, role, community=None, actor=None):
    """Take a role away; a resident also loses the dwelling ties of that community."""
    _check_role(role, community)
    cid = community.id if community is not None else None
    membership = next((m for m in user.memberships if m.role == role and m.community_id == cid),
                      None)
    if membership is None:
        raise NotFound(_("%(user)s does not hold this role here.", user=user.username))
    user.memberships.remove(membership)
    if role == roles.RESIDENT:
        people.unbind_all(user=user, community=community)
    audit.record("membership.revoke", actor=actor, community_id=cid, username=user.username,
                 role=role)
    db.session.commit()


def change_password(*, user, current, new):
    """Change a password after checking the current one; ends other sessions."""
    ok, _unused = verify_password(user.password_hash, current or "")
    if not ok:
        raise Invalid(fields={"current_password": [_("The current password is wrong.")]})
    check_password_rules(new, field="new_password", current=current,
                         user_inputs=(user.username, user.display_name, user.phone))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_version += 1
    audit.record("user.password_change", actor=user)
    db.session.commit()


def set_locale(user, locale):
    """Remember a logged-in user's language."""
    user.locale = locale
    db.session.commit()


def one_time_password():
    """A readable random password handed out once (the user must change it)."""
    return secrets.token_urlsafe(9)


def _hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user):
    """A new bearer token for `user`: (raw token, ApiToken). Only the hash is stored."""
    raw = secrets.token_urlsafe(32)
    ttl = dt.timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    token = ApiToken(user_id=user.id, token_hash=_hash_token(raw), expires_at=utcnow() + ttl)
    db.session.add(token)
    db.session.commit()
    return raw, token


def user_for_token(raw):
    """The user a live (unexpired, unrevoked) token belongs to, or None."""
    if not raw:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(raw)))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    return token.user if token.user.is_active else None


def revoke_token(raw):
    """Revoke a token; True when one was live."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def safe_next(url):
    """Keep only local redirect targets (no scheme, no host, no '//' tricks)."""
    if not url:
        return None
    url = url.replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return None
    return url
