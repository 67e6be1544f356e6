"""Which events reach a member in-app and by e-mail.

Defaults here; a member's own choices are rows in ``preferences``.  E-mails
that carry a single-use link (address confirmation, password reset) and the
welcome are transactional: they are always sent and are not listed here.
"""

from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from mentornet_contracts.errors import load_input
from mentornet_contracts.inputs import Flag
from notifications import exceptions
from notifications.models import Member, Preference

# event type -> (in_app, email) by default
DEFAULTS = {
    "welcome": (True, False),
    "email_confirmed": (True, False),
    "affiliation_reviewed": (True, True),
    "new_message": (True, True),
    "mentoring_request_received": (True, True),
    "mentoring_request_answered": (True, True),
    "mentoring_request_expiring": (True, True),
    "relationship_ended": (True, True),
    "feedback_requested": (True, True),
    "relationship_quiet": (True, True),
    "mentors_suggested": (True, True),
    # A meeting proposed, scheduled, moved or cancelled, and its reminder (the
    # e-mail carries the calendar invitation).
    "meetings": (True, True),
}


def wants(session, user_id, event_type):
    """(in_app, email) for this member and event type."""
    row = session.get(Preference, (user_id, event_type))
    if row is not None:
        return row.in_app, row.email
    return DEFAULTS[event_type]


def get(db, user_id):
    with db.transaction() as session:
        member = session.get(Member, user_id)
        if member is None:
            raise exceptions.NotFound("member_not_found", "No such member.")
        own = {
            row.event_type: row
            for row in session.execute(
                select(Preference).where(Preference.user_id == user_id)
            ).scalars()
        }
        items = []
        for event_type, (in_app, email) in DEFAULTS.items():
            row = own.get(event_type)
            items.append(
                {
                    "event_type": event_type,
                    "in_app": row.in_app if row else in_app,
                    "email": row.email if row else email,
                }
            )
        return {"items": items, "allow_messages_from_members": member.allow_messages}


class _Item(Schema):
    class Meta:
        unknown = RAISE

    event_type = fields.String(required=True, validate=validate.OneOf(list(DEFAULTS)))
    in_app = Flag(required=True)
    email = Flag(required=True)


class _Preferences(Schema):
    class Meta:
        unknown = RAISE

    items = fields.List(fields.Nested(_Item), load_default=list)
    allow_messages_from_members = Flag()


def set(db, user_id, preferences):
    data = load_input(_Preferences(), preferences, "The preferences")
    with db.transaction() as session:
        member = session.get(Member, user_id, with_for_update=True)
        if member is None:
            raise exceptions.NotFound("member_not_found", "No such member.")
        for item in data["items"]:
            row = session.get(Preference, (user_id, item["event_type"]))
            if row is None:
                row = Preference(user_id=user_id, event_type=item["event_type"])
                session.add(row)
            row.in_app, row.email = item["in_app"], item["email"]
        if "allow_messages_from_members" in data:
            member.allow_messages = data["allow_messages_from_members"]
    return get(db, user_id)
