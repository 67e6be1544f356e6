"""A small SQLAlchemy 2 dependency provider for nameko services.

(nameko-sqlalchemy's test plugin breaks on SQLAlchemy 2, so each service gets
its database through this instead.)  The engine is made once per container;
each worker gets a ``Database`` handle whose ``transaction()`` commits on
success and rolls back on error.

A call whose caller has given up commits nothing.  The gateway sends each call
a ``commit_by`` (context data ``nameko.commit_by``: seconds since the epoch,
its own timeout less a margin for the reply to travel back); a transaction
still open at that moment is rolled back instead of committed
(``CallerGaveUp``), so a 504 never hides a write made after it.  Event
handlers and the relays have no caller and no such limit.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker

try:  # the real poll(): eventlet's monkey patching removes select.poll
    from eventlet.patcher import original

    _select: Any = original("select")
except ImportError:  # pragma: no cover - eventlet always comes with nameko
    import select as _select

log = logging.getLogger(__name__)

_engines: dict[str, Engine] = {}


class CallerGaveUp(Exception):
    """The caller's deadline passed before this call's work was committed:
    rolled back, since nobody is waiting for the answer."""


def shared_engine(url: str) -> Engine:
    """One engine (and pool) per database per process, shared by the providers."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def make_engine(url: str, **kwargs: Any) -> Engine:
    _green_psycopg()
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _refuse_closed)
    return engine


def _still_open(dbapi_connection: Any) -> bool:
    """An idle psycopg2 connection has nothing to read: a readable socket is an
    end of stream or the server's farewell (a restart's "terminating
    connection"), and an error or hang-up a dead link."""
    if dbapi_connection.closed:
        return False
    try:
        poll = _select.poll()
        poll.register(dbapi_connection.fileno(), _select.POLLIN | _select.POLLPRI)
        return not poll.poll(0)
    except (OSError, ValueError):
        return False


def _refuse_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    # The pool replaces the connection (and every older one) and lends a new one.
    if not _still_open(dbapi_connection):
        raise exc.InvalidatePoolError("the database closed the pooled connection")


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

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker | None = None,
        commit_by: float | None = None,
    ) -> None:
        self.engine = engine
        self.Session = sessions or sessionmaker(bind=engine, expire_on_commit=False)
        self.commit_by = commit_by  # time.time() after which nothing is committed

    def for_caller(self, commit_by: float) -> "Database":
        """This database for one call that must commit by ``commit_by``."""
        return Database(self.engine, self.Session, commit_by)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self.Session()
        try:
            yield session
            if self.commit_by is not None and time.time() > self.commit_by:
                late = time.time() - self.commit_by
                log.warning("the caller gave up %.2fs ago: rolled back, not committed", late)
                raise CallerGaveUp(f"the caller gave up {late:.2f}s before the commit")
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only, each statement on its own (no ``BEGIN``,
        no ``COMMIT``): for a call that writes nothing, as the dashboard's.
        Never for writes: with no transaction, a statement would count at once."""
        with self.engine.connect() as connection:
            # psycopg2's own switch, set and cleared without a round trip (SQLAlchemy's
            # AUTOCOMMIT isolation level sends a SET when the connection is returned).
            dbapi_connection: Any = connection.connection.dbapi_connection
            dbapi_connection.autocommit = True
            try:
                with Session(bind=connection, autoflush=False) as session:
                    yield session
            finally:
                if not connection.invalidated and not dbapi_connection.closed:
                    dbapi_connection.autocommit = False

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


class DatabaseProvider(DependencyProvider):
    """Gives each worker the service's ``Database`` (config key DATABASE_URL)."""

    def setup(self) -> None:
        self.engine = shared_engine(self.container.config["DATABASE_URL"])
        self.database = Database(self.engine)

    def get_dependency(self, worker_ctx: Any) -> Database:
        commit_by = worker_ctx.data.get("commit_by")
        if commit_by is None:
            return self.database
        try:
            return self.database.for_caller(float(commit_by))
        except (TypeError, ValueError):
            return self.database
