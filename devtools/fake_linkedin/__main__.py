"""python -m devtools.fake_linkedin [--port 8010]: DEVELOPMENT ONLY."""

import argparse
import os

from werkzeug.serving import run_simple

from devtools.fake_linkedin import (
    DEFAULT_CLIENT_ID,
    FakeLinkedIn,
    create_app,
)

parser = argparse.ArgumentParser(
    description="A fake LinkedIn OpenID Connect provider (development only)"
)
parser.add_argument("--port", type=int, default=int(os.environ.get("FAKE_LINKEDIN_PORT", "8010")))
options = parser.parse_args()
print(
    f"FAKE LinkedIn for development on http://127.0.0.1:{options.port}/oauth "
    f"(client id {DEFAULT_CLIENT_ID}): never use it in production",
    flush=True,
)
run_simple("127.0.0.1", options.port, create_app(FakeLinkedIn()), threaded=True)
