"""The WSGI entry point for production servers: `gunicorn propmgmt.wsgi:app`.

Only a server imports this module; everything else builds its app with create_app().
"""
from propmgmt import create_app

app = create_app()
