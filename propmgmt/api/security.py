"""Bearer tokens on the API side: reading the header, refusing credentials, the OpenAPI scheme.

propmgmt.auth.loader turns the token into flask_login.current_user for /api/ paths; views guard
themselves with Blueprint.token_required.
"""
from flask import request

from propmgmt.auth import loader
from propmgmt.errors import DomainError

SCHEME_NAME = "bearerAuth"
SCHEME = {"type": "http", "scheme": "bearer",
          "description": "A token from POST /api/v1/auth/token."}
REQUIREMENT = [{SCHEME_NAME: []}]


class BadCredentials(DomainError):
    """Wrong username or password: the API's 401 for the token endpoint."""

    status = 401
    code = "invalid_credentials"


def bearer_token():
    """The raw token of this request's `Authorization: Bearer` header, or ''."""
    return loader.bearer_token(request)


def register_scheme(spec):
    """Declare the bearer scheme in the OpenAPI document."""
    spec.components.security_scheme(SCHEME_NAME, SCHEME)
