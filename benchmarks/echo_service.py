"""Trivial nameko service for benchmarks/rpc_clients.py.

Run with ``nameko run --config <yaml> echo_service:EchoService``.  It uses the
services' own ``@rpc`` entrypoint (mentornet_platform.rpc), so it costs what a
real service's method costs.
"""

from mentornet_platform.rpc import rpc


class EchoService:
    name = "echo"

    @rpc
    def ping(self, x=None):
        return x
