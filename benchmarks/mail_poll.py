"""One poll of notifications' mail sender (expire stuck sends, claim due mail)
over a table of 200,000 sent mails, with the partial indexes of migration 0004
and, in the same run, without them.

    python benchmarks/mail_poll.py
"""

import os
import sys
import time
import warnings

from sqlalchemy import text

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from figures import percentile  # noqa: E402

from mentornet_testing import ThrowawayDatabase  # noqa: E402

SENT = 200_000
# What notifications.mail.MailSender runs on every poll.
EXPIRE = (
    "UPDATE email_messages SET status = 'unknown' WHERE status = 'sending'"
    " AND claimed_at < now() - interval '10 minutes'"
)
CLAIM = (
    "SELECT id FROM email_messages WHERE status = 'pending' AND next_attempt_at <= now()"
    " ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED"
)
INDEXES = ("ix_email_messages_pending", "ix_email_messages_sending")


def poll_times(engine, polls=200):
    samples = []
    for _ in range(polls):
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text(EXPIRE))
            connection.execute(text(CLAIM)).all()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[20:]  # the first ones warm the cache


def main():
    database = ThrowawayDatabase("notifications")
    engine = database.engine
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO email_messages (dedupe_key, to_address, template, language, subject,"
                    " body, status, sent_at) SELECT 'sent:' || g, 'a@example.org', 'welcome', 'en',"
                    " 'Welcome', 'Hello', 'sent', now() FROM generate_series(1, :n) g"
                ),
                {"n": SENT},
            )
            connection.execute(text("ANALYZE email_messages"))
        with_indexes = poll_times(engine)
        with engine.begin() as connection:
            for index in INDEXES:
                connection.execute(text(f"DROP INDEX {index}"))
        without = poll_times(engine)
    finally:
        database.close()
    print(f"one mail sender poll over {SENT:,} sent mails (ms)   p50    p95")
    for label, samples in (
        ("with migration 0004's indexes", with_indexes),
        ("without them", without),
    ):
        print(f"  {label:38} {percentile(samples, 50):6.2f} {percentile(samples, 95):6.2f}")
    print(
        f"ratio: without / with = {percentile(without, 50) / percentile(with_indexes, 50):.0f}x (p50)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
