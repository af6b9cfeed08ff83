"""Password hashing with argon2id (parameters from the configuration)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from flask import current_app


def _hasher():
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """(matches, new_hash): new_hash is set when the stored hash's parameters are outdated."""
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(password_hash):
        return True, hasher.hash(password)
    return True, None
