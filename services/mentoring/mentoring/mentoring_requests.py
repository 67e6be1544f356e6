"""Mentoring requests: asking, answering, expiry; plain functions over a Database.

Every function that acts for a member takes that member's id and checks it
here, so a direct RPC call with someone else's ids is refused as well.  A
request the caller is not part of answers NotFound, exactly
like one that does not exist.  ``now`` can be given, so tests control the
clock (expiry, reminders).
"""

from datetime import timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.exc import IntegrityError

from mentoring import checks, config, events, exceptions, relationships
from mentoring.models import Member, MentoringRequest, MentorOffer, Relationship, RequestHistory
from mentornet_contracts.api import RequestsQuery
from mentornet_contracts.inputs import member_id, parameters
from mentornet_contracts.statuses import RequestStatus


def _history(session, request, status, actor_id, at, note=""):
    session.add(
        RequestHistory(
            request_id=request.id,
            status=status,
            actor_id=actor_id,
            at=at,
            note=(note or "").strip(),
        )
    )


def _current_mentees(session, mentor_id):
    return session.execute(
        select(func.count())
        .select_from(Relationship)
        .where(Relationship.mentor_id == mentor_id, Relationship.ended_at.is_(None))
    ).scalar()


def _mentoring_already(session, mentor_id, mentee_id):
    return (
        session.execute(
            select(Relationship.id).where(
                Relationship.mentor_id == mentor_id,
                Relationship.mentee_id == mentee_id,
                Relationship.ended_at.is_(None),
            )
        ).first()
        is not None
    )


def _already_mentored(message):
    return exceptions.Conflict("already_mentored", message, {"mentor_id": [message]})


def request_view(request):
    return {
        "id": request.id,
        "mentee_id": request.mentee_id,
        "mentor_id": request.mentor_id,
        "activities": list(request.activities),
        "message": request.message,
        "status": request.status,
        "reply": request.reply,
        "decline_reason": request.decline_reason,
        "created_at": request.created_at.isoformat(),
        "expires_at": request.expires_at.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "relationship_id": request.relationship_id,
    }


# -- asking ----------------------------------------------------------------------
def request_mentoring(db, mentee_id, mentor_id, activities, message, now=None):
    at = checks.now(now)
    checks.text(message, "message", required="Tell the mentor what you would like help with.")
    if (
        not isinstance(activities, list)
        or not activities
        or not all(isinstance(a, str) for a in activities)
    ):
        raise exceptions.invalid(
            "activities", "Choose at least one of the activities the mentor offers."
        )
    mentor_id = member_id(mentor_id, "mentor_id")
    if mentor_id == mentee_id:
        raise exceptions.invalid(
            "mentor_id", "You cannot ask yourself to be your mentor.", code="own_request"
        )
    with db.transaction() as session:
        mentee = session.get(Member, mentee_id)
        if mentee is None or not mentee.onboarded:
            raise exceptions.Forbidden(
                "onboarding_incomplete", "Finish signing up before asking for mentoring."
            )
        if mentee.role not in config.mentee_roles():
            raise exceptions.Forbidden(
                "not_eligible_as_mentee", "Your role cannot ask for mentoring in this network."
            )
        offer = session.get(MentorOffer, mentor_id)
        if offer is None or not offer.available:
            raise exceptions.Conflict(
                "mentor_unavailable",
                "This mentor is not available now.",
                {"mentor_id": ["This mentor is not available now."]},
            )
        not_offered = sorted(set(activities) - set(offer.activities))
        if not_offered:
            raise exceptions.invalid(
                "activities",
                "This mentor does not offer: " + ", ".join(not_offered) + ".",
                code="activity_not_offered",
            )
        if _mentoring_already(session, mentor_id, mentee_id):
            raise _already_mentored("This mentor is already mentoring you.")
        if _current_mentees(session, mentor_id) >= offer.max_mentees:
            raise exceptions.Conflict(
                "mentor_full",
                "This mentor has no room for another mentee now.",
                {"mentor_id": ["This mentor has no room now."]},
            )
        open_requests = (
            session.execute(
                select(MentoringRequest.mentor_id).where(
                    MentoringRequest.mentee_id == mentee_id,
                    MentoringRequest.status == RequestStatus.PENDING,
                )
            )
            .scalars()
            .all()
        )
        if mentor_id in open_requests:
            raise exceptions.Conflict(
                "request_open", "You already have an open request to this mentor."
            )
        if len(open_requests) >= config.MAX_OPEN_REQUESTS:
            raise exceptions.Conflict(
                "too_many_open_requests",
                f"You can have {config.MAX_OPEN_REQUESTS} open requests at a "
                "time; wait for an answer or withdraw one.",
            )
        request = MentoringRequest(
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            activities=sorted(set(activities)),
            message=message.strip(),
            created_at=at,
            expires_at=at + timedelta(days=config.REQUEST_EXPIRY_DAYS),
        )
        session.add(request)
        try:
            session.flush()
        except IntegrityError:  # a second request raced this one
            raise exceptions.Conflict(
                "request_open", "You already have an open request to this mentor."
            )
        _history(session, request, RequestStatus.PENDING, mentee_id, at)
        events.request_changed(session, request, "created", mentee_id, at)
        return request_view(request)


