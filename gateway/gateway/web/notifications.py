"""The member's notifications: the list (paged), marking one or all as read,
and the toolbar's unread badge."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE

from gateway.request_input import query_parameters
from gateway.rpc import ServiceTimeout, ServiceUnavailable
from gateway.service_calls import call
from gateway.web.people import me
from gateway.web.sessions import current_member, member_required
from mentornet_contracts import inputs

blueprint = Blueprint("web_notifications", __name__)

PER_PAGE = 20
# htmx stops polling on this status (its documented "stop polling" answer).
STOP_POLLING = 286


def _page_number():
    """?page=, checked as every list's page is (a bad one is the 422 page; a
    page past the end simply shows that it is empty)."""
    return query_parameters(inputs.Paging(), unknown=EXCLUDE)["page"]


@blueprint.get("/notifications")
@member_required
def notifications():
    page = call(
        "notifications",
        "list_notifications",
        user_id=me(),
        page=_page_number(),
        per_page=PER_PAGE,
        unread_only=False,
    )
    g.unread_count = page["unread_count"]  # the toolbar's badge, from the same answer
    pages = max(1, -(-page["total"] // page["per_page"]))
    return render_template("notifications/notifications.html", notifications=page, pages=pages)


def _back():
    """Back to the page of the list the form was on."""
    page = request.form.get("page", "")
    return redirect(
        url_for(".notifications", page=int(page))
        if page.isdigit() and int(page) > 1
        else url_for(".notifications"),
        303,
    )


@blueprint.post("/notifications/<int:notification_id>/read")
@member_required
def mark_read(notification_id):
    # Another member's notification is refused by the service as not found (404).
    call("notifications", "mark_read", user_id=me(), notification_id=notification_id)
    flash(_("The notification is marked as read."))
    return _back()


@blueprint.post("/notifications/read")
@member_required
def mark_all_read():
    call("notifications", "mark_all_read", user_id=me())
    flash(_("All your notifications are marked as read."))
    return _back()


@blueprint.get("/notifications/badge")
def badge():
    """The toolbar's unread count, polled by htmx: one primary-key read in
    notifications (its kept counter), nothing else of the page."""
    if current_member() is None:
        # Logged out (here or in another tab) or the session ended: nothing to
        # show, and htmx stops asking.  Never a redirect to the login page,
        # which htmx would swap into the toolbar.
        return "", STOP_POLLING
    try:
        count = call("notifications", "unread_count", user_id=me())["unread_count"]
    except (ServiceUnavailable, ServiceTimeout):
        return "", 204  # notifications does not answer: keep the count shown
    return render_template("notifications/_badge.html", count=count)
