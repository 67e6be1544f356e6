"""What the member's dashboard shows of notifications, in one call and one
read (no transaction: it writes nothing): the unread count and the current
service updates, in the page's language (by default the member's own)."""

from notifications import service_updates
from notifications.centre import unread_in


def overview(db, user_id, language=None):
    with db.reading() as session:
        return {
            "unread_count": unread_in(session, user_id),
            "service_updates": service_updates.current_in(
                session, language or service_updates.members_language(session, user_id)
            ),
        }
