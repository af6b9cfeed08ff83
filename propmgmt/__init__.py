"""propmgmt: long-term property management for renovated old residential communities."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app; `config` (a mapping) overrides the environment, as tests do."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    from propmgmt.config import STATIC  # noqa: PLC0415
    from propmgmt.config import from_env  # noqa: PLC0415
    from propmgmt.config import normalize_database_url  # noqa: PLC0415

    app.config.update(STATIC)
    app.config.update(from_env(app.instance_path, config))
    app.config.update(config or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"])
    register_logging(app)
    register_extensions(app)
    register_hooks(app)
    register_blueprints(app)
    register_cli(app)
    return app


def register_logging(app):
    from propmgmt import logs  # noqa: PLC0415
    from propmgmt import ops  # noqa: PLC0415

    logs.configure(app)  # first: every later hook runs inside a request that has an id
    ops.trust_proxy(app)


def register_extensions(app):
    from propmgmt import i18n  # noqa: PLC0415
    from propmgmt import models  # noqa: F401,PLC0415
    from propmgmt import security  # noqa: PLC0415
    from propmgmt.auth import loader  # noqa: PLC0415
    from propmgmt.extensions import api  # noqa: PLC0415
    from propmgmt.extensions import babel  # noqa: PLC0415
    from propmgmt.extensions import bootstrap  # noqa: PLC0415
    from propmgmt.extensions import csrf  # noqa: PLC0415
    from propmgmt.extensions import db  # noqa: PLC0415
    from propmgmt.extensions import limiter  # noqa: PLC0415
    from propmgmt.extensions import login_manager  # noqa: PLC0415
    from propmgmt.extensions import migrate  # noqa: PLC0415

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone,
                   default_translation_directories=str(ROOT / "propmgmt" / "translations"))
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    loader.configure(login_manager)
    api.init_app(app)
    security.register(app)


def register_blueprints(app):
    from propmgmt.api import register as register_api  # noqa: PLC0415
    from propmgmt.auth.views import bp as auth_bp  # noqa: PLC0415
    from propmgmt.communities.views import bp as communities_bp  # noqa: PLC0415
    from propmgmt.home import bp as home_bp  # noqa: PLC0415
    from propmgmt.notifications.views import bp as notifications_bp  # noqa: PLC0415
    from propmgmt.tickets.views import bp as tickets_bp  # noqa: PLC0415
    from propmgmt.billing.views import bp as billing_bp  # noqa: PLC0415
    from propmgmt.billing.webhooks import register as register_webhooks  # noqa: PLC0415
    from propmgmt.governance.views import bp as governance_bp  # noqa: PLC0415
    from propmgmt.disclosure.views import bp as disclosure_bp  # noqa: PLC0415
    from propmgmt.surveys.views import bp as surveys_bp  # noqa: PLC0415
    from propmgmt.meetings.views import bp as meetings_bp  # noqa: PLC0415
    from propmgmt.monitoring.views import bp as monitoring_bp  # noqa: PLC0415
    from propmgmt.audit_views import bp as audit_bp  # noqa: PLC0415
    from propmgmt.monitoring.views_inspections import bp as inspections_bp  # noqa: PLC0415
    from propmgmt.monitoring.views_renovation import bp as renovation_bp  # noqa: PLC0415
    from propmgmt.ops import bp as ops_bp  # noqa: PLC0415

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(disclosure_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(inspections_bp)
    app.register_blueprint(renovation_bp)
    app.register_blueprint(ops_bp)
    register_webhooks(app)
    register_api(app)


def register_hooks(app):
    from propmgmt import errors  # noqa: PLC0415
    from propmgmt import web  # noqa: PLC0415

    errors.register_error_handlers(app)
    web.register(app)


def register_cli(app):
    from propmgmt.auth.cli import users_cli  # noqa: PLC0415
    from propmgmt.communities.cli import communities_cli  # noqa: PLC0415
    from propmgmt.demo import demo_cli  # noqa: PLC0415
    from propmgmt.jobs.cli import jobs_cli  # noqa: PLC0415
    from propmgmt.jobs.cli import register_scheduler  # noqa: PLC0415
    from propmgmt.tickets.cli import tickets_cli  # noqa: PLC0415
    from propmgmt.billing.cli import billing_cli  # noqa: PLC0415
    from propmgmt.monitoring.cli import monitoring_cli  # noqa: PLC0415
    from propmgmt.backup.cli import backup_cli  # noqa: PLC0415

    app.cli.add_command(users_cli)
    app.cli.add_command(communities_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(tickets_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(billing_cli)
    app.cli.add_command(monitoring_cli)
    app.cli.add_command(backup_cli)
    register_scheduler(app)
