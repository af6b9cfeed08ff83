"""The JSON API v1 (shared/API.md), built with flask-smorest."""


def register(app):
    """Register the API blueprints on the app's flask-smorest Api.

    The API takes bearer tokens only, never session cookies, so its blueprints skip CSRF.
    """
    from propmgmt.api import auth  # noqa: PLC0415 (imported when an app is built)
    from propmgmt.api import billing  # noqa: PLC0415
    from propmgmt.api import communities  # noqa: PLC0415
    from propmgmt.api import indicators  # noqa: PLC0415
    from propmgmt.api import payments  # noqa: PLC0415
    from propmgmt.api import security  # noqa: PLC0415
    from propmgmt.api import tickets  # noqa: PLC0415
    from propmgmt.api import votes  # noqa: PLC0415
    from propmgmt.extensions import api  # noqa: PLC0415
    from propmgmt.extensions import csrf  # noqa: PLC0415

    security.register_scheme(api.spec)
    for blueprint in (auth.bp, communities.bp, tickets.bp, billing.bp, payments.bp,
                      votes.bp, indicators.bp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
