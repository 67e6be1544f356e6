"""``python -m mentornet_platform.healthcheck [service]``: exit 0 when this
container's service is up, 1 when it is not.  The service's containers'
health check (services/Dockerfile, docker-compose.yml, the Kubernetes probes);
the service defaults to ``$SERVICE``, which the image sets.

Up means: the nameko process of that service is PID 1 (so the migrations that
scripts/start-service runs first are done: it execs the service after them)
and the container holds a connection to RabbitMQ.  Nothing is asked over the
broker: another instance of the same service could answer an RPC call for a
container that is stuck.
"""

import os
import sys
from urllib.parse import urlsplit

ESTABLISHED = "01"  # a TCP state in /proc/net/tcp


def serving(service: str, cmdline: bytes) -> bool:
    """Is ``cmdline`` (a /proc/<pid>/cmdline) the nameko process of ``service``?"""
    argv = cmdline.split(b"\0")
    return b"mentornet_platform.serve" in argv and f"{service}.service".encode() in argv


def connected(port: int, tables: list[str]) -> bool:
    """Does any of the /proc/net/tcp-style ``tables`` hold an established
    connection to a remote ``port``?"""
    for table in tables:
        if not os.path.exists(table):
            continue
        with open(table) as rows:
            next(rows, None)  # the heading
            for row in rows:
                fields = row.split()
                if fields[2].endswith(f":{port:04X}") and fields[3] == ESTABLISHED:
                    return True
    return False


def healthy(service: str, amqp_uri: str, proc: str = "/proc") -> bool:
    with open(os.path.join(proc, "1", "cmdline"), "rb") as cmdline:
        if not serving(service, cmdline.read()):
            return False
    port = urlsplit(amqp_uri).port or 5672
    return connected(port, [os.path.join(proc, "net", name) for name in ("tcp", "tcp6")])


def main(argv: list[str]) -> int:
    service = argv[0] if argv else os.environ.get("SERVICE", "")
    if not service:
        print("usage: python -m mentornet_platform.healthcheck <service>", file=sys.stderr)
        return 2
    return 0 if healthy(service, os.environ["AMQP_URI"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
