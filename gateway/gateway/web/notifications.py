"""The member's notifications."""
from flask import Blueprint, render_template

from gateway.requests_context import call
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_notifications", __name__)


@blueprint.get("/notifications")
@member_required
def notifications():
    page = call("notifications", "list_notifications", user_id=me(), page=1, per_page=50,
                unread_only=False)
    return render_template("notifications/notifications.html", notifications=page)
