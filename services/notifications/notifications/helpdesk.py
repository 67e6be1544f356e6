"""Contacting the helpdesk (open to visitors)."""

import math
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from mentornet_platform import settings
from notifications import exceptions
from notifications.mail import queue_email
from notifications.models import HelpdeskRequest, Member

LIMITS = {"name": 200, "subject": 200, "message": 5000}
# Text-direction embeddings, overrides and isolates: they make a subject or a
# name read differently from what it says (U+202A..U+202E, U+2066..U+2069).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_problem(name, value):
    """Why ``value`` is refused for its characters, or None.  Every field refuses
    C0 and C1 controls and the Unicode line separators; the message alone may
    hold line breaks and tabs; the one-line fields also refuse direction controls."""
    one_line = name != "message"
    for ch in value:
        if ch in "\n\t" and not one_line:
            continue
        if ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029":
            return (
                "Must not contain control characters or line breaks."
                if one_line
                else "Must not contain control characters."
            )
        if one_line and ch in BIDI_CONTROLS:
            return (
                "Must not contain text-direction control characters (U+202A to U+202E, "
                "U+2066 to U+2069)."
            )
    return None


def _clean(form):
    if not isinstance(form, dict):
        raise exceptions.InvalidInput("invalid_input", "The message must be an object.")
    unknown = set(form) - {"name", "email", "subject", "message", "language"}
    problems = {name: ["Unknown field."] for name in sorted(unknown)}
    clean = {}
    for name, limit in LIMITS.items():
        value = form.get(name)
        if not isinstance(value, str) or not value.strip():
            problems[name] = ["This field is required."]
        elif len(value) > limit:
            problems[name] = [f"Keep it under {limit} characters."]
        elif _control_problem(name, value):
            problems[name] = [_control_problem(name, value)]
        else:
            clean[name] = value.strip()
    try:
        address = form.get("email")
        if not isinstance(address, str):
            raise EmailNotValidError("an address is required")
        clean["email"] = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        problems["email"] = [f"This is not a valid e-mail address: {exc}"]
    clean["language"] = form.get("language") if form.get("language") in ("en", "nl") else "en"
    if problems:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", problems)
    return clean


def contact(db, form, client="", user_id=None):
    """Send a message to the helpdesk; throttled per address and per client so
    the helpdesk cannot be flooded.

    Only a logged-in member (``user_id``) gets a receipt, and only at the address
    they confirmed.  A visitor's address is unproven: a receipt quoting their
    text there would let anyone mail anyone their own words from our address
    (and even a bare receipt mails a stranger on demand).  The helpdesk answers
    a visitor at the address given, by hand."""
    data = _clean(form)
    per_hour = int(settings.get("HELPDESK_MAX_PER_HOUR", "5"))
    with db.transaction() as session:
        now = datetime.now(UTC)
        this_hours = (
            HelpdeskRequest.created_at > now - timedelta(hours=1),
            or_(
                func.lower(HelpdeskRequest.email) == data["email"].lower(),
                (HelpdeskRequest.client == client) if client else False,
            ),
        )
        recent = session.execute(
            select(func.count()).select_from(HelpdeskRequest).where(*this_hours)
        ).scalar()
        if recent >= per_hour:
            # Free again once enough of this hour's messages have aged out of it.
            freed_from = session.execute(
                select(HelpdeskRequest.created_at)
                .where(*this_hours)
                .order_by(HelpdeskRequest.created_at)
                .offset(recent - per_hour)
                .limit(1)
            ).scalar()
            wait = max(1, math.ceil((freed_from + timedelta(hours=1) - now).total_seconds()))
            raise exceptions.Throttled(
                "too_many_requests",
                "You have sent several messages in the last hour; "
                "please wait before sending another.",
                retry_after=wait,
            )
        member = session.get(Member, user_id) if user_id else None
        request = HelpdeskRequest(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            client=client[:100],
        )
        session.add(request)
        session.flush()
        context = dict(data, request_id=request.id, member_id=member.user_id if member else None)
        queue_email(
            session,
            f"helpdesk:{request.id}",
            None,
            settings.get("HELPDESK_EMAIL", "helpdesk@mentornetwork.invalid"),
            "helpdesk",
            "en",
            context,
        )
        receipt = bool(member and member.email and member.email_confirmed_at)
        if receipt:
            queue_email(
                session,
                f"helpdesk_receipt:{request.id}",
                member.user_id,
                member.email,
                "helpdesk_receipt",
                member.language,
                context,
            )
        return {"id": request.id, "received": True, "receipt_sent": receipt}
