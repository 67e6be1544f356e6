"""Login throttling per login name (docs/architecture.md, section 6), and allowances per client.

Failures are counted per account when the typed name is one of an account's
(its username and its e-mail address share one count), and per typed name
otherwise, so an unknown name locks after as many failures as a known one and
the lock-out says nothing about which accounts exist.  After
LOGIN_FREE_FAILURES failures in a row the name is locked for a while, doubling
with each further failure up to a cap.  The lock applies to password login
only: a password reset still works, and completing one lifts the lock, so
nobody can lock a member out of their own account for good.

Per client (an IP address as the gateway saw it, or an IPv6 /64, which one
household or attacker gets whole), everything that costs a hash or guards a
secret draws on an allowance of config.CLIENT_LIMITS: N attempts refilling
evenly over a period (a "generic cell rate" bucket), kept in this database so
every gateway process and instance shares it.  The per-name count alone lets
one client spray guesses over many names, or flood the hashes with unknown
names; the allowance stops both without locking anybody's account.
"""

import ipaddress
import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from identity import config, exceptions
from identity.models import ClientAllowance, LoginThrottle


def account_key(account_id):
    """The count of logins to this account, by whichever of its names."""
    return f"account:{account_id}"


def name_key(login):
    """The count of a typed name no account has (prefixed: a typed name can
    never be taken for an account's key)."""
    return "name:" + login.strip().lower()[:295]


def password_check_key(account_id):
    """The count of wrong current passwords given in a member's own session
    (changing the password or address, leaving): apart from the login count,
    so someone locking a member's login does not also lock them out of these."""
    return f"password-check:{account_id}"


def admit(session, key):
    """Count this attempt before its password is checked, under the key's row
    lock, so concurrent guesses cannot all slip in before the lock-out; returns
    the seconds to wait (0: go ahead).  A success then ``clear``s the count."""
    row = None
    while row is None:
        session.execute(
            insert(LoginThrottle).values(login_key=key, failures=0).on_conflict_do_nothing()
        )
        # None when a concurrent success cleared the row while we waited for its
        # lock: the count starts again from a new row.
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    now = datetime.now(UTC)
    if row.locked_until is not None and row.locked_until > now:
        return max(1, int((row.locked_until - now).total_seconds() + 0.999))
    _count(row, now)
    return 0


def _count(row, now):
    row.failures += 1
    row.last_failure_at = now
    over = row.failures - config.LOGIN_FREE_FAILURES
    if over >= 0:
        seconds = min(config.LOGIN_LOCK_MAX_SECONDS, config.LOGIN_LOCK_SECONDS * (2**over))
        row.locked_until = now + timedelta(seconds=seconds)


def clear(session, *keys):
    # A query, not ORM deletes: a concurrent success may have cleared it already.
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.login_key.in_(keys)),
        execution_options={"synchronize_session": False},
    )


# -- per client -----------------------------------------------------------------
def client_key(address):
    """An IPv4 address as it is; an IPv6 address by its /64, since anyone with
    one address has the whole /64 to rotate through."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _step(action, cost):
    attempts, seconds = config.CLIENT_LIMITS[action]
    return timedelta(seconds=seconds * cost / attempts), timedelta(seconds=seconds)


def spend(session, client, action, cost=1.0):
    """Use ``cost`` attempts of ``client``'s allowance for ``action``; returns the
    seconds to wait (0: go ahead; a refused attempt uses nothing).

    The allowance is stored as the time it is used up until: whole when that
    is past, each attempt moves it ``period / N`` later, and an attempt that
    would move it beyond now + period is refused.  One upsert under the row's
    lock, so concurrent attempts cannot overdraw it."""
    step, period = _step(action, cost)
    table = ClientAllowance.__table__
    after = func.greatest(table.c.spent_until, func.now()) + step
    used = session.execute(
        insert(table)
        .values(client=client_key(client), action=action, spent_until=func.now() + step)
        .on_conflict_do_update(
            index_elements=[table.c.client, table.c.action],
            set_={"spent_until": after},
            where=after <= func.now() + period,
        )
        .returning(table.c.spent_until)
    ).first()
    if used is not None:
        return 0
    late = session.execute(
        select(func.extract("epoch", after - func.now() - period)).where(
            table.c.client == client_key(client), table.c.action == action
        )
    ).scalar()
    return max(1, math.ceil(float(late or 0)))


def give_back(session, client, action, share=1.0):
    """Return ``share`` of an attempt spent by a request that turned out well."""
    step, _ = _step(action, share)
    table = ClientAllowance.__table__
    session.execute(
        update(table)
        .where(table.c.client == client_key(client), table.c.action == action)
        .values(spent_until=table.c.spent_until - step)
    )


def use_allowance(db, client, action):
    """One attempt of ``client``'s allowance for ``action``, committed at once (a
    request that then fails still counted), or Throttled with the wait.  No
    client (a caller inside the system) has no allowance to use."""
    if not client:
        return
    with db.transaction() as session:
        wait = spend(session, client, action)
    if wait:
        raise client_throttled(wait)


def spend_login(session, client):
    """One login attempt of ``client``'s allowance, before any password is
    checked (a refused flood or spray pays no hash), or Throttled with the wait.
    No client (a caller inside the system) has no allowance to use."""
    wait = spend(session, client, "login") if client else 0
    if wait:
        raise client_throttled(wait)


def login_succeeded(session, client):
    """A login that went well gives most of its attempt back (LOGIN_SUCCESS_COST)."""
    if client:
        give_back(session, client, "login", 1 - config.LOGIN_SUCCESS_COST)


def client_throttled(wait):
    return exceptions.Throttled(
        "too_many_requests",
        f"Too many attempts from your network address; try again in {wait} seconds.",
        retry_after=wait,
    )


def forget_idle_clients(session):
    """Whole allowances need no row: the next attempt starts a new one."""
    table = ClientAllowance.__table__
    return session.execute(delete(table).where(table.c.spent_until < func.now())).rowcount
