"""The member's toolbar (the guide's "eMentoring tool bar", in base.html): what
its template needs beyond the pages' own context.
"""

from flask import g, request

# The guide's module selector: eMentoring (its home is the dashboard) and the
# general online directory.  Endpoints, in the order shown.
MODULES = (("ementoring", "web_dashboard.dashboard"), ("directory", "web_search.directory"))


# The toolbar's link that stands for each area (its blueprint): a page of the
# area (the Mentor tab, a request, a thread) marks that link as the current one.
AREA_LINKS = {
    "web_profile": "web_profile.profile",
    "web_mentoring": "web_mentoring.requests_",
    "web_relationships": "web_mentoring.requests_",
    "web_relationship_ending": "web_mentoring.requests_",
    "web_inbox": "web_inbox.inbox",
    "web_notifications": "web_notifications.notifications",
    "web_settings": "web_settings.settings",
    "web_dashboard": "web_dashboard.dashboard",
}


def is_current(target):
    """Whether the toolbar's link to ``target`` stands for the page shown: the
    page itself, or a page of the area it stands for (search's own pages, the
    mentor's page among them, mark Search; the directory is a module of its own)."""
    endpoint = request.endpoint or ""
    if endpoint == target:
        return True
    if target == "web_search.search":
        return endpoint in ("web_search.mentor", "web_search.ask")
    if endpoint == "web_profile.public_profile":
        return False  # another member's profile is not the member's own Profile
    return AREA_LINKS.get(request.blueprint) == target


def current_module():
    """The module the page belongs to: the directory's pages, else eMentoring."""
    return "directory" if request.endpoint == MODULES[1][1] else "ementoring"


def known_unread_count():
    """The unread count when the page already read it (the dashboard and the
    notifications page do, in their own calls), else None: the badge then
    fetches it from /notifications/badge, so no other page pays for it."""
    return g.get("unread_count")


def init_app(app):
    app.jinja_env.globals.update(
        is_current=is_current, current_module=current_module, known_unread_count=known_unread_count
    )
