"""CPU seconds spent by each part of a running stack, read from /proc.

On a shared 2-core machine a page's latency under load is mostly its CPU cost
divided by the cores, so the benchmarks report where that CPU goes: each stack
process with its children (the gateway's gunicorn workers), RabbitMQ as a
whole, PostgreSQL's backends serving the stack's own databases when named
(found by their process title), and the rest of the machine (the kernel's work
for the loopback network, other PostgreSQL work, anything else running), which
is the machine's total from /proc/stat less the parts named.
"""

import os

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[1] is ppid; utime and stime are fields 14 and 15 of the whole line
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _command(pid):
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _all():
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                table[int(entry)] = stat
    return table


def _postgres_backends(databases):
    """{pid: cpu seconds} of PostgreSQL's backends serving ``databases``
    (their process title names the database)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                title = handle.read().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and any(f" {name} " in title for name in databases):
            stat = _stat(int(entry))
            if stat:
                found[int(entry)] = stat[1]
    return found


def snapshot(roots, databases=()):
    """{part: cpu seconds} for ``roots`` ({part: pid}, children included),
    plus 'rabbitmq' and 'rest of the machine'; with ``databases``, also
    'postgresql' for the backends serving them (taken out of the rest)."""
    table = _all()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)

    named = set(roots.values())

    def tree(pid):
        # a root's children, but not other roots (the services this process started)
        total, stack = 0.0, [pid]
        while stack:
            current = stack.pop()
            if current in table:
                total += table[current][1]
            stack.extend(child for child in children.get(current, []) if child not in named)
        return total

    parts = {name: tree(pid) for name, pid in roots.items()}
    parts["rabbitmq"] = sum(
        cpu for pid, (_, cpu) in table.items() if _command(pid) in ("beam.smp", "erl_child_setup")
    )
    if databases:
        # per backend, so that one which ends between two snapshots is not
        # counted as negative time (difference() keeps the per-pid detail)
        parts.update(
            {f"postgresql:{pid}": cpu for pid, cpu in _postgres_backends(databases).items()}
        )
    parts["rest of the machine"] = _machine_total() - sum(parts.values())
    return parts


def _machine_total():
    with open("/proc/stat") as handle:
        fields = handle.readline().split()[1:]
    # user nice system idle iowait irq softirq: all but idle and iowait (steal,
    # time the host gave to other machines, is not ours)
    busy = [int(value) for index, value in enumerate(fields[:7]) if index not in (3, 4)]
    return sum(busy) / TICKS


def difference(before, after):
    """CPU seconds spent by each part between two snapshots; PostgreSQL's
    backends are summed into one 'postgresql' part."""
    spent = {}
    for name, cpu in after.items():
        key = "postgresql" if name.startswith("postgresql:") else name
        spent[key] = spent.get(key, 0.0) + cpu - before.get(name, 0.0)
    return spent
