"""The public pages: the landing page and the language switch."""
from flask import Blueprint, redirect, render_template, request

from gateway.web.i18n import LANGUAGES, set_language
from gateway.web.sessions import safe_next

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def landing():
    return render_template("landing.html")


@blueprint.post("/language")
def change_language():
    """The "English / Nederlands" switch on every page: a small form, so it
    works without JavaScript; back to the page it was used on."""
    language = request.form.get("language")
    response = redirect(safe_next(request.form.get("next"), "/"), 303)
    if language in LANGUAGES:
        set_language(response, language)
    return response
