"""Notifications' nameko entrypoints: thin, each calls a plain domain function.

Every method that reads or changes a member's data takes that member's
``user_id`` and checks ownership itself, so a direct RPC call with someone
else's ids is refused here too, not only at the gateway.
"""

from nameko.timer import timer

from mentornet_contracts.statuses import ReportStatus
from mentornet_platform import service_base  # not its class: nameko would run that too
from mentornet_platform.event_inbox import EventInbox, event_entrypoints
from mentornet_platform.rpc import rpc
from notifications import (
    centre,
    conversations,
    handlers,
    helpdesk,
    overview,
    preferences,
    reports,
    service_updates,
)
from notifications.mail import MailSenderProvider


@event_entrypoints  # one event entrypoint per inbox handler below
class NotificationsService(service_base.ServiceBase):  # + platform providers, health, dead letters
    name = "notifications"

    mail = MailSenderProvider()
    event_inbox = EventInbox(handlers.HANDLERS)

    # -- the notification centre --
    @timer(interval=3600)
    def delete_old_read_notifications(self):
        """Retention: read notifications older than READ_NOTIFICATIONS_MONTHS."""
        while centre.delete_old_read(self.db) >= 5000:
            pass

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
    def set_preferences(self, user_id, choices):
        return preferences.set(self.db, user_id, choices)

    # -- the inbox --
    @rpc
    def list_conversations(self, user_id, page=1, per_page=20):
        return conversations.list_conversations(self.db, user_id, page, per_page)

    @rpc
    def start_conversation(self, user_id, recipient_id, body):
        return conversations.start_conversation(self.db, user_id, recipient_id, body)

    @rpc
    def list_messages(self, user_id, conversation_id, page=1, per_page=50):
        return conversations.list_messages(self.db, user_id, conversation_id, page, per_page)

    @rpc
    def send_message(self, user_id, conversation_id, body):
        return conversations.send_message(self.db, user_id, conversation_id, body)

    @rpc
    def get_message(self, user_id, message_id):
        return conversations.get_message(self.db, user_id, message_id)

    @rpc
    def block_member(self, user_id, other_id):
        return conversations.block(self.db, user_id, other_id)

    @rpc
    def unblock_member(self, user_id, other_id):
        return conversations.unblock(self.db, user_id, other_id)

    @rpc
    def report_message(self, user_id, message_id, reason):
        return conversations.report(self.db, user_id, message_id, reason)

    @rpc
    def list_message_reports(self, status=ReportStatus.OPEN):
        return conversations.list_reports(self.db, status)

    @rpc
    def message_report(self, report_id):
        return reports.report_in_context(self.db, report_id)

    @rpc
    def warn_reported_member(self, report_id, warning):
        return reports.warn_writer(self.db, report_id, warning)

    @rpc
    def close_message_report(self, report_id):
        return reports.close(self.db, report_id)

    # -- helpdesk and service updates --
    @rpc
    def contact_helpdesk(self, form, client="", user_id=None):
        return helpdesk.contact(self.db, form, client, user_id)

    @rpc
    def publish_service_update(self, update):
        return service_updates.publish(self.db, update)

    @rpc
    def withdraw_service_update(self, update_id):
        return service_updates.withdraw(self.db, update_id)

    @rpc
    def list_service_updates(self):
        return service_updates.listed(self.db)

    @rpc
    def service_updates(self, language="en"):
        return service_updates.current(self.db, language)

    @rpc
    def overview(self, user_id, language=None):
        """The dashboard's part: the unread count and the current service
        updates in ``language`` (by default the member's own)."""
        return overview.overview(self.db, user_id, language)
