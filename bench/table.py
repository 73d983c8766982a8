"""The one table ``python -m bench`` prints: each benchmark module gives its rows.

A module of ``bench/`` takes part by defining ``rows() -> list[Row]``; it runs its
own set-up (a throw-away database, or the generated one named by
``DATABASE_URL``) and returns one ``Row`` per figure. ``docs/BENCHMARKS.md``
describes the interface.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    target: str  # as the issue states it, e.g. "≤ 150 ms"
    measured: str  # with its unit, e.g. "42 ms p95, 9 queries"
    met: bool | None = None  # None: no target to meet


def table(rows: list[Row]) -> str:
    """A Markdown table of the rows (pasted into docs/BENCHMARKS.md as it is)."""
    mark = {True: "yes", False: "**no**", None: ""}
    lines = ["| what | target | measured | met |", "|---|---|---|---|"]
    lines += [f"| {r.what} | {r.target} | {r.measured} | {mark[r.met]} |" for r in rows]
    return "\n".join(lines)
