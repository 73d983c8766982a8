"""What each step of the generator cost, beside its wall time: the CPU of this
process and of the whole database server, and the load average.

A wall time on a shared machine lies (docs/BENCHMARKS.md): the CPU seconds say
what the step costs. The server's CPU is read from ``/proc`` (the postmaster's
reaped children plus its live ones: backends, parallel workers, the WAL writer
and checkpointer), so it is known only for a server on this machine.
"""

import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, or None where ``/proc``
    does not show it (a server on another machine). The benchmarks read their
    database backends' by it."""
    try:
        fields = _stat(pid)
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def server_cpu(postmaster: int | None) -> float | None:
    """CPU seconds the server has used since it started, or None if not readable."""
    if postmaster is None:
        return None
    try:
        own = _stat(postmaster)
    except OSError:
        return None
    ticks = sum(int(v) for v in own[11:15])  # utime stime cutime cstime
    children = 0.0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                parent = _stat(int(entry.name))[1]
            except OSError:
                continue
            if parent == str(postmaster):
                children += process_cpu(int(entry.name)) or 0.0
    return ticks / TICK + children


def postmaster_of(cursor) -> int | None:
    """The postmaster of the connection's backend, if it runs on this machine."""
    cursor.execute("SELECT pg_backend_pid()")
    try:
        return int(_stat(cursor.fetchone()[0])[1])
    except OSError:
        return None


class Meter:
    """Prints one line a step: wall seconds since the start, then the Python and
    server CPU seconds of the step and the 1-minute load average."""

    def __init__(self, say, postmaster: int | None = None):
        self.say, self.postmaster = say, postmaster
        self.started = time.perf_counter()
        self.python, self.server = time.process_time(), server_cpu(postmaster)

    def step(self, what: str) -> None:
        python, server = time.process_time(), server_cpu(self.postmaster)
        spent = ""
        if server is not None and self.server is not None:
            spent = f" server {server - self.server:6.1f}"
        self.say(
            f"{time.perf_counter() - self.started:7.1f} s  {what}"
            f"   [cpu: python {python - self.python:6.1f}{spent}; load {os.getloadavg()[0]:.1f}]"
        )
        self.python, self.server = python, server
