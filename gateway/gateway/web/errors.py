"""The pages' side of gateway.errors: an error as an HTML page in the page's
language, with the status it has in the API."""

import logging

from flask import make_response, render_template
from flask_babel import lazy_gettext as _l

from gateway.web.messages import error_message

log = logging.getLogger(__name__)

TITLES = {
    400: _l("This request could not be understood"),
    401: _l("Please log in"),
    403: _l("This was refused"),
    404: _l("Page not found"),
    405: _l("This was refused"),
    409: _l("This cannot be done now"),
    413: _l("This is too large"),
    422: _l("Some fields need your attention"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("A service is unavailable"),
    504: _l("A service did not answer in time"),
}

EXPLANATIONS = {
    "csrf_failed": _l(
        "This form has expired or did not come from this site. Go back, reload "
        "the page and send it again."
    ),
    "not_found": _l(
        "There is no page at this address. Check the address, or start again from the home page."
    ),
    "method_not_allowed": _l("This page cannot be used that way."),
    "too_many_requests": _l(
        "You have sent many requests in a short time. Please wait a little and try again."
    ),
    "service_unavailable": _l(
        "Part of the Mentor Network is not answering right now. Your data "
        "is safe; please try again in a few minutes."
    ),
    "service_timeout": _l(
        "Part of the Mentor Network is slow to answer right now. Please try again in a few minutes."
    ),
}


def error_page(status, code, message):
    """(response, status), like gateway.errors.error_response's JSON answer."""
    title = TITLES.get(status) or TITLES[500 if status >= 500 else 400]
    explanation = EXPLANATIONS.get(code) or error_message(code, message)
    try:
        page = render_template("error.html", status=status, title=title, explanation=explanation)
        return make_response(page), status
    except Exception:  # the page of last resort must not fail itself
        log.exception("the error page could not be rendered")
        response = make_response(f"{status} {title}")
        response.mimetype = "text/plain"
        return response, status
