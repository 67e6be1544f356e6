"""Without LinkedIn's settings no LinkedIn button shows and its routes are
gone; with them, the buttons are there and the pages may post to LinkedIn."""

import re

import pytest

from gateway import create_app

OFFLINE = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT_SECONDS": 1}


def app(**settings):
    return create_app(
        {**OFFLINE, "LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": "", **settings}
    )


def csrf_token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    "settings",
    [{}, {"LINKEDIN_CLIENT_ID": "only-an-id"}, {"LINKEDIN_CLIENT_SECRET": "only-a-secret"}],
)
def test_without_both_settings_there_is_no_linkedin(settings):
    client = app(**settings).test_client()
    page = client.get("/login")
    assert page.status_code == 200 and "linkedin" not in page.get_data(as_text=True).lower()
    assert "form-action 'self';" in page.headers["Content-Security-Policy"]
    token = csrf_token(page)
    assert client.post("/linkedin/sign-in", data={"csrf_token": token}).status_code == 404
    assert client.get("/linkedin/callback?code=x&state=y").status_code == 404


def test_with_them_the_button_posts_to_linkedin_with_state_and_nonce_and_no_pkce():
    client = app(
        LINKEDIN_CLIENT_ID="our-client",
        LINKEDIN_CLIENT_SECRET="s3cret",
        LINKEDIN_ISSUER="https://www.linkedin.com/oauth",
    ).test_client()
    page = client.get("/login")
    assert 'action="/linkedin/sign-in"' in page.get_data(as_text=True)
    assert "form-action 'self' https://www.linkedin.com;" in page.headers["Content-Security-Policy"]
    # A sign-in without the form token is refused (no other site can start one).
    assert client.post("/linkedin/sign-in").status_code == 403
