"""Forms on pages: what a refused one shows (the error summary at the top and
each message beside its field), from the owning service's own answer."""

from flask import make_response, render_template, request

from gateway.errors import ApiError, from_remote, retry_after
from gateway.rpc import RemoteError
from gateway.service_calls import call
from gateway.web.messages import error_message, field_message


class Refusal:
    """A refused form in the page's language: ``message`` for the summary,
    ``fields`` {name: [messages]}, and the HTTP status to answer with."""

    def __init__(self, status, code, message, fields=None, retry_after=None):
        self.status, self.code, self.retry_after = status, code, retry_after
        self.message = error_message(code, message)
        self.fields = {
            name: [field_message(text) for text in (texts if isinstance(texts, list) else [texts])]
            for name, texts in (fields or {}).items()
        }

    def for_field(self, name):
        return self.fields.get(name, [])


def submit(service, method, **kwargs):
    """Call the service; ``(result, None)``, or ``(None, Refusal)`` when it refused
    the input (a 4xx).  A stopped or failing service is raised: the error
    module's 503/504/500 page."""
    return attempt(call, service, method, **kwargs)


def attempt(action, *args, **kwargs):
    """``submit`` for a function that calls services (gateway.operator_actions)."""
    try:
        return action(*args, **kwargs), None
    except (RemoteError, ApiError) as exc:
        return None, refusal(exc)


def refusal(exc):
    """The Refusal for a service's error that refuses the input (a 4xx), as
    ``submit`` gives it (also for a result of ``call_parallel``); any other
    error is raised again."""
    if isinstance(exc, RemoteError):
        status, code, message, fields = from_remote(exc)
        if 400 <= status < 500:
            return Refusal(status, code, message, fields, retry_after(exc))
    elif isinstance(exc, ApiError) and 400 <= exc.status < 500:
        return Refusal(exc.status, exc.code, exc.message, exc.fields)
    raise exc


def form_values(*names):
    """The posted form's text fields (stripped of nothing: the service decides)."""
    return {name: request.form.get(name, "") for name in names}


def refused_page(template, refused, **context):
    """The form's page again with the refusal shown, answered with its status (and,
    for a 429, when to try again)."""
    response = make_response(render_template(template, refused=refused, **context), refused.status)
    if refused.retry_after:
        response.headers["Retry-After"] = str(refused.retry_after)
    return response
