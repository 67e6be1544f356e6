"""Alembic helpers shared by the services' ``migrations/env.py``.

Migrations are committed files, run before a service starts (``migrate``
below, called by ``scripts/start-service``).  Several instances of a service
may start at once (``docker compose up --scale profiles=3``), so the upgrade
runs under a PostgreSQL advisory lock: one instance migrates, the others wait
and then find nothing to do.
"""

import argparse
import os
import sys
from typing import Any

from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool, text

from mentornet_platform import settings


def run_env(context: Any, metadata: MetaData, service: str) -> None:
    """Body of a service's ``migrations/env.py``."""
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(
            text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": f"migrate-{service}"}
        )
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(
                text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": f"migrate-{service}"}
            )
            connection.commit()


def alembic_config(service_dir: str, database_url: str | None = None) -> Config:
    config = Config(os.path.join(service_dir, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(service_dir, "migrations"))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(
    service: str, service_dir: str, database_url: str | None = None, revision: str = "head"
) -> None:
    from alembic import command

    command.upgrade(
        alembic_config(service_dir, database_url or settings.database_url(service)), revision
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a service's migrations up to head.")
    parser.add_argument("service")
    parser.add_argument("--service-dir", required=True)
    args = parser.parse_args(argv)
    upgrade(args.service, args.service_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
