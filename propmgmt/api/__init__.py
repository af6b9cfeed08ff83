"""The JSON API v1 (shared/API.md), built with flask-smorest."""


def register(app):
    """Register the API blueprints on the app's flask-smorest Api."""
