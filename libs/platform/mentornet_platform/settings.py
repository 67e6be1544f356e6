"""Settings from the environment (docs/architecture.md, section 5), with defaults that work
on a developer machine running RabbitMQ and PostgreSQL locally."""

import os

# Only what is read here rather than through a service's config.yaml (which
# states its own defaults): the databases, for tools and migrations, and the
# public address, for links in e-mails.  The gateway reads its own settings
# in gateway/__init__.py.
DEFAULTS = {
    "IDENTITY_DATABASE_URL": "postgresql://mentornet_identity:mentornet_identity@localhost:5432/mentornet_identity",
    "PROFILES_DATABASE_URL": "postgresql://mentornet_profiles:mentornet_profiles@localhost:5432/mentornet_profiles",
    "MENTORING_DATABASE_URL": "postgresql://mentornet_mentoring:mentornet_mentoring@localhost:5432/mentornet_mentoring",
    "NOTIFICATIONS_DATABASE_URL": "postgresql://mentornet_notifications:mentornet_notifications@localhost:5432/mentornet_notifications",
    "PUBLIC_BASE_URL": "http://localhost:8000",
}


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value not in (None, ""):
        return value
    if default is not None:
        return default
    return DEFAULTS.get(name)


def database_url(service: str) -> str:
    """The SQLAlchemy URL of ``service``'s own database (psycopg2 driver)."""
    url = get(f"{service.upper()}_DATABASE_URL")
    if url is None:
        raise LookupError(f"{service.upper()}_DATABASE_URL is not set")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return url


def public_base_url() -> str:
    """Where members reach the network (links in e-mails), without a trailing slash."""
    return (get("PUBLIC_BASE_URL") or DEFAULTS["PUBLIC_BASE_URL"]).rstrip("/")
