"""A small SQLAlchemy 2 dependency provider for nameko services.

(nameko-sqlalchemy's test plugin breaks on SQLAlchemy 2, so each service gets
its database through this instead.)  The engine is made once per container;
each worker gets a ``Database`` handle whose ``transaction()`` commits on
success and rolls back on error.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

_engines: dict[str, Engine] = {}


def shared_engine(url: str) -> Engine:
    """One engine (and pool) per database per process, shared by the providers."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def make_engine(url: str, **kwargs: Any) -> Engine:
    _green_psycopg()
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _green_psycopg() -> None:
    # Under eventlet, psycopg2 would block the whole service while it waits on
    # PostgreSQL; psycogreen makes it yield to other green threads instead.
    try:
        from eventlet import patcher
    except ImportError:  # pragma: no cover - eventlet always comes with nameko
        return
    if patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()


class Database:
    """What a service's code sees: sessions on its own database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.Session = sessionmaker(bind=engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self.Session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


class DatabaseProvider(DependencyProvider):
    """Gives each worker the service's ``Database`` (config key DATABASE_URL)."""

    def setup(self) -> None:
        self.engine = shared_engine(self.container.config["DATABASE_URL"])
        self.database = Database(self.engine)

    def get_dependency(self, worker_ctx: Any) -> Database:
        return self.database
