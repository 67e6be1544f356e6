"""What the benchmarks share for reporting their samples."""

import json


def percentile(values, p):
    """The nearest-rank ``p``-th percentile (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def save_json(path, figures):
    """Write ``figures`` to ``path`` (the benchmark's ``--json``), if one was given."""
    if path:
        with open(path, "w") as out:
            json.dump(figures, out, indent=2)
