"""Every benchmark as one table: ``.venv/bin/python -m bench [MODULE ...]``.

Runs ``rows()`` of each module of ``bench/`` that has one (or of the modules
named), in name order, and prints their rows as one Markdown table.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

import bench.common  # noqa: F401 (Django settings on the path)
from bench.table import table


def modules(names: list[str]):
    names = names or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if callable(getattr(module, "rows", None)):
            yield name, module


def main(names: list[str]) -> None:
    rows = []
    for name, module in modules(names):
        print(f"running bench.{name} …", file=sys.stderr, flush=True)
        rows += module.rows()
    print(table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
