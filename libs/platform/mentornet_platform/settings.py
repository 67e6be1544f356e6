"""Settings from the environment (DESIGN.md section 3), with defaults that work
on a developer machine running RabbitMQ and PostgreSQL locally."""
import os

DEFAULTS = {
    "AMQP_URI": "amqp://guest:guest@localhost:5672/",
    "IDENTITY_DATABASE_URL": "postgresql://mentornet_identity:mentornet_identity@localhost:5432/mentornet_identity",
    "PROFILES_DATABASE_URL": "postgresql://mentornet_profiles:mentornet_profiles@localhost:5432/mentornet_profiles",
    "MENTORING_DATABASE_URL": "postgresql://mentornet_mentoring:mentornet_mentoring@localhost:5432/mentornet_mentoring",
    "NOTIFICATIONS_DATABASE_URL": "postgresql://mentornet_notifications:mentornet_notifications@localhost:5432/mentornet_notifications",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": "1025",
    "MAIL_FROM": "Mentor Network <no-reply@mentornetwork.invalid>",
    "GATEWAY_PORT": "8000",
    "SECRET_KEY": "dev-only-secret-change-me",
    "PUBLIC_BASE_URL": "http://localhost:8000",
    "RPC_TIMEOUT_SECONDS": "5",
    # Event handling: retries back off from the base delay, doubling, and
    # park the event in the dead-letter store after the last attempt.
    "EVENT_RETRY_BASE_SECONDS": "1",
    "EVENT_RETRY_MAX_SECONDS": "300",
    "EVENT_MAX_ATTEMPTS": "8",
    # Outbox relay: how often it looks for unpublished events when nothing
    # woke it up (a commit in the same process wakes it at once).
    "OUTBOX_POLL_SECONDS": "0.5",
    "LOG_LEVEL": "INFO",
}


def get(name, default=None):
    value = os.environ.get(name)
    if value not in (None, ""):
        return value
    if default is not None:
        return default
    return DEFAULTS.get(name)


def get_float(name):
    return float(get(name))


def get_int(name):
    return int(get(name))


def database_url(service):
    """The SQLAlchemy URL of ``service``'s own database (psycopg2 driver)."""
    url = get(f"{service.upper()}_DATABASE_URL")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    return url
