"""``python -m gateway.healthcheck``: exit 0 when this container's gateway
answers ``GET /healthz`` on GATEWAY_PORT, 1 when it does not (the gateway's
container health check: gateway/Dockerfile, docker-compose.yml)."""

import os
import sys
import urllib.request


def main():
    url = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as answer:
            return 0 if answer.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
