"""E-mail: templates in English and Dutch, a mail outbox and its sender.

An e-mail is first a row in ``email_messages`` (written with the event that
caused it, so it is queued exactly once); the sender delivers pending rows over
SMTP and retries with back-off while the server is unreachable.
"""
import logging
import os
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from nameko.extensions import DependencyProvider
from sqlalchemy import text

from mentornet_platform.database import shared_engine
from notifications.models import EmailMessage

log = logging.getLogger(__name__)

LANGUAGES = ("en", "nl")
_templates = Environment(
    loader=FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def render(template, language, context):
    """(subject, body) of ``template`` in ``language`` (English when unknown)."""
    language = language if language in LANGUAGES else "en"
    text_ = _templates.get_template(f"{template}.{language}.txt").render(**context)
    subject, _, body = text_.partition("\n")
    return subject.strip(), body


def queue_email(session, dedupe_key, user_id, to_address, template, language, context):
    """Queue an e-mail unless one with this key was already queued."""
    subject, body = render(template, language, context)
    session.execute(text(
        "INSERT INTO email_messages (dedupe_key, user_id, to_address, template, language,"
        " subject, body) VALUES (:key, :user_id, :to, :template, :language, :subject, :body)"
        " ON CONFLICT (dedupe_key) DO NOTHING"),
        {"key": dedupe_key, "user_id": user_id, "to": to_address, "template": template,
         "language": language, "subject": subject, "body": body})


class MailSender:
    batch_size = 20
    max_attempts = 10

    def __init__(self, engine, smtp_host, smtp_port, mail_from, poll_seconds=0.5):
        self.engine = engine
        self.smtp_host = smtp_host
        self.smtp_port = int(smtp_port)
        self.mail_from = mail_from
        self.poll_seconds = poll_seconds
        self.running = False

    def send_due(self):
        """Send one batch of due e-mails; returns how many went out."""
        with self.engine.begin() as connection:
            rows = connection.execute(text(
                "SELECT id, to_address, subject, body, attempts FROM email_messages"
                " WHERE status = 'pending' AND next_attempt_at <= now()"
                " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"),
                {"limit": self.batch_size}).all()
            if not rows:
                return 0
            sent = 0
            try:
                smtp = smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10)
            except OSError as exc:
                self._postpone(connection, rows, exc)
                return 0
            with smtp:
                for row in rows:
                    try:
                        smtp.send_message(self._mime(row))
                    except (smtplib.SMTPException, OSError) as exc:
                        self._postpone(connection, [row], exc)
                        continue
                    connection.execute(text(
                        "UPDATE email_messages SET status = 'sent', sent_at = now(),"
                        " attempts = attempts + 1 WHERE id = :id"), {"id": row.id})
                    sent += 1
            return sent

    def _mime(self, row):
        message = MimeMessage()
        message["From"] = self.mail_from
        message["To"] = row.to_address
        message["Subject"] = row.subject
        message["Message-ID"] = make_msgid(domain="mentornetwork.invalid")
        message.set_content(row.body)
        return message

    def _postpone(self, connection, rows, exc):
        log.warning("cannot send %d e-mail(s) yet: %s", len(rows), exc)
        for row in rows:
            attempts = row.attempts + 1
            connection.execute(text(
                "UPDATE email_messages SET attempts = :attempts, last_error = :error,"
                " status = CASE WHEN :attempts >= :max THEN 'failed' ELSE 'pending' END,"
                " next_attempt_at = now() + make_interval(secs => :delay) WHERE id = :id"),
                {"attempts": attempts, "error": str(exc)[:2000], "max": self.max_attempts,
                 "delay": min(600, 2 ** attempts), "id": row.id})

    def run(self, sleep):
        self.running = True
        while self.running:
            try:
                if self.send_due():
                    continue
            except Exception:
                log.exception("mail sender failed; trying again")
            sleep(self.poll_seconds)

    def stop(self):
        self.running = False


class MailSenderProvider(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.sender = MailSender(shared_engine(config["DATABASE_URL"]), config["SMTP_HOST"],
                                 config["SMTP_PORT"], config["MAIL_FROM"],
                                 poll_seconds=float(config.get("OUTBOX_POLL_SECONDS", 0.5)))

    def start(self):
        import eventlet
        self.container.spawn_managed_thread(lambda: self.sender.run(eventlet.sleep),
                                            identifier="mail_sender")

    def stop(self):
        self.sender.stop()

    def kill(self):
        self.sender.stop()

    def get_dependency(self, worker_ctx):
        return self.sender
