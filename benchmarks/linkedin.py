"""LinkedIn through the gateway: the sign-in round trip without the provider's
own time, and the import of an archive with 50 positions, beside a password
login and the same 50 positions saved through the API.

Starts an isolated stack (its own vhost and databases; the four services and
the gateway as real processes) pointed at the fake LinkedIn
(devtools/fake_linkedin) served from a thread of this process, with
``PAGE_COOKIES_SECURE=0`` (requests sends no Secure cookie over plain HTTP; a
browser would).  One member signs up through the API and is linked to a
LinkedIn ``sub``.  Each round, in a new order:

- **LinkedIn sign-in (ours)**: a new browser session posts the sign-in
  button (the gateway answers with the redirect to LinkedIn: state and nonce
  made and kept), LinkedIn's page is answered (not timed: that is the member
  at LinkedIn), and the callback is followed (the code exchanged, the ID
  token's signature, issuer, audience, expiry and nonce checked, userinfo
  read, identity's sign-in by ``sub``, a new page session).  The provider's
  own time answering the gateway's calls (token, userinfo; discovery and
  keys are cached after the first) is measured inside the fake and taken off.
- **password login**: POST /login with the same member's password (one
  argon2id verify), the usual way in.
- **archive preview** and **archive import**: the archive (Profile.csv,
  Positions.csv with 50 positions, Education.csv) uploaded (read, checked,
  validated by profiles as a dry run, the preview page), then confirmed (one
  transaction).
- **PATCH 50 positions**: the same 50 positions through the API
  (``PATCH /api/v1/me/profile``), profiles' own write without the archive.

    python benchmarks/linkedin.py [--rounds 50] [--json out.json]
"""

import argparse
import io
import logging
import os
import random
import re
import sys
import time
import uuid
import zipfile

import requests
from figures import percentile, save_json
from harness import PASSWORD, bench_stack, sign_up_form

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from devtools.fake_linkedin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ServerThread  # noqa: E402
from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A browser without JavaScript: a cookie jar and the page's form token."""

    def __init__(self, base_url):
        self.base_url, self.http, self.token = base_url, requests.Session(), None
        self.http.headers["Accept-Language"] = "en"

    def get(self, url):
        response = self.http.get(
            url if url.startswith("http") else self.base_url + url,
            timeout=30,
            allow_redirects=False,
        )
        found = CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path, data=None, files=None):
        return self.http.post(
            self.base_url + path,
            data={"csrf_token": self.token, **(data or {})},
            files=files,
            timeout=30,
            allow_redirects=False,
            headers={"Referer": self.base_url + path},
        )


def expect(response, *statuses):
    if response.status_code not in statuses:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} "
            f"{response.text[:300]}"
        )
    return response


def positions_csv(count):
    rows = ["Company Name,Title,Description,Location,Started On,Finished On"]
    for i in range(count):
        start, end = 1975 + i // 2, 1975 + i // 2 + 1
        rows.append(
            f'Organisation {i},Title {i},"What I did,\nover two lines",Utrecht,'
            f"Jan {start},{'' if i == count - 1 else f'Dec {end}'}"
        )
    return "\n".join(rows) + "\n"


def archive(count=50):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,"
            "Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,"
            "Instant Messengers\nBench,Mark,,,,Curator,,,,,,,\n",
        )
        z.writestr("Positions.csv", positions_csv(count))
        z.writestr(
            "Education.csv",
            "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
            "Universiteit Utrecht,2010,2014,,MA History,\n",
        )
    return out.getvalue()


