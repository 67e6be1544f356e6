"""E-mail: templates in English and Dutch, a mail outbox and its sender.

An e-mail is first a row in ``email_messages`` (written with the event that
caused it, so it is queued exactly once); the sender delivers pending rows over
SMTP, each with a plain-text and an HTML part, and retries with back-off while
the server is unreachable or answers with a temporary (4xx) error; a permanent
(5xx) refusal fails the row.

Never twice: each row is claimed (``sending``, committed) before the SMTP
conversation and marked ``sent`` after it.  A sender that dies in between
leaves the row ``sending``; it is never resent automatically (after ten
minutes it is marked ``unknown`` for an operator), because resending could
deliver it a second time.
"""

import html as html_escape
import logging
import os
import re
import smtplib
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from prometheus_client import Counter
from sqlalchemy import text

from mentornet_platform import metrics
from mentornet_platform.background import BackgroundLoop, Repeating
from mentornet_platform.database import shared_engine
from notifications.models import EmailStatus

log = logging.getLogger(__name__)

LANGUAGES = ("en", "nl")
_templates = Environment(
    loader=FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)
_URL = re.compile(r"(https?://[^\s<>\"]+)")


# Mails whose body is a single-use link: once sent, given up on or in doubt
# (a sender died mid-send; never resent), the row keeps who, what and when, not
# the link.  The member can always ask for a new one.
SINGLE_USE_LINK_TEMPLATES = ["confirm_email", "password_reset", "data_export_ready"]
_FORGET_LINKS = (
    ", body = CASE WHEN template = ANY(:link_templates) THEN :link_gone ELSE body END"
    ", html = CASE WHEN template = ANY(:link_templates) THEN NULL ELSE html END"
)
_FORGET_LINKS_PARAMS = {
    "link_templates": SINGLE_USE_LINK_TEMPLATES,
    "link_gone": "(not kept: it held a single-use link)",
}


def render(template, language, context):
    """(subject, body) of ``template`` in ``language`` (English when unknown)."""
    language = language if language in LANGUAGES else "en"
    text_ = _templates.get_template(f"{template}.{language}.txt").render(**context)
    subject, _, body = text_.partition("\n")
    return subject.strip(), body


def to_html(subject, body):
    """The HTML part: the text's paragraphs, escaped, with its links made clickable."""
    paragraphs = []
    for paragraph in body.strip().split("\n\n"):
        escaped = html_escape.escape(paragraph.strip())
        linked = _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + html_escape.escape(subject)
        + '</title></head>\n<body style="font-family: sans-serif;'
        ' line-height: 1.5; max-width: 40em">\n' + "\n".join(paragraphs) + "\n</body></html>\n"
    )


def queue_email(
    session, dedupe_key, user_id, to_address, template, language, context, calendar=None
):
    """Queue an e-mail unless one with this key was already queued; ``calendar``
    (iCalendar text) goes with it as its invitation."""
    subject, body = render(template, language, context)
    session.execute(
        text(
            "INSERT INTO email_messages (dedupe_key, user_id, to_address, template, language,"
            " subject, body, html, calendar) VALUES (:key, :user_id, :to, :template, :language,"
            " :subject, :body, :html, :calendar) ON CONFLICT (dedupe_key) DO NOTHING"
        ),
        {
            "key": dedupe_key,
            "user_id": user_id,
            "to": to_address,
            "template": template,
            "language": language,
            "subject": subject,
            "body": body,
            "html": to_html(subject, body),
            "calendar": calendar,
        },
    )


MAIL_SENT = Counter("mentornet_mail_sent", "E-mails accepted by the SMTP server")
MAIL_FAILURES = Counter(
    "mentornet_mail_failures",
    "E-mails not sent: postponed (the server away or a temporary refusal; retried),"
    " refused (a permanent refusal) or given_up (out of attempts)",
    ["kind"],
)
for _kind in ("postponed", "refused", "given_up"):
    MAIL_FAILURES.labels(_kind)  # present (at 0) before the first failure, for the alerts


