"""CPU seconds spent by each part of a running stack, read from /proc.

On a shared 2-core machine a page's latency under load is mostly its CPU cost
divided by the cores, so the benchmarks report where that CPU goes: each stack
process with its children (the gateway's gunicorn workers), and PostgreSQL
and RabbitMQ as a whole (their processes are shared with anything else that
runs, so read them as upper bounds).
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


def snapshot(roots):
    """{part: cpu seconds} for ``roots`` ({part: pid}, children included),
    plus 'postgres' and 'rabbitmq'."""
    table = _all()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)

    def tree(pid):
        total, stack = 0.0, [pid]
        while stack:
            current = stack.pop()
            if current in table:
                total += table[current][1]
            stack.extend(children.get(current, []))
        return total

    parts = {name: tree(pid) for name, pid in roots.items()}
    parts["postgres"] = sum(cpu for pid, (_, cpu) in table.items()
                            if _command(pid).startswith("postgres"))
    parts["rabbitmq"] = sum(cpu for pid, (_, cpu) in table.items()
                            if _command(pid) in ("beam.smp", "erl_child_setup"))
    return parts


def difference(before, after):
    return {name: after[name] - before.get(name, 0.0) for name in after}
