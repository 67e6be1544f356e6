"""The member's message inbox: conversations, a thread with its reply form,
writing to a member, blocking and unblocking, reporting a message.

Notifications owns every rule (who may write to whom, a body's length, a
block, a report's reason); these pages forward the form and show its answer.
Another member's conversation or message, opened by its URL, is a 404 like
one that does not exist: notifications answers both the same.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE

from gateway.request_input import query_parameters
from gateway.rpc import RemoteError
from gateway.service_calls import call
from gateway.web.forms import refused_page, submit
from gateway.web.people import me
from gateway.web.sessions import member_required
from mentornet_contracts import inputs

blueprint = Blueprint("web_inbox", __name__)

CONVERSATIONS_PER_PAGE = 20
MESSAGES_PER_PAGE = 50


def _page_number():
    """?page=, checked as every list's page is (a bad one is the 422 page)."""
    return query_parameters(inputs.Paging(), unknown=EXCLUDE)["page"]


def _or_not_found(service, method, **kwargs):
    """The call's answer; the service's NotFound (missing, or someone else's) as
    the 404 page, which names nothing."""
    try:
        return call(service, method, **kwargs)
    except RemoteError as exc:
        if exc.exc_type == "NotFound":
            abort(404)
        raise


@blueprint.get("/inbox")
@member_required
def inbox():
    conversations = call(
        "notifications",
        "list_conversations",
        user_id=me(),
        page=_page_number(),
        per_page=CONVERSATIONS_PER_PAGE,
    )
    pages = max(1, -(-conversations["total"] // CONVERSATIONS_PER_PAGE))
    return render_template("inbox/inbox.html", conversations=conversations, pages=pages)


def _thread(conversation_id, refused=None, body="", status=200):
    """A conversation's page: its newest messages shown oldest first, as a
    conversation is read; reading marks the member's received messages read."""
    page = _page_number()
    thread = _or_not_found(
        "notifications",
        "list_messages",
        user_id=me(),
        conversation_id=conversation_id,
        page=page,
        per_page=MESSAGES_PER_PAGE,
    )
    context = {
        "conversation": thread["conversation"],
        "messages": thread["items"][::-1],
        "page": page,
        "earlier": thread["total"] > page * MESSAGES_PER_PAGE,
        "body": body,
    }
    if refused:
        return refused_page("inbox/conversation.html", refused, **context)
    return render_template("inbox/conversation.html", refused=None, **context), status


@blueprint.get("/inbox/<int:conversation_id>")
@member_required
def conversation(conversation_id):
    return _thread(conversation_id)


@blueprint.post("/inbox/<int:conversation_id>")
@member_required
def reply(conversation_id):
    body = request.form.get("body", "")
    result, refused = submit(
        "notifications", "send_message", user_id=me(), conversation_id=conversation_id, body=body
    )
    if refused:
        if refused.status == 404:
            abort(404)
        return _thread(conversation_id, refused, body)
    flash(_("Your message is sent."))
    return redirect(
        url_for(
            "web_inbox.conversation",
            conversation_id=conversation_id,
            _anchor=f"message-{result['id']}",
        ),
        303,
    )


def _recipient(user_id):
    """The member to write to, as the writer may see them; 404 for no such member."""
    profile = _or_not_found("profiles", "get_profile", user_id=user_id, viewer_id=me())
    return {"user_id": user_id, "name": f"{profile['first_name']} {profile['last_name']}"}


@blueprint.get("/inbox/new")
@member_required
def new_conversation():
    to = request.args.get("to", "")
    if not to:
        abort(404)
    return render_template("inbox/new.html", recipient=_recipient(to), body="", refused=None)


@blueprint.post("/inbox/new")
@member_required
def start_conversation():
    to, body = request.form.get("to", ""), request.form.get("body", "")
    result, refused = submit(
        "notifications", "start_conversation", user_id=me(), recipient_id=to, body=body
    )
    if refused:
        return refused_page("inbox/new.html", refused, recipient=_recipient(to), body=body)
    flash(_("Your message is sent."))
    return redirect(
        url_for(
            "web_inbox.conversation",
            conversation_id=result["id"],
            _anchor=f"message-{result['message']['id']}",
        ),
        303,
    )


def _back_to_conversation():
    """Back to the thread the form was on (it shows the block's state), else the inbox."""
    conversation_id = request.form.get("conversation", "")
    if conversation_id.isdigit():
        return redirect(
            url_for("web_inbox.conversation", conversation_id=int(conversation_id)), 303
        )
    return redirect(url_for("web_inbox.inbox"), 303)


@blueprint.post("/inbox/members/<user_id>/block")
@member_required
def block(user_id):
    _or_not_found("notifications", "block_member", user_id=me(), other_id=user_id)
    return _back_to_conversation()


@blueprint.post("/inbox/members/<user_id>/unblock")
@member_required
def unblock(user_id):
    call("notifications", "unblock_member", user_id=me(), other_id=user_id)
    return _back_to_conversation()


@blueprint.get("/inbox/messages/<int:message_id>/report")
@member_required
def report(message_id):
    message = _or_not_found("notifications", "get_message", user_id=me(), message_id=message_id)
    return render_template("inbox/report.html", message=message, reason="", refused=None)


@blueprint.post("/inbox/messages/<int:message_id>/report")
@member_required
def send_report(message_id):
    reason = request.form.get("reason", "")
    reported, refused = submit(
        "notifications", "report_message", user_id=me(), message_id=message_id, reason=reason
    )
    if refused:
        if refused.status == 404:
            abort(404)
        message = _or_not_found("notifications", "get_message", user_id=me(), message_id=message_id)
        return refused_page("inbox/report.html", refused, message=message, reason=reason)
    flash(
        _(
            "Thank you. Your report is sent to the Mentor Network's operators, who will look "
            "at the message."
        )
    )
    return _back_to_conversation()
