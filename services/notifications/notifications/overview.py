"""What the member's dashboard shows of notifications, in one call and one
transaction: the unread count and the current service updates."""

from notifications.centre import unread_in
from notifications.helpdesk import current_updates_in


def overview(db, user_id):
    with db.transaction() as session:
        return {
            "unread_count": unread_in(session, user_id),
            "service_updates": current_updates_in(session),
        }
