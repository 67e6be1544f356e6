"""The member's message inbox: conversations and a thread."""
from flask import Blueprint, abort, render_template

from gateway.requests_context import call
from gateway.rpc import RemoteError
from gateway.web.people import me, names
from gateway.web.sessions import member_required

blueprint = Blueprint("web_inbox", __name__)


@blueprint.get("/inbox")
@member_required
def inbox():
    conversations = call("notifications", "list_conversations", user_id=me(), page=1,
                         per_page=50)
    return render_template("inbox/inbox.html", conversations=conversations)


@blueprint.get("/inbox/<int:conversation_id>")
@member_required
def conversation(conversation_id):
    try:
        messages = call("notifications", "list_messages", user_id=me(),
                        conversation_id=conversation_id, page=1, per_page=50)
    except RemoteError as exc:
        if exc.exc_type == "NotFound":  # not one of the member's conversations
            abort(404)
        raise
    others = {m["sender_id"] for m in messages["items"]} | {m["recipient_id"]
                                                            for m in messages["items"]}
    named = names(others - {me()})
    # Oldest first, as a conversation is read.
    return render_template("inbox/conversation.html", messages=messages["items"][::-1],
                           names=named, other=next(iter(named.values()), None))
