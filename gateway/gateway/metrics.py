"""The gateway's Prometheus metrics (prometheus-client).

- ``mentornet_gateway_requests_total{route, method, status}`` and
  ``mentornet_gateway_request_duration_seconds{route, method}``: every answer,
  by its URL rule (``/api/v1/profiles/<uuid:user_id>``, never the raw path, which
  would make a series per member; ``<unmatched>`` for a path no rule knows,
  ``<server>`` for what the HTTP server refused before the app saw a request);
- ``mentornet_gateway_rpc_calls_total{service, method, outcome}`` and
  ``mentornet_gateway_rpc_duration_seconds{service, method}``: every call to a
  service (``gateway.service_calls``); ``outcome`` is ``ok``, ``refused`` (the
  service's domain error), ``unavailable`` (no service consuming: the 503),
  ``timeout`` (the 504) or ``failed``.  In a parallel batch each call is timed
  with the batch, which is what the page waited for it;
- ``mentornet_rpc_consumers{service}``: the consumers on each service's RPC
  queue as the broker sees them (0: that service is down), read at scrape
  time by the metrics server.

gunicorn runs several worker processes, each counting its own requests, so
the counts live in files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode); gunicorn's master process adds them up and serves them on
``GATEWAY_METRICS_PORT``, a port of its own, never the public one
(``gateway/gunicorn.conf.py``).  Without that directory (the tests' app, a
single process) the counts stay in the process.
"""

import os
import time

from flask import g, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

from gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable
from mentornet_contracts.rpc import SERVICES

REQUESTS = Counter(
    "mentornet_gateway_requests",
    "HTTP requests answered, by URL rule, method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "mentornet_gateway_request_duration_seconds",
    "Time to answer an HTTP request, by URL rule and method",
    ["route", "method"],
)
RPC_CALLS = Counter(
    "mentornet_gateway_rpc_calls",
    "RPC calls to the services, by outcome (ok, refused, unavailable, timeout, failed)",
    ["service", "method", "outcome"],
)
RPC_SECONDS = Histogram(
    "mentornet_gateway_rpc_duration_seconds",
    "Time the gateway waited for a service's answer",
    ["service", "method"],
)

METHODS_COUNTED = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED, SERVER = "<unmatched>", "<server>"


def init_app(app):
    """Count and time every answer.  Registered first, so its after-request hook
    runs last and sees the status the client gets."""

    @app.before_request
    def _start_clock():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count_answer(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else UNMATCHED
            method = request.method if request.method in METHODS_COUNTED else "other"
            REQUESTS.labels(rule, method, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(rule, method).observe(time.perf_counter() - started)
        return response


def count_server_refusal(status):
    """A request the HTTP server refused before the app ran (gateway.serving)."""
    REQUESTS.labels(SERVER, "other", str(status)).inc()


def outcome_of(result):
    if not isinstance(result, BaseException):
        return "ok"
    if isinstance(result, RemoteError):
        return "refused"
    if isinstance(result, ServiceUnavailable):
        return "unavailable"
    if isinstance(result, ServiceTimeout):
        return "timeout"
    return "failed"


def count_call(service, method, result, seconds):
    RPC_CALLS.labels(service, method, outcome_of(result)).inc()
    RPC_SECONDS.labels(service, method).observe(seconds)


# -- gunicorn's master: the workers' counts added up, on a port of their own ------
class RpcConsumers:
    """``mentornet_rpc_consumers{service}`` from the broker, at each scrape."""

    def __init__(self, amqp_uri, services, log):
        self.amqp_uri, self.services, self.log = amqp_uri, services, log

    def describe(self):
        return []

    def collect(self):
        import pika

        family = GaugeMetricFamily(
            "mentornet_rpc_consumers",
            "Consumers on a service's RPC queue (0: nobody answers the gateway's calls)",
            labels=["service"],
        )
        parameters = pika.URLParameters(self.amqp_uri)
        parameters.socket_timeout = parameters.blocked_connection_timeout = 2
        try:
            connection = pika.BlockingConnection(parameters)
        except Exception as exc:  # the broker away: absent, never a made-up 0
            self.log.warning("RPC consumers not read: %s: %s", type(exc).__name__, exc)
            return []
        try:
            channel = connection.channel()
            for service in self.services:
                try:
                    ok = channel.queue_declare(f"rpc-{service}", passive=True)  # nameko's name
                    consumers = ok.method.consumer_count
                except pika.exceptions.ChannelClosedByBroker:
                    consumers = 0  # the queue does not exist: the service never started
                    channel = connection.channel()
                family.add_metric([service], consumers)
        finally:
            connection.close()
        return [family]


def serve_workers_metrics(port, bind, amqp_uri, log):
    """Serve the workers' counts (and the RPC queues' consumers) from gunicorn's
    master process (``log``: its logger); returns the HTTP server."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(RpcConsumers(amqp_uri, SERVICES, log))
    server, _thread = start_http_server(port, addr=bind, registry=registry)
    log.info("metrics on http://%s:%s/metrics", bind, server.server_port)
    return server


def worker_exited(pid):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