# -- answering -------------------------------------------------------------------
def _pending_request(session, request_id, party_id, side):
    request = session.get(MentoringRequest, int(request_id), with_for_update=True)
    if request is None or getattr(request, side) != party_id:
        raise exceptions.NotFound("request_not_found", "No such mentoring request.")
    if request.status != RequestStatus.PENDING:
        raise exceptions.Conflict("request_closed", f"This request is already {request.status}.")
    return request


def accept(db, mentor_id, request_id, reply="", now=None):
    """Atomic with respect to capacity: the mentor's offer row is locked, so two
    accepts racing for the last place give one relationship and one refusal."""
    at = checks.now(now)
    checks.text(reply, "reply")
    with db.transaction() as session:
        offer = session.get(MentorOffer, mentor_id, with_for_update=True)
        request = _pending_request(session, request_id, mentor_id, "mentor_id")
        if request.expires_at <= at:
            raise exceptions.Conflict("request_closed", "This request has expired.")
        if offer is None or _current_mentees(session, mentor_id) >= offer.max_mentees:
            raise exceptions.Conflict(
                "mentor_full",
                "You have no room for another mentee; end a "
                "relationship or raise your maximum first.",
            )
        if _mentoring_already(session, mentor_id, request.mentee_id):
            raise _already_mentored("You are already mentoring this member.")
        relationship = Relationship(
            mentor_id=mentor_id,
            mentee_id=request.mentee_id,
            activities=list(request.activities),
            request_id=request.id,
            started_at=at,
            last_activity_at=at,
        )
        session.add(relationship)
        try:
            session.flush()
        except IntegrityError:  # the pair's index (migration 0004): a concurrent accept won
            raise _already_mentored("You are already mentoring this member.")
        request.status, request.reply, request.decided_at = (
            RequestStatus.ACCEPTED,
            reply.strip(),
            at,
        )
        request.relationship_id = relationship.id
        _history(session, request, RequestStatus.ACCEPTED, mentor_id, at, reply)
        events.request_changed(session, request, RequestStatus.ACCEPTED, mentor_id, at)
        return {
            "request": request_view(request),
            "relationship": relationships.relationship_view(relationship, mentor_id),
        }


def decline(db, mentor_id, request_id, reason, reply="", now=None):
    """``reason`` is one of DECLINE_REASONS; ``reply`` is the mentor's own words
    to the mentee, named as accepting names them (one ``reply`` field)."""
    at = checks.now(now)
    if reason not in config.DECLINE_REASONS:
        raise exceptions.invalid(
            "reason", "Choose one of: " + ", ".join(config.DECLINE_REASONS) + "."
        )
    checks.text(reply, "reply")
    with db.transaction() as session:
        request = _pending_request(session, request_id, mentor_id, "mentor_id")
        request.status, request.decline_reason, request.decided_at = (
            RequestStatus.DECLINED,
            reason,
            at,
        )
        request.reply = reply.strip()
        _history(session, request, RequestStatus.DECLINED, mentor_id, at, reply)
        events.request_changed(session, request, RequestStatus.DECLINED, mentor_id, at, reason)
        return request_view(request)


def withdraw(db, mentee_id, request_id, now=None):
    at = checks.now(now)
    with db.transaction() as session:
        request = _pending_request(session, request_id, mentee_id, "mentee_id")
        request.status, request.decided_at = RequestStatus.WITHDRAWN, at
        _history(session, request, RequestStatus.WITHDRAWN, mentee_id, at)
        events.request_changed(session, request, RequestStatus.WITHDRAWN, mentee_id, at)
        return request_view(request)


