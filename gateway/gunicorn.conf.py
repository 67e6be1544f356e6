"""gunicorn's settings file for the gateway (``scripts/start-gateway -c``): the
metrics of its worker processes (gateway/gateway/metrics.py).

Each worker writes its counts to files in ``PROMETHEUS_MULTIPROC_DIR``
(prometheus-client's multiprocess mode); the master process adds them up and
serves them at ``http://METRICS_BIND:GATEWAY_METRICS_PORT/metrics``, a
port of its own that the public one never answers for.  The directory must be
empty when gunicorn starts (counts of an earlier run would be added in): an
operator's directory is emptied here; without one, a fresh temporary
directory is made and removed at exit.

Top-level code runs in the master before any worker exists, and before the
app (and prometheus-client, which reads the variable once, on import) is
loaded: the workers inherit the variable.
"""

import os
import shutil
import tempfile

_made_here = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_here:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mentornet-gateway-metrics-")
else:
    _dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(_dir, exist_ok=True)
    for _name in os.listdir(_dir):
        if _name.endswith(".db"):
            os.remove(os.path.join(_dir, _name))

_metrics_server = None

# gunicorn's own lines (its master's and workers' "gunicorn.error") in the same
# shape as the gateway's (LOG_FORMAT: mentornet_contracts.logs).  The app adds
# its own handler to the root logger in each worker.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_correlation": {"()": "mentornet_contracts.logs.NoCorrelation"}},
    "formatters": {"lines": {"()": "mentornet_contracts.logs.formatter", "service": "gateway"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "lines",
            "filters": ["no_correlation"],
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}


def when_ready(server):
    global _metrics_server
    port = os.environ.get("GATEWAY_METRICS_PORT", "9100").strip()
    if not port:
        return  # no metrics endpoint
    from gateway.metrics import serve_workers_metrics

    try:
        _metrics_server = serve_workers_metrics(
            int(port),
            os.environ.get("METRICS_BIND") or "127.0.0.1",
            os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"),
            server.log,
        )
    except OSError as exc:  # the gateway still serves; the scraper's `up` alert says so
        server.log.error("metrics endpoint not started on port %s: %s", port, exc)


def child_exit(server, worker):
    from gateway.metrics import worker_exited

    worker_exited(worker.pid)


def on_exit(server):
    if _metrics_server is not None:
        _metrics_server.shutdown()
    if _made_here:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
