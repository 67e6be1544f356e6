"""A tiny nameko service for test_rpc_client.py, run in a subprocess by
conftest.py (``nameko run --config <yaml> rpc_test_service:RpcTestService``)."""

import os
import time

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc


class CustomError(Exception):
    pass


class ContextData(DependencyProvider):
    """Injects the worker's context data (what arrived in nameko.* headers)."""

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.context_data)


class RpcTestService:
    name = "rpc_test"

    context_data = ContextData()

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def echo(self, value):
        return value

    @rpc
    def sleep(self, seconds, value=None):
        time.sleep(seconds)
        return seconds if value is None else value

    @rpc
    def fail(self, reason, count=None):
        raise CustomError(reason, count)

    @rpc
    def context(self):
        return self.context_data

    @rpc
    def mark(self, path, delay=0):
        """Side effect used to prove that a request ran (or did not)."""
        time.sleep(delay)
        with open(path, "a") as f:
            f.write("ran %s\n" % os.getpid())
        return path