def expire_due(db, now=None):
    """Expire unanswered requests and remind mentors before that; returns counts."""
    at = checks.now(now)
    expired = reminded = 0
    with db.transaction() as session:
        for request in session.execute(
            select(MentoringRequest)
            .where(
                MentoringRequest.status == RequestStatus.PENDING, MentoringRequest.expires_at <= at
            )
            .with_for_update(skip_locked=True)
            .limit(500)
        ).scalars():
            request.status, request.decided_at = RequestStatus.EXPIRED, at
            _history(session, request, RequestStatus.EXPIRED, None, at)
            events.request_changed(session, request, RequestStatus.EXPIRED, None, at)
            expired += 1
        remind_from = at + timedelta(days=config.REQUEST_REMINDER_DAYS)
        for request in session.execute(
            select(MentoringRequest)
            .where(
                MentoringRequest.status == RequestStatus.PENDING,
                MentoringRequest.reminded_at.is_(None),
                MentoringRequest.expires_at <= remind_from,
            )
            .with_for_update(skip_locked=True)
            .limit(500)
        ).scalars():
            request.reminded_at = at
            events.request_changed(session, request, "expiring", None, at)
            reminded += 1
    return {"expired": expired, "reminded": reminded}


# -- reading ---------------------------------------------------------------------
def list_requests(db, user_id, box="received", status=None):
    asked = parameters(RequestsQuery(), {"box": box, "status": status})
    box, status = asked["box"], asked["status"]
    with db.transaction() as session:
        return {"items": requests_in(session, user_id, box, status), "box": box}


# Requests made at the same moment: the later one first.
_NEWEST_FIRST = (MentoringRequest.created_at.desc(), MentoringRequest.id.desc())


def _newest_in(user_id, box, status=None):
    side = MentoringRequest.mentee_id if box == "sent" else MentoringRequest.mentor_id
    query = select(MentoringRequest).where(side == user_id)
    if status:
        query = query.where(MentoringRequest.status == status)
    return query.order_by(*_NEWEST_FIRST).limit(100)


def requests_in(session, user_id, box, status=None):
    """The member's newest 100 requests, sent (as mentee) or received (as mentor)."""
    rows = session.execute(_newest_in(user_id, box, status)).scalars()
    return [request_view(row) for row in rows]


def both_boxes_in(session, user_id):
    """``requests_in``'s sent and received, read in one statement (one round trip)."""
    newest = union_all(
        *(
            _newest_in(user_id, box).with_only_columns(MentoringRequest.id).subquery().select()
            for box in ("sent", "received")
        )
    ).subquery()
    rows = session.execute(
        select(MentoringRequest)
        .where(MentoringRequest.id.in_(select(newest.c.id)))
        .order_by(*_NEWEST_FIRST)
    ).scalars()
    boxes = {"sent": [], "received": []}
    for row in rows:
        boxes["sent" if row.mentee_id == user_id else "received"].append(request_view(row))
    return boxes


def _own_request(session, user_id, request_id):
    request = session.get(MentoringRequest, int(request_id))
    if request is None or user_id not in (request.mentee_id, request.mentor_id):
        raise exceptions.NotFound("request_not_found", "No such mentoring request.")
    return request


def _history_of(session, request):
    rows = session.execute(
        select(RequestHistory)
        .where(RequestHistory.request_id == request.id)
        .order_by(RequestHistory.id)
    ).scalars()
    return [
        {"status": row.status, "actor_id": row.actor_id, "note": row.note, "at": row.at.isoformat()}
        for row in rows
    ]


def request_history(db, user_id, request_id):
    with db.transaction() as session:
        return {"items": _history_of(session, _own_request(session, user_id, request_id))}


def get_request(db, user_id, request_id):
    """One request of the member's (sent or received) with its history and the
    member's side of it, in one call: the request's own page."""
    with db.transaction() as session:
        request = _own_request(session, user_id, request_id)
        return {
            **request_view(request),
            "history": _history_of(session, request),
            "my_role": "mentor" if request.mentor_id == user_id else "mentee",
        }


def overview(db, user_id):
    """The dashboard's part, in one call and one read (no transaction: it writes
    nothing): the member's current relationships and the requests they sent and
    received."""
    with db.reading() as session:
        return {
            "relationships": relationships.relationships_in(session, user_id),
            "requests": both_boxes_in(session, user_id),
        }
