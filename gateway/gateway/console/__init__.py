"""The operators' console: server-rendered pages under /console, the same
stack as the members' pages (Flask-Babel, CSRF, the forms macros), for the
university's staff (operator accounts kept by identity, never members).

Building a console page
-----------------------
One blueprint, ``console`` (this module); each area is a module of this
package that adds its routes to it and is imported at the bottom of this file,
with its templates in ``templates/console/``.  A page::

    from gateway.console import actor, blueprint, operator_required

    @blueprint.get("/dead-letters")
    @operator_required("dead_letters")
    def dead_letters():
        found = call("identity", "...", actor=actor(), ...)
        return render_template("console/dead_letters.html", ...)

- ``operator_required(area)``: the page needs a complete console session
  (password and second factor) whose role may act in ``area`` (an area of
  ``mentornet_contracts.operators``: administrators have all, reviewers
  ``affiliation_reviews`` and ``message_reports``, editors
  ``service_updates``, ``policies`` and ``guidelines``; every operator
  ``audit_log``).  Without a console session (a visitor, or a member: the
  member's own session is no operator's) the answer is 403 with a link to the
  console's login; with a role that may not, 403 saying so.  Identity decides
  which areas a role has (``operator_authenticate``'s ``areas``), and checks
  the area again on every operator RPC: the page's check only spares a call.
- ``g.operator``: {operator_id, username, role, areas} of the logged-in operator.
- ``actor()``: the credentials to pass as ``actor`` to identity's operator
  RPCs; identity resolves who acts and writes the audit entry in the same
  transaction as the action.  An action another service carries out (a
  warning, a closed report, a service update, a replay) is one function of
  ``gateway.operator_actions`` (the service's call, then the audit entry),
  shared with the operators' API; call it with ``actor()``.  Actions are
  listed in ``mentornet_contracts.operators.ACTIONS``; name each in
  ``console/audit.py``'s ``ACTION_LABELS`` too.
- ``NAVIGATION``: the console's menu, (endpoint, label, area) in order; a
  link shows only to operators whose role has the area.  Add yours.

Templates extend ``console/base.html``: its own header (the console's name,
the menu with the current page marked, the operator's name and role, the
language switch, Log out) and the ``title`` and ``main`` blocks of the
members' ``base.html`` (skip link, flashed messages, landmarks).  Use the
forms macros (``macros/forms.html``) for every form, as the members' pages do.
"""

import functools

from flask import Blueprint, current_app, g, render_template, request, session
from flask_babel import lazy_gettext as _l

from gateway.rpc import RemoteError
from gateway.service_calls import call

blueprint = Blueprint("console", __name__, url_prefix="/console")

# The complete console session (after the second factor), and the half-open
# one (after the password only): identity's tokens in the signed page cookie.
OPERATOR_TOKEN = "operator_token"
PENDING_TOKEN = "operator_pending"

ROLE_LABELS = {
    "administrator": _l("administrator"),
    "reviewer": _l("reviewer"),
    "editor": _l("editor"),
}

# The areas' names (mentornet_contracts.operators), as API keys' scopes show them.
AREA_LABELS = {
    "audit_log": _l("Audit log"),
    "affiliation_reviews": _l("Affiliation reviews"),
    "message_reports": _l("Message reports"),
    "service_updates": _l("Service updates"),
    "policies": _l("Policies"),
    "guidelines": _l("Guidelines"),
    "operators": _l("Operators"),
    "api_keys": _l("API keys"),
    "university_records": _l("University records"),
    "dead_letters": _l("Dead letters"),
    "statistics": _l("Network statistics"),
}

NAVIGATION = [
    ("console.home", _l("Console"), None),
    ("console.reviews", _l("Affiliation reviews"), "affiliation_reviews"),
    ("console.reports", _l("Message reports"), "message_reports"),
    ("console.service_updates", _l("Service updates"), "service_updates"),
    ("console.policies", _l("Policies"), "policies"),
    ("console.guidelines", _l("Guidelines"), "guidelines"),
    ("console.operators", _l("Operators"), "operators"),
    ("console.api_keys", _l("API keys"), "api_keys"),
    ("console.records", _l("University records"), "university_records"),
    ("console.dead_letters", _l("Dead letters"), "dead_letters"),
    ("console.statistics", _l("Network statistics"), "statistics"),
    ("console.audit_log", _l("Audit log"), "audit_log"),
]


@blueprint.before_request
def _load_operator():
    token = session.get(OPERATOR_TOKEN)
    if not token:
        return
    try:
        g.operator = call("identity", "operator_authenticate", token=token)
    except RemoteError as exc:
        if exc.exc_type != "NotAuthenticated":
            raise
        session.pop(OPERATOR_TOKEN, None)  # ended, idle or expired in identity


def current_operator():
    return g.get("operator")


def actor():
    """The logged-in operator's credentials, for identity's operator RPCs."""
    return {"operator_token": session[OPERATOR_TOKEN]}


def refused(reason, status=403):
    """The console's refusal page: ``login`` (no console session) or ``role``."""
    return render_template("console/refused.html", reason=reason), status


def operator_required(area=None):
    """A console page for operators whose role may act in ``area`` (None: any
    operator).  See the module's docstring."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            operator = g.get("operator")
            if operator is None:
                return refused("login")
            if area is not None and area not in operator["areas"]:
                return refused("role")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def navigation():
    """The menu entries the logged-in operator may use: (endpoint, label, current)."""
    operator = g.get("operator")
    if operator is None:
        return []
    return [
        (endpoint, label, request.endpoint == endpoint)
        for endpoint, label, area in NAVIGATION
        if (area is None or area in operator["areas"]) and endpoint in current_app.view_functions
    ]


def init_app(app):
    app.jinja_env.globals.update(
        current_operator=current_operator,
        console_navigation=navigation,
        role_label=lambda role: ROLE_LABELS.get(role, role),
    )


# The console's areas add their routes to the blueprint.
from gateway.console import (  # noqa: E402,F401
    access,
    api_keys,
    audit,
    dead_letters,
    documents,
    home,
    operators,
    records,
    reports,
    reviews,
    service_updates,
    statistics,
)
