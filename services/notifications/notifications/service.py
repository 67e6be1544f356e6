"""Notifications' nameko entrypoints: thin, each calls a plain domain function.

Every method that reads or changes a member's data takes that member's
``user_id`` and checks ownership itself, so a direct RPC call with someone
else's ids is refused here too, not only at the gateway.
"""

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox, event_entrypoints
from mentornet_platform.outbox import OutboxRelay
from mentornet_platform.rpc import rpc
from notifications import (centre, helpdesk, inbox, members, mentoring_updates, overview,
                           preferences)
from notifications.mail import MailSenderProvider


@event_entrypoints  # one event entrypoint per inbox handler below
class NotificationsService:
    name = "notifications"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()
    mail = MailSenderProvider()
    inbox = EventInbox({
        "on_account_registered": ("identity", members.welcome_new_member),
        "on_email_confirmation_requested": ("identity", members.send_email_confirmation),
        "on_password_reset_requested": ("identity", members.send_password_reset),
        "on_address_sign_up_attempted": ("identity", members.warn_of_sign_up_attempt),
        "on_account_email_changed": ("identity", members.update_email),
        "on_account_email_confirmed": ("identity", members.email_confirmed),
        "on_account_language_changed": ("identity", members.update_language),
        "on_affiliation_verified": ("identity", members.mark_verified),
        "on_affiliation_reviewed": ("identity", members.affiliation_reviewed),
        "on_account_deleted": ("identity", members.forget),
        **{f"on_{change}": ("mentoring", mentoring_updates.request_changed)
           for change in mentoring_updates.ROUTES},
        "on_relationship_ended": ("mentoring", mentoring_updates.relationship_ended),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    # -- the notification centre --
    @rpc
    def unread_count(self, user_id):
        return centre.unread_count(self.db, user_id)

    @rpc
    def list_notifications(self, user_id, page=1, per_page=20, unread_only=False):
        return centre.list_for(self.db, user_id, page, per_page, unread_only)

    @rpc
    def mark_read(self, user_id, notification_id):
        return centre.mark_read(self.db, user_id, notification_id)

    @rpc
    def mark_all_read(self, user_id):
        return centre.mark_all_read(self.db, user_id)

    @rpc
    def get_preferences(self, user_id):
        return preferences.get(self.db, user_id)

    @rpc
    def set_preferences(self, user_id, preferences_):
        return preferences.set(self.db, user_id, preferences_)

    # -- the inbox --
    @rpc
    def list_conversations(self, user_id, page=1, per_page=20):
        return inbox.list_conversations(self.db, user_id, page, per_page)

    @rpc
    def start_conversation(self, user_id, recipient_id, body):
        return inbox.start_conversation(self.db, user_id, recipient_id, body)

    @rpc
    def list_messages(self, user_id, conversation_id, page=1, per_page=50):
        return inbox.list_messages(self.db, user_id, conversation_id, page, per_page)

    @rpc
    def send_message(self, user_id, conversation_id, body):
        return inbox.send_message(self.db, user_id, conversation_id, body)

    @rpc
    def get_message(self, user_id, message_id):
        return inbox.get_message(self.db, user_id, message_id)

    @rpc
    def block_member(self, user_id, other_id):
        return inbox.block(self.db, user_id, other_id)

    @rpc
    def unblock_member(self, user_id, other_id):
        return inbox.unblock(self.db, user_id, other_id)

    @rpc
    def report_message(self, user_id, message_id, reason):
        return inbox.report(self.db, user_id, message_id, reason)

    @rpc
    def list_message_reports(self, status="open"):
        return inbox.list_reports(self.db, status)

    # -- helpdesk and service updates --
    @rpc
    def contact_helpdesk(self, form, client="", user_id=None):
        return helpdesk.contact(self.db, form, client, user_id)

    @rpc
    def publish_service_update(self, title, body, expires_at=None):
        return helpdesk.publish_update(self.db, title, body, expires_at)

    @rpc
    def service_updates(self):
        return helpdesk.current_updates(self.db)

    @rpc
    def overview(self, user_id):
        """The dashboard's part: the unread count and the current service updates."""
        return overview.overview(self.db, user_id)
