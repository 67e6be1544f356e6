"""What the benchmarks share for reporting their samples."""


def percentile(values, p):
    """The nearest-rank ``p``-th percentile (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
