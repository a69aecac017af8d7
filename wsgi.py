"""WSGI entry point: ``gunicorn wsgi:app`` (set PARTNERSHIP_ENV=production and SECRET_KEY)."""

from partnership import create_app

app = create_app()
