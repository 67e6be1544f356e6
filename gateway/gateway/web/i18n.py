"""The page's language: the member's setting, then the language cookie, then
Accept-Language (English and Dutch; catalogues in gateway/translations)."""

from flask import current_app, g, request
from flask_babel import Babel, get_locale

from gateway.service_calls import call

LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
ONE_YEAR = 365 * 24 * 3600


def language_cookie_name():
    return "__Host-language" if current_app.config["PAGE_COOKIES_SECURE"] else "language"


def select_language():
    member = g.get("member")
    if member and member.get("language") in LANGUAGES:
        return member["language"]
    cookie = request.cookies.get(language_cookie_name())
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language():
    return str(get_locale() or LANGUAGES[0])


def set_language(response, language):
    """The one place that changes the page language: the cookie for everyone and,
    for a logged-in member, their setting in identity (mails and notifications
    follow it too)."""
    response.set_cookie(
        language_cookie_name(),
        language,
        max_age=ONE_YEAR,
        path="/",
        secure=current_app.config["PAGE_COOKIES_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    member = g.get("member")
    if member and member.get("language") != language:
        call("identity", "change_language", user_id=member["user_id"], language=language)
        member["language"] = language
    return response


def init_app(app):
    Babel(app, locale_selector=select_language)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES, current_language=current_language
    )
