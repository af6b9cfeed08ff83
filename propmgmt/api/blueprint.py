"""flask-smorest's Blueprint with the API's request parser, bearer guard and error documentation."""
import http

import flask_smorest
from flask_login import login_required
from webargs.flaskparser import FlaskParser
from webargs.flaskparser import abort

from propmgmt.api import security
from propmgmt.api.schemas.base import MAX_ID
from propmgmt.api.schemas.base import ApiErrorSchema

# Path ids are positive database integers; anything larger is a 404, never an overflow.
ID_CONVERTER = f"int(min=1, max={MAX_ID})"


class ApiParser(FlaskParser):
    """webargs' Flask parser; JSON nested too deep to decode is malformed too (400, not 500)."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            abort(400, messages={"json": ["Invalid JSON body."]})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def errors(self, *codes):
        """Document the error answers a view may give, all in the API's one error body."""

        def decorator(view):
            for code in codes:
                view = self.alt_response(code, schema=ApiErrorSchema,
                                         description=http.HTTPStatus(code).phrase)(view)
            return view

        return decorator

    def token_required(self, view):
        """flask_login.login_required: the user comes from the bearer token (401 otherwise)."""
        view = self.errors(401)(login_required(view))
        return self.doc(security=security.REQUIREMENT)(view)