def api_positions(count=50):
    return [
        {
            "organisation": f"Organisation {i}",
            "title": f"Title {i}",
            "location": "Utrecht",
            "start_month": f"{1975 + i // 2}-01",
            **({"current": True} if i == count - 1 else {"end_month": f"{1975 + i // 2 + 1}-12"}),
        }
        for i in range(count)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the fake's access lines
    fake = ServerThread()
    fake.start()
    mailbox = Mailbox()
    stack = bench_stack(
        mailbox,
        PAGE_COOKIES_SECURE=0,
        LINKEDIN_CLIENT_ID=DEFAULT_CLIENT_ID,
        LINKEDIN_CLIENT_SECRET=DEFAULT_CLIENT_SECRET,
        LINKEDIN_ISSUER=fake.url + "/oauth",
        LINKEDIN_PICTURE_HOSTS="127.0.0.1",
        **WIDE_CLIENT_LIMITS,
    )
    samples = {
        name: []
        for name in (
            "LinkedIn sign-in (ours)",
            "  provider's own time",
            "password login",
            "archive preview (50 positions)",
            "archive import (50 positions)",
            "PATCH 50 positions (API)",
        )
    }
    try:
        names = ("identity", "profiles", "mentoring", "notifications", "gateway")
        for name in names:
            stack.start(name, wait=False)
        for name in names:
            stack.wait_ready(name, timeout=120)
        base = stack.gateway_url
        suffix = uuid.uuid4().hex[:8]
        form = sign_up_form(
            suffix,
            date_of_birth="1990-05-05",
            security_question="What was the name of your first pet?",
            security_answer="Rex",
        )
        account = expect(
            requests.post(base + "/api/v1/accounts", json=form, timeout=30), 201
        ).json()
        user_id, bearer = account["account"]["user_id"], account["token"]
        sub = f"bench-{suffix}"
        stack.rpc.call(
            "identity",
            "link_linkedin",
            kwargs={
                "user_id": user_id,
                "claims": {"sub": sub, "email": form["email"], "email_verified": True},
            },
        )
        deadline = time.monotonic() + 30
        while (
            requests.get(
                base + "/api/v1/me/profile",
                timeout=10,
                headers={"Authorization": f"Bearer {bearer}"},
            ).status_code
            != 200
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("the profile was not made")
            time.sleep(0.1)
        data = archive(50)
        member = Browser(base)
        member.get("/login")
        expect(member.post("/login", {"username": form["username"], "password": PASSWORD}), 303)

        def linkedin_sign_in():
            browser = Browser(base)
            browser.get("/login")
            started = time.perf_counter()
            to_linkedin = expect(browser.post("/linkedin/sign-in"), 302)
            ours = time.perf_counter() - started
            # At LinkedIn (not timed): the member allows, LinkedIn redirects back.
            query = dict(
                re.findall(r"([a-z_]+)=([^&]+)", to_linkedin.headers["Location"].split("?", 1)[1])
            )
            from urllib.parse import unquote

            back = expect(
                requests.post(
                    fake.url + "/oauth/v2/authorization",
                    timeout=30,
                    allow_redirects=False,
                    data={
                        **{k: unquote(v) for k, v in query.items()},
                        "sub": sub,
                        "given_name": "Bench",
                        "family_name": "Mark",
                        "email": form["email"],
                        "email_verified": "true",
                        "action": "allow",
                    },
                ),
                302,
            )
            busy_before = fake.provider.busy_seconds
            started = time.perf_counter()
            expect(browser.get(back.headers["Location"]), 303)
            whole = time.perf_counter() - started
            provider = fake.provider.busy_seconds - busy_before
            return (ours + whole - provider) * 1000, provider * 1000

        def password_login():
            browser = Browser(base)
            browser.get("/login")
            started = time.perf_counter()
            expect(
                browser.post("/login", {"username": form["username"], "password": PASSWORD}), 303
            )
            return (time.perf_counter() - started) * 1000

        def archive_import():
            member.get("/linkedin/archive")
            started = time.perf_counter()
            preview = expect(
                member.post(
                    "/linkedin/archive", files={"archive": ("export.zip", data, "application/zip")}
                ),
                200,
            )
            previewed = time.perf_counter() - started
            token = re.search(r'name="changes" value="([^"]+)"', preview.text).group(1)
            member.token = CSRF.search(preview.text).group(1)
            started = time.perf_counter()
            expect(member.post("/linkedin/archive", {"action": "confirm", "changes": token}), 303)
            return previewed * 1000, (time.perf_counter() - started) * 1000

        def patch_positions():
            started = time.perf_counter()
            expect(
                requests.patch(
                    base + "/api/v1/me/profile",
                    json={"positions": api_positions()},
                    headers={"Authorization": f"Bearer {bearer}"},
                    timeout=30,
                ),
                200,
            )
            return (time.perf_counter() - started) * 1000

        steps = {
            "sign-in": linkedin_sign_in,
            "login": password_login,
            "archive": archive_import,
            "patch": patch_positions,
        }
        for step in steps.values():  # warm-up: connections, discovery, keys, templates
            for _ in range(3):
                step()
        for _ in range(args.rounds):
            order = list(steps)
            random.shuffle(order)
            for name in order:
                result = steps[name]()
                if name == "sign-in":
                    samples["LinkedIn sign-in (ours)"].append(result[0])
                    samples["  provider's own time"].append(result[1])
                elif name == "login":
                    samples["password login"].append(result)
                elif name == "archive":
                    samples["archive preview (50 positions)"].append(result[0])
                    samples["archive import (50 positions)"].append(result[1])
                else:
                    samples["PATCH 50 positions (API)"].append(result)
    finally:
        stack.close()
        mailbox.stop()
        fake.stop()

    p50 = {name: percentile(values, 50) for name, values in samples.items()}
    print(
        f"LinkedIn through the gateway: {args.rounds} rounds, one client, the rows in a new "
        f"order each round"
    )
    print(f"{'what':<32} {'p50 ms':>8} {'p95 ms':>8}")
    report = {}
    for name, values in samples.items():
        report[name] = {"p50_ms": p50[name], "p95_ms": percentile(values, 95)}
        print(f"{name:<32} {p50[name]:>8.1f} {percentile(values, 95):>8.1f}")
    ratios = {
        "LinkedIn sign-in (ours) / password login": p50["LinkedIn sign-in (ours)"]
        / p50["password login"],
        "archive import / PATCH 50 positions (API)": p50["archive import (50 positions)"]
        / p50["PATCH 50 positions (API)"],
        "archive preview / archive import": p50["archive preview (50 positions)"]
        / p50["archive import (50 positions)"],
    }
    print("ratios (p50):")
    for name, value in ratios.items():
        print(f"  {name:<44} {value:5.2f}x")
    save_json(args.json, {"rows": report, "ratios": ratios})


if __name__ == "__main__":
    main()
