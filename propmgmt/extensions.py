"""Flask extensions, created unbound; create_app binds them."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf import CSRFProtect

from propmgmt.db import db

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class PropmgmtApi(Api):
    """flask-smorest Api whose error handling is left to propmgmt.errors (one format for all).

    Views document their own errors with the shared/API.md body, so no default error response.
    """

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


api = PropmgmtApi()

__all__ = ["db", "migrate", "login_manager", "csrf", "babel", "bootstrap", "limiter", "api"]
