"""The notification centre, the message inbox, preferences, the helpdesk and
service updates (the guide's toolbar)."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required, member_if_logged_in
from gateway.request_input import client_address, query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("notifications", __name__, url_prefix="/api/v1")


def _me():
    return g.member["user_id"]


@blueprint.get("/notifications")
@login_required
def notifications():
    return jsonify(
        call(
            "notifications",
            "list_notifications",
            user_id=_me(),
            **query_parameters(),
        )
    )


@blueprint.get("/notifications/unread-count")
@login_required
def unread_count():
    return jsonify(call("notifications", "unread_count", user_id=_me()))


@blueprint.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    return jsonify(
        call("notifications", "mark_read", user_id=_me(), notification_id=notification_id)
    )


@blueprint.post("/notifications/read-all")
@login_required
def mark_all_read():
    return jsonify(call("notifications", "mark_all_read", user_id=_me()))


@blueprint.get("/me/notification-preferences")
@login_required
def get_preferences():
    return jsonify(call("notifications", "get_preferences", user_id=_me()))


@blueprint.put("/me/notification-preferences")
@login_required
def set_preferences():
    return jsonify(call("notifications", "set_preferences", user_id=_me(), choices=request_body()))


@blueprint.get("/conversations")
@login_required
def conversations():
    return jsonify(
        call(
            "notifications",
            "list_conversations",
            user_id=_me(),
            **query_parameters(),
        )
    )


@blueprint.post("/conversations")
@login_required
def start_conversation():
    body = request_body()
    return jsonify(call("notifications", "start_conversation", user_id=_me(), **body)), 201


@blueprint.get("/conversations/<int:conversation_id>/messages")
@login_required
def messages(conversation_id):
    return jsonify(
        call(
            "notifications",
            "list_messages",
            user_id=_me(),
            conversation_id=conversation_id,
            **query_parameters(),
        )
    )


@blueprint.post("/conversations/<int:conversation_id>/messages")
@login_required
def send_message(conversation_id):
    body = request_body()
    return jsonify(
        call(
            "notifications",
            "send_message",
            user_id=_me(),
            conversation_id=conversation_id,
            body=body["body"],
        )
    ), 201


@blueprint.post("/members/<uuid:user_id>/block")
@login_required
def block(user_id):
    return jsonify(call("notifications", "block_member", user_id=_me(), other_id=str(user_id)))


@blueprint.delete("/members/<uuid:user_id>/block")
@login_required
def unblock(user_id):
    return jsonify(call("notifications", "unblock_member", user_id=_me(), other_id=str(user_id)))


@blueprint.post("/messages/<int:message_id>/report")
@login_required
def report(message_id):
    body = request_body()
    return jsonify(
        call(
            "notifications",
            "report_message",
            user_id=_me(),
            message_id=message_id,
            reason=body["reason"],
        )
    ), 201


@blueprint.post("/helpdesk")
def helpdesk():
    # Open to visitors; throttled per address and per client in the service.  A
    # logged-in member is named, so their receipt goes to the address they confirmed.
    return jsonify(
        call(
            "notifications",
            "contact_helpdesk",
            form=request_body(),
            client=client_address(),
            user_id=member_if_logged_in(),
        )
    ), 202


@blueprint.get("/service-updates")
def service_updates():
    return jsonify(call("notifications", "service_updates", **query_parameters()))
