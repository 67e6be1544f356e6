"""Trivial nameko service for benchmarks/rpc_clients.py.

Run with ``nameko run --config <yaml> echo_service:EchoService``.
"""

from nameko.rpc import rpc


class EchoService:
    name = "echo"

    @rpc
    def ping(self, x=None):
        return x