class MailSender(Repeating):
    batch_size = 20
    max_attempts = 10

    def __init__(self, engine, smtp_host, smtp_port, mail_from, poll_seconds=0.5):
        self.engine = engine
        self.smtp_host = smtp_host
        self.smtp_port = int(smtp_port)
        self.mail_from = mail_from
        self.interval = poll_seconds

    def send_due(self):
        """Send the e-mails that are due; returns how many went out."""
        self._expire_stuck()
        with self.engine.begin() as connection:
            # Claim: once committed as 'sending', no sender picks the row again.
            # The statuses are written into the SQL, not bound, so that the
            # planner matches them with the partial indexes on status.
            rows = connection.execute(
                text(
                    f"UPDATE email_messages SET status = '{EmailStatus.SENDING}', claimed_at = now()"
                    f" WHERE id IN (SELECT id FROM email_messages WHERE status = '{EmailStatus.PENDING}'"
                    " AND next_attempt_at <= now() ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)"
                    " RETURNING id, to_address, subject, body, html, calendar, attempts"
                ),
                {"limit": self.batch_size},
            ).all()
        if not rows:
            return 0
        sent, untried = 0, list(rows)
        try:
            try:
                smtp = smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10)
            except OSError as exc:
                self._postpone(rows, exc)
                untried = []
                return 0
            with smtp:
                while untried:
                    row = untried.pop(0)
                    try:
                        smtp.send_message(self._mime(row))
                    except smtplib.SMTPRecipientsRefused as exc:
                        codes = [code for code, _ in exc.recipients.values()]
                        (self._fail if min(codes) >= 500 else self._postpone_one)(row, exc)
                        continue
                    except smtplib.SMTPResponseException as exc:
                        (self._fail if exc.smtp_code >= 500 else self._postpone_one)(row, exc)
                        continue
                    except (smtplib.SMTPServerDisconnected, ConnectionError, OSError) as exc:
                        # The connection is gone: this row waits for the next round,
                        # the rest go back untouched (they were not tried).
                        self._postpone([row], exc)
                        break
                    except (smtplib.SMTPException, ValueError, UnicodeError) as exc:
                        self._fail(row, exc)  # this message cannot be sent as it is
                        continue
                    with self.engine.begin() as connection:
                        connection.execute(
                            text(
                                f"UPDATE email_messages SET status = '{EmailStatus.SENT}',"
                                " sent_at = now(),"
                                " attempts = attempts + 1" + _FORGET_LINKS + " WHERE id = :id"
                            ),
                            {"id": row.id, **_FORGET_LINKS_PARAMS},
                        )
                    sent += 1
                    MAIL_SENT.inc()
        finally:
            # Claimed but not tried (a dropped connection, a stop): pending again, as
            # they were: nothing was said to the SMTP server about them.
            if untried:
                with self.engine.begin() as connection:
                    connection.execute(
                        text(
                            f"UPDATE email_messages SET status = '{EmailStatus.PENDING}',"
                            " claimed_at = NULL"
                            f" WHERE id = ANY(:ids) AND status = '{EmailStatus.SENDING}'"
                        ),
                        {"ids": [row.id for row in untried]},
                    )
        return sent

    def _postpone_one(self, row, exc):
        self._postpone([row], exc)

    def _expire_stuck(self):
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"UPDATE email_messages SET status = '{EmailStatus.UNKNOWN}', last_error ="
                    " 'the sender stopped during the SMTP conversation; not resent, to never send twice'"
                    + _FORGET_LINKS
                    + f" WHERE status = '{EmailStatus.SENDING}'"
                    " AND claimed_at < now() - interval '10 minutes'"
                ),
                _FORGET_LINKS_PARAMS,
            )

    def _mime(self, row):
        message = MimeMessage()
        message["From"] = self.mail_from
        message["To"] = row.to_address
        message["Subject"] = row.subject
        message["Message-ID"] = make_msgid(domain="mentornetwork.invalid")
        message.set_content(row.body)
        if row.html:
            message.add_alternative(row.html, subtype="html")
        if row.calendar:
            # The invitation twice, as mail clients expect it: inline as a
            # text/calendar alternative (with its METHOD, so the client offers
            # accept or updates the event) and as an invite.ics attachment.
            method = "CANCEL" if "METHOD:CANCEL" in row.calendar else "REQUEST"
            message.add_alternative(row.calendar, subtype="calendar", params={"method": method})
            message.add_attachment(
                row.calendar.encode("utf-8"),
                maintype="text",
                subtype="calendar",
                filename="invite.ics",
                params={"method": method},
            )
        return message

    def _fail(self, row, exc):
        log.error("e-mail %s refused permanently: %s", row.id, exc)
        MAIL_FAILURES.labels("refused").inc()
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"UPDATE email_messages SET status = '{EmailStatus.FAILED}',"
                    " attempts = attempts + 1,"
                    " last_error = :error" + _FORGET_LINKS + " WHERE id = :id"
                ),
                {"error": str(exc)[:2000], "id": row.id, **_FORGET_LINKS_PARAMS},
            )

    def _postpone(self, rows, exc):
        log.warning("cannot send %d e-mail(s) yet: %s", len(rows), exc)
        with self.engine.begin() as connection:
            for row in rows:
                attempts = row.attempts + 1
                given_up = attempts >= self.max_attempts
                MAIL_FAILURES.labels("given_up" if given_up else "postponed").inc()
                connection.execute(
                    text(
                        "UPDATE email_messages SET attempts = :attempts, last_error = :error,"
                        " status = :status,"
                        " next_attempt_at = now() + make_interval(secs => :delay)"
                        + (_FORGET_LINKS if given_up else "")
                        + " WHERE id = :id"
                    ),
                    {
                        "attempts": attempts,
                        "error": str(exc)[:2000],
                        "status": EmailStatus.FAILED if given_up else EmailStatus.PENDING,
                        "delay": min(600, 2**attempts),
                        "id": row.id,
                        **_FORGET_LINKS_PARAMS,
                    },
                )

    def work(self):
        return self.send_due()

    def state(self):
        """The mail queue (waiting and being sent) and its oldest waiting mail's
        age, for the metrics (failed mails: ``mentornet_mail_failures_total``)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT status, count(*), extract(epoch FROM now() - min(created_at))"
                    " FROM email_messages WHERE status IN ('pending', 'sending') GROUP BY status"
                )
            ).all()
        found = {status: (count, age) for status, count, age in rows}
        for status in ("pending", "sending"):
            yield (
                "mentornet_mail_queue",
                "E-mails waiting to be sent (pending) or in an SMTP conversation (sending)",
                {"status": status},
                found.get(status, (0, 0))[0],
            )
        yield (
            "mentornet_mail_oldest_pending_age_seconds",
            "Age of the oldest e-mail waiting to be sent (0: none waiting)",
            {},
            found.get("pending", (0, 0))[1] or 0,
        )


class MailSenderProvider(BackgroundLoop):
    name = "mail_sender"

    def make(self, config):
        sender = MailSender(
            shared_engine(config["DATABASE_URL"]),
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["MAIL_FROM"],
            poll_seconds=float(config.get("OUTBOX_POLL_SECONDS", 0.5)),
        )
        metrics.report_state(("mail", self.container.service_name), sender.state)
        return sender
