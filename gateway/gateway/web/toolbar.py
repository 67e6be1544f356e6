"""The member's toolbar (the guide's "eMentoring tool bar", in base.html): what
its template needs beyond the pages' own context.

The toolbar links to pages of every area, and areas land on their own: a link
whose endpoint is not registered yet (search, the directory, relationships...)
is left out by ``optional_url`` instead of failing every member page, and
appears as soon as its blueprint is registered.
"""
from flask import g, request, url_for
from werkzeug.routing import BuildError

# The guide's module selector: eMentoring (its home is the dashboard) and the
# general online directory.  Endpoints, in the order shown.
MODULES = (("ementoring", "web_dashboard.dashboard"), ("directory", "web_search.directory"))


def optional_url(endpoint, **values):
    """``url_for(endpoint)``, or None while no blueprint serves that endpoint."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def current_module():
    """The module the page belongs to: the directory's pages, else eMentoring."""
    return "directory" if request.endpoint == MODULES[1][1] else "ementoring"


def known_unread_count():
    """The unread count when the page already read it (the dashboard and the
    notifications page do, in their own calls), else None: the badge then
    fetches it from /notifications/badge, so no other page pays for it."""
    return g.get("unread_count")


def init_app(app):
    app.jinja_env.globals.update(optional_url=optional_url, current_module=current_module,
                                 known_unread_count=known_unread_count)
