"""Operators' handling of members' message reports: a report with the
conversation around the reported message, a warning to the member who wrote
it (once per report, in their language, whatever their preferences: it is
the operators speaking), and closing it.

Which operator may do this is decided before the call (the console's area,
identity's check and audit entry for every action); notifications keeps the
reports and tells the warned member.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from mentornet_contracts.statuses import ReportStatus
from mentornet_platform import settings
from notifications import centre, exceptions, texts
from notifications.conversations import message_view, person_name
from notifications.mail import queue_email
from notifications.models import Member, Message, MessageReport

# The messages shown either side of the reported one.
CONTEXT = 3
MAX_WARNING = 400  # quoted in the notification's summary, which holds 500


def _now():
    return datetime.now(UTC)


def _report(session, report_id, lock=False):
    report = (
        session.get(MessageReport, report_id, with_for_update=lock)
        if isinstance(report_id, int) and not isinstance(report_id, bool)
        else None
    )
    if report is None:
        raise exceptions.NotFound("report_not_found", "No such report.")
    return report


def _open(report):
    if report.status != ReportStatus.OPEN:
        raise exceptions.Conflict("report_closed", "This report is already closed.")


def report_in_context(db, report_id):
    """The report, its message and the few messages around it in that
    conversation (oldest first), each with who wrote it."""
    with db.transaction() as session:
        report = _report(session, report_id)
        message = session.get(Message, report.message_id)
        in_conversation = Message.conversation_id == message.conversation_id
        before = session.execute(
            select(Message)
            .where(in_conversation, Message.id < message.id)
            .order_by(Message.id.desc())
            .limit(CONTEXT)
        ).scalars()
        after = session.execute(
            select(Message)
            .where(in_conversation, Message.id > message.id)
            .order_by(Message.id)
            .limit(CONTEXT)
        ).scalars()
        thread = [*reversed(list(before)), message, *after]
        ids = {m.sender_id for m in thread} | {report.reporter_id}
        people = {
            m.user_id: m
            for m in session.execute(select(Member).where(Member.user_id.in_(ids))).scalars()
        }
        return {
            "id": report.id,
            "status": report.status,
            "reason": report.reason,
            "created_at": report.created_at.isoformat(),
            "warned_at": report.warned_at.isoformat() if report.warned_at else None,
            "closed_at": report.closed_at.isoformat() if report.closed_at else None,
            "message_id": message.id,
            "writer": {
                "user_id": message.sender_id,
                "name": person_name(people.get(message.sender_id)),
            },
            "reporter": {
                "user_id": report.reporter_id,
                "name": person_name(people.get(report.reporter_id)),
            },
            "context": [
                {
                    **message_view(m),
                    "sender_name": person_name(people.get(m.sender_id)),
                    "reported": m.id == message.id,
                }
                for m in thread
            ],
        }


def warn_writer(db, report_id, warning):
    """Tell the member who wrote the reported message that the operators warn
    them (``warning``: why, in the operator's words)."""
    if not isinstance(warning, str) or not warning.strip() or len(warning.strip()) > MAX_WARNING:
        raise exceptions.invalid(
            "warning",
            f"Say what the member is warned about, in 1 to {MAX_WARNING} characters: "
            "they are told.",
        )
    warning = warning.strip()
    with db.transaction() as session:
        report = _report(session, report_id, lock=True)
        _open(report)
        if report.warned_at is not None:
            raise exceptions.Conflict(
                "already_warned", "The member was already warned about this report."
            )
        writer_id = session.get(Message, report.message_id).sender_id
        writer = session.get(Member, writer_id)
        if writer is None:
            raise exceptions.Conflict("member_left", "This member has left the network.")
        report.warned_at = _now()
        key = f"member_warned:{report.id}"
        centre.add(
            session,
            writer.user_id,
            "member_warned",
            key,
            texts.render("member_warned", writer.language, reason=warning),
            "/helpdesk",
        )
        if writer.email:  # no address while identity withholds it
            queue_email(
                session,
                key,
                writer.user_id,
                writer.email,
                "member_warned",
                writer.language,
                {
                    "first_name": writer.first_name,
                    "reason": warning,
                    "base_url": settings.public_base_url(),
                },
            )
        return {
            "id": report.id,
            "user_id": writer.user_id,
            "warned_at": report.warned_at.isoformat(),
        }


def close(db, report_id):
    with db.transaction() as session:
        report = _report(session, report_id, lock=True)
        _open(report)
        report.status = ReportStatus.CLOSED
        report.closed_at = _now()
        writer_id = session.get(Message, report.message_id).sender_id
        return {"id": report.id, "status": report.status, "user_id": writer_id}
