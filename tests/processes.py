"""What tests need to run the project's own commands in another process (a Celery worker,
manage.py restore, the deploy checks) against the test database."""

import os

from django.db import connection


def process_environment(**overrides: str) -> dict[str, str]:
    """This environment without the test run's DJANGO_* variables, plus `overrides`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return environment | overrides


def server_url() -> str:
    """The PostgreSQL server of the test database, as a URL without a database name."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER'] or ''}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    )


def database_url() -> str:
    """The test database as a DATABASE_URL another process can use."""
    name = connection.settings_dict["NAME"]
    return f"sqlite:///{name}" if connection.vendor == "sqlite" else f"{server_url()}/{name}"
